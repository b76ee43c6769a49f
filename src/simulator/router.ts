import type { ApiRequest } from './api-request.ts';
import type { SimResponse } from './respond.ts';
import { createConversation } from './routes/create-conversation.ts';
import { createNote } from './routes/create-note.ts';
import { getConversation } from './routes/get-conversation.ts';
import { listConversations } from './routes/list-conversations.ts';
import { listThreads } from './routes/list-threads.ts';

export type ApiHandler = (request: ApiRequest) => SimResponse;

interface Route {
  /** Also the key under which counters count its requests. */
  template: string;
  handlers: Partial<Record<string, ApiHandler>>;
}

const ROUTES: readonly Route[] = [
  { template: '/v2/conversations', handlers: { GET: listConversations, POST: createConversation } },
  { template: '/v2/conversations/{id}', handlers: { GET: getConversation } },
  { template: '/v2/conversations/{id}/threads', handlers: { GET: listThreads } },
  { template: '/v2/conversations/{id}/notes', handlers: { POST: createNote } },
];

const SEGMENTS = ROUTES.map((r) => r.template.split('/'));
const ID = /^\d{1,15}$/;

export type RouteMatch =
  | { kind: 'found'; template: string; handler: ApiHandler; id: number }
  | { kind: 'method-not-allowed'; template: string; allow: string }
  | { kind: 'not-found' };

export function matchRoute(method: string, path: string): RouteMatch {
  const parts = path.split('/');
  for (const [i, route] of ROUTES.entries()) {
    const segments = SEGMENTS[i] ?? [];
    if (segments.length !== parts.length) continue;
    let id = 0;
    const fits = segments.every((segment, j) => {
      const part = parts[j] ?? '';
      if (segment !== '{id}') return segment === part;
      id = Number(part);
      return ID.test(part);
    });
    if (!fits) continue;
    // HEAD is GET without a body; node:http drops the body for HEAD by itself.
    const handler = route.handlers[method === 'HEAD' ? 'GET' : method];
    if (handler !== undefined) return { kind: 'found', template: route.template, handler, id };
    const allow = Object.keys(route.handlers);
    if (allow.includes('GET')) allow.push('HEAD');
    return { kind: 'method-not-allowed', template: route.template, allow: allow.join(', ') };
  }
  return { kind: 'not-found' };
}
