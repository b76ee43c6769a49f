import type { ApiRequest } from './api-request.ts';
import type { SimResponse } from './respond.ts';
import { createConversation } from './routes/create-conversation.ts';
import { createCustomerThread, createNote, createReply } from './routes/create-thread.ts';
import { getConversation } from './routes/get-conversation.ts';
import { getUser } from './routes/get-user.ts';
import { listConversations } from './routes/list-conversations.ts';
import { listThreads } from './routes/list-threads.ts';
import { listUsers } from './routes/list-users.ts';

export type ApiHandler = (request: ApiRequest) => SimResponse;

interface Route {
  template: string;
  handlers: Partial<Record<string, ApiHandler>>;
}

const ROUTES: readonly Route[] = [
  { template: '/v2/conversations', handlers: { GET: listConversations, POST: createConversation } },
  { template: '/v2/conversations/{id}', handlers: { GET: getConversation } },
  { template: '/v2/conversations/{id}/threads', handlers: { GET: listThreads } },
  { template: '/v2/conversations/{id}/notes', handlers: { POST: createNote } },
  { template: '/v2/conversations/{id}/customer', handlers: { POST: createCustomerThread } },
  { template: '/v2/conversations/{id}/reply', handlers: { POST: createReply } },
  { template: '/v2/users', handlers: { GET: listUsers } },
  { template: '/v2/users/{id}', handlers: { GET: getUser } },
];

/** A route ready for matching: its segments, and per method the handler and counter key, built once. */
interface CompiledRoute {
  template: string;
  segments: readonly string[];
  byMethod: ReadonlyMap<string, { handler: ApiHandler; endpoint: string }>;
  allow: string;
}

const COMPILED: readonly CompiledRoute[] = ROUTES.map((route) => {
  const byMethod = new Map<string, { handler: ApiHandler; endpoint: string }>();
  for (const [method, handler] of Object.entries(route.handlers)) {
    if (handler === undefined) continue;
    byMethod.set(method, { handler, endpoint: `${method} ${route.template}` });
    // HEAD is GET without a body (node:http drops the body itself); counted under its own name.
    if (method === 'GET') byMethod.set('HEAD', { handler, endpoint: `HEAD ${route.template}` });
  }
  return { template: route.template, segments: route.template.split('/'), byMethod, allow: [...byMethod.keys()].join(', ') };
});

const ID = /^\d{1,15}$/;

export type RouteMatch =
  /** `endpoint` (method + template) is the key under which counters count the request. */
  | { kind: 'found'; endpoint: string; handler: ApiHandler; id: number }
  | { kind: 'method-not-allowed'; template: string; allow: string }
  | { kind: 'not-found' };

const NOT_FOUND: RouteMatch = { kind: 'not-found' };

export function matchRoute(method: string, path: string): RouteMatch {
  const parts = path.split('/');
  for (const route of COMPILED) {
    const { segments } = route;
    if (segments.length !== parts.length) continue;
    let id = 0;
    let fits = true;
    for (let j = 0; j < segments.length && fits; j++) {
      const part = parts[j] ?? '';
      if (segments[j] !== '{id}') fits = segments[j] === part;
      else if (ID.test(part)) id = Number(part);
      else fits = false;
    }
    if (!fits) continue;
    const found = route.byMethod.get(method);
    if (found !== undefined) return { kind: 'found', endpoint: found.endpoint, handler: found.handler, id };
    return { kind: 'method-not-allowed', template: route.template, allow: route.allow };
  }
  return NOT_FOUND;
}
