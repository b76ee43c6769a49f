import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The old help desk's file hosting, for tests and benches (DESIGN §9): files behind links that
 * redirect to "temporary" links on a second port, want a header, expire, stall, reset, or lie
 * about their length. Two listeners on 127.0.0.1; both record every request with its headers.
 * Independent of the client, like the Help Scout simulator.
 */
export interface FileRoute {
  readonly body?: Buffer;
  readonly contentType?: string;
  /** Without this exact header the answer is 401. */
  readonly requireHeader?: { readonly name: string; readonly value: string };
  /** Successful answers before the link "expires" (403 from then on). */
  readonly uses?: number;
  /** The first `times` requests fail this way; then the route answers normally. */
  readonly failFirst?: { readonly times: number; readonly with: 'reset' | 503 | 'hang' };
  /** 302 to this location (absolute, or a path on the same listener). */
  readonly redirect?: string;
  /** 302 to a one-use link for `body` on the second listener, as Zendesk answers an authenticated fetch. */
  readonly temporary?: boolean;
  /** Content-Length as sent, whatever the body really is (written on the raw socket). */
  readonly declaredLength?: number;
  /** No Content-Length: the body is sent chunked. */
  readonly chunked?: boolean;
  readonly status?: number;
}

export interface RecordedFileRequest {
  readonly listener: 'main' | 'temporary';
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

export interface RunningFileServer {
  /** `http://127.0.0.1:PORT` of the main listener. */
  readonly url: string;
  /** The second listener, where temporary links point. */
  readonly temporaryUrl: string;
  readonly requests: RecordedFileRequest[];
  /**
   * Asked at each request once it is recorded: true leaves it unanswered (a test kills its client
   * there: an event the server sees, never a timer). close() drops what is left.
   */
  hold: (request: RecordedFileRequest) => boolean;
  /** Sets (or replaces) a route on a listener. */
  route(path: string, route: FileRoute, listener?: 'main' | 'temporary'): void;
  /** Requests that reached `path` on a listener (any query). */
  hits(path: string, listener?: 'main' | 'temporary'): number;
  close(): Promise<void>;
}

interface RouteState {
  route: FileRoute;
  served: number;
  failed: number;
}

export async function startFileServer(): Promise<RunningFileServer> {
  const routes = { main: new Map<string, RouteState>(), temporary: new Map<string, RouteState>() };
  const requests: RecordedFileRequest[] = [];
  let temporaries = 0;
  const servers: Server[] = [];
  const listen = async (listener: 'main' | 'temporary'): Promise<string> => {
    const server = createServer((req, res) => {
      handle(listener, req, res);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const url = await listen('main');
  const temporaryUrl = await listen('temporary');

  function handle(listener: 'main' | 'temporary', req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const recorded: RecordedFileRequest = { listener, path, headers: { ...req.headers } };
    requests.push(recorded);
    if (running.hold(recorded)) return;
    const state = routes[listener].get(path);
    if (state === undefined) {
      end(res, 404, 'no such file');
      return;
    }
    const { route } = state;
    if (route.failFirst !== undefined && state.failed < route.failFirst.times) {
      state.failed++;
      if (route.failFirst.with === 'reset') {
        req.socket.destroy();
        return;
      }
      // 'hang': never answered; the client's timeout ends it (close() destroys what is left).
      if (route.failFirst.with === 'hang') return;
      end(res, 503, 'try again');
      return;
    }
    if (route.requireHeader !== undefined && req.headers[route.requireHeader.name.toLowerCase()] !== route.requireHeader.value) {
      end(res, 401, 'authentication required');
      return;
    }
    if (route.uses !== undefined && state.served >= route.uses) {
      end(res, 403, 'Request has expired');
      return;
    }
    state.served++;
    if (route.temporary === true) {
      const tempPath = `/tmp/${++temporaries}${path}`;
      routes.temporary.set(tempPath, { route: { ...(route.body ? { body: route.body } : {}), ...(route.contentType ? { contentType: route.contentType } : {}), uses: 1 }, served: 0, failed: 0 });
      res.writeHead(302, { location: `${temporaryUrl}${tempPath}` }).end();
      return;
    }
    if (route.redirect !== undefined) {
      res.writeHead(302, { location: route.redirect }).end();
      return;
    }
    if (route.status !== undefined) {
      end(res, route.status, `status ${route.status}`);
      return;
    }
    const body = route.body ?? Buffer.alloc(0);
    const type = route.contentType ?? 'application/octet-stream';
    if (route.declaredLength !== undefined) {
      // Node's http refuses to send a body longer than its Content-Length, so the lie goes on the
      // raw socket: the whole file, chunked, under a Content-Length that claims less. (A plain
      // over-long body cannot reach any HTTP/1.1 client: it stops reading at the claimed length.)
      const head = `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\ncontent-length: ${route.declaredLength}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n`;
      req.socket.end(Buffer.concat([Buffer.from(`${head}${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]));
      return;
    }
    if (route.chunked === true) {
      res.writeHead(200, { 'content-type': type });
      res.write(body);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
  }

  const running: RunningFileServer = {
    url,
    temporaryUrl,
    requests,
    hold: () => false,
    route(path, route, listener = 'main') {
      routes[listener].set(path, { route, served: 0, failed: 0 });
    },
    hits(path, listener = 'main') {
      return requests.filter((r) => r.listener === listener && r.path === path).length;
    },
    async close() {
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              server.closeAllConnections();
              server.close(() => {
                resolve();
              });
            }),
        ),
      );
    },
  };
  return running;
}

function end(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) }).end(text);
}
