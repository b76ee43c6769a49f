import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: Buffer;
}

export interface RecordingProxy {
  /** http://127.0.0.1:port — what the client under test is pointed at. */
  readonly url: string;
  /** Every request that reached the proxy, body included, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Every `access_token` the token endpoint handed out through the proxy. */
  readonly issuedTokens: string[];
  close(): Promise<void>;
}

const readAll = async (stream: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * A pass-through HTTP proxy in front of the simulator: it records what crossed the wire (the
 * request bodies, the tokens the OAuth endpoint issued), which the simulator does not expose.
 * A dropped upstream connection (an injected reset or lost response) drops the client's too,
 * so faults reach the client unchanged.
 */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];
  const issuedTokens: string[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await readAll(incoming);
      const path = incoming.url ?? '/';
      requests.push({ method: incoming.method ?? 'GET', path, authorization: incoming.headers.authorization, body });
      const forward = httpRequest(
        { agent, host: target.hostname, port: target.port, method: incoming.method, path, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          readAll(answer).then(
            (payload) => {
              if (path.startsWith('/v2/oauth2/token') && answer.statusCode === 200) {
                issuedTokens.push((JSON.parse(payload.toString('utf8')) as { access_token: string }).access_token);
              }
              outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
              outgoing.end(payload);
            },
            () => outgoing.destroy(),
          );
        },
      );
      forward.on('error', () => {
        outgoing.destroy();
      });
      forward.end(body);
    })().catch(() => outgoing.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    issuedTokens,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
