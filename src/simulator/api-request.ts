import type { IncomingHttpHeaders } from 'node:http';
import type { SimulatorState } from './state.ts';

/** What an API route handler gets: the request already authenticated, rate limited and read. */
export interface ApiRequest {
  /** The id from the path (a conversation's or a user's), when the route has one. */
  id: number;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Absolute base for links and Location headers, e.g. http://127.0.0.1:54321. */
  baseUrl: string;
  state: SimulatorState;
}
