import { Pool } from 'undici';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** The wire, behind an interface: tests run it for real against the simulator on loopback. */
export interface Transport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface PoolTransportOptions {
  readonly connections?: number;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  /** Responses larger than this are cut: nothing we read from Help Scout is that big. */
  readonly maxResponseBytes?: number;
}

/** Keep-alive undici Pool to one origin, with timeouts on every phase and bounded reads. */
export function poolTransport(baseUrl: string, options: PoolTransportOptions = {}): Transport {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/$/, '');
  const pool = new Pool(url.origin, {
    connections: options.connections ?? 32,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: options.headersTimeoutMs ?? 30_000,
    bodyTimeout: options.bodyTimeoutMs ?? 30_000,
    keepAliveTimeout: 30_000,
  });
  const maxBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  return {
    async send(request) {
      const response = await pool.request({
        method: request.method,
        path: prefix + request.path,
        headers: request.headers ?? {},
        body: request.body ?? null,
      });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > maxBytes) {
          response.body.destroy();
          break;
        }
        chunks.push(buffer);
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
    },
    async close() {
      await pool.close();
    },
  };
}
