import { resolveConfig } from './config.ts';
import { dumpState } from './dump.ts';
import type { FaultInjector } from './faults.ts';
import { emptyResponse, jsonResponse, type SimResponse } from './respond.ts';
import { seedConversation } from './seed.ts';
import { SeedError, parseSeedFile } from './seed-schema.ts';
import type { SimulatorState } from './state.ts';
import { addThreads, copyThread, deleteThread } from './tamper.ts';
import type { TokenStore } from './token-store.ts';

export const CONTROL_PREFIX = '/__sim/';

export interface ControlParts {
  state: SimulatorState;
  tokens: TokenStore;
  faults: FaultInjector;
}

/** The runtime-patchable part of a seed file. */
const CONFIG_KEYS = new Set(['credentials', 'rateLimit', 'tokens', 'maxBodyBytes', 'maxAttachmentBytes', 'faults']);

function parseJson(body: Buffer): unknown {
  return body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
}

function patchConfig(parts: ControlParts, value: unknown): SimResponse {
  const unknownKeys = typeof value === 'object' && value !== null ? Object.keys(value).filter((k) => !CONFIG_KEYS.has(k)) : [];
  if (unknownKeys.length > 0) throw new SeedError(unknownKeys.map((k) => `${k}: cannot be changed at runtime`));
  const patch = parseSeedFile(value);
  parts.state.config = resolveConfig(patch, parts.state.config);
  if (patch.faults !== undefined) parts.faults.configure(parts.state.config.faults);
  const { rateLimit, tokens, maxBodyBytes, maxAttachmentBytes, faults } = parts.state.config;
  // Credentials are not echoed: secrets stay out of responses.
  return jsonResponse(200, { rateLimit, tokens, maxBodyBytes, maxAttachmentBytes, faults });
}

function merge(parts: ControlParts, value: unknown): SimResponse {
  const { from, into } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof from !== 'number' || typeof into !== 'number') throw new SeedError(['merge: needs numbers {from, into}']);
  if (parts.state.conversations.get(into)?.mergedInto !== null) {
    throw new SeedError([`merge: ${into} must be a conversation that was not merged itself`]);
  }
  parts.state.merge(from, into);
  return emptyResponse(204);
}

function route(parts: ControlParts, method: string, path: string, body: Buffer): SimResponse | undefined {
  const { state } = parts;
  switch (`${method} ${path.slice(CONTROL_PREFIX.length)}`) {
    case 'GET state':
      return jsonResponse(200, dumpState(state));
    case 'GET counters':
      return jsonResponse(200, state.counters.snapshot());
    case 'POST reset-counters':
      state.counters.reset();
      return emptyResponse(204);
    case 'POST conversations':
      return jsonResponse(201, { id: seedConversation(state, parseJson(body)).id });
    case 'POST merge':
      return merge(parts, parseJson(body));
    case 'POST config':
      return patchConfig(parts, parseJson(body));
    case 'POST delete-thread':
      return deleteThread(state, parseJson(body));
    case 'POST copy-thread':
      return copyThread(state, parseJson(body));
    case 'POST add-threads':
      return addThreads(state, parseJson(body));
    case 'POST expire-tokens':
      parts.tokens.revokeAll();
      return emptyResponse(204);
    default:
      return undefined;
  }
}

/** Test plumbing outside the API path: no auth, no rate limit, no faults, not counted. */
export function handleControl(parts: ControlParts, method: string, path: string, body: Buffer): SimResponse {
  try {
    return route(parts, method, path, body) ?? jsonResponse(404, { error: `no control endpoint ${method} ${path}` });
  } catch (error) {
    if (error instanceof SeedError) return jsonResponse(400, { error: error.message, problems: error.problems });
    if (error instanceof SyntaxError) return jsonResponse(400, { error: `not JSON: ${error.message}` });
    if (error instanceof Error) return jsonResponse(409, { error: error.message });
    throw error;
  }
}
