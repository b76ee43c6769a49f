/**
 * The contract between `hs-import export` (the runner, `export-run.ts`) and one platform's walk
 * (`zendesk.ts`, `freshdesk.ts`, `intercom.ts`). A platform knows its API's paths, paging and
 * record shapes; the runner knows files, the cursor checkpoint, the attachment store and progress.
 * Neither knows the other's side, so a platform file reads like the API's own documentation.
 */
import { baseUrlProblem } from '../config/schema.ts';
import { ConfigError } from '../core/errors.ts';

export type Platform = 'zendesk' | 'freshdesk' | 'intercom';

export type CursorValue = string | number | boolean | null | readonly CursorValue[] | { readonly [key: string]: CursorValue };

/** One line to append to one of the platform's output files (NDJSON, one JSON value per line). */
export interface ExportRecord {
  /** A name from `PlatformExport.files`. */
  readonly file: string;
  readonly value: unknown;
}

/**
 * What one step of the walk produced. The runner writes every record and stores every link
 * (while it is fresh) before it saves `cursor`; after a kill it truncates the files back to the
 * last saved step and asks the walk to go on from that step's cursor, so no record is written twice.
 */
export interface ExportBatch {
  readonly records: readonly ExportRecord[];
  /** Attachment and inline-image links met in these records, to download into the store now. */
  readonly links: readonly string[];
  /** Where the walk goes on after this batch; opaque to the runner, saved as JSON. */
  readonly cursor: CursorValue;
  /** For the progress bar and the report. */
  readonly tickets: number;
  readonly messages: number;
  /**
   * What the walk could not do and the user must know, for the report (e.g. Freshdesk: more
   * tickets updated in one second than its listing serves): never a silent cut.
   */
  readonly warnings?: readonly string[];
}

/** One answer of the source API, body parsed. */
export interface SourceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/**
 * The source API as a platform sees it: paced by the platform's own rate headers, retried on
 * 429/5xx/resets, credentials added by the runner. `pathOrUrl` is a path on the platform's base
 * URL, or an absolute `next_page`-style link the API handed out (same origin only).
 */
export interface SourceHttp {
  get(pathOrUrl: string, query?: Readonly<Record<string, string | number | undefined>>): Promise<SourceResponse>;
  /** A JSON body POSTed for a read (Intercom's `POST /conversations/search`): paced and retried like `get`. */
  post(pathOrUrl: string, body: unknown): Promise<SourceResponse>;
}

/** How a platform states its budget in its headers (each platform file exports one). */
export interface RateHeaders {
  /** Requests left in the current window, if the platform says. */
  remaining(headers: SourceResponse['headers']): number | undefined;
  /** Milliseconds until the window resets / the 429 may be retried, if the platform says. */
  resetInMs(headers: SourceResponse['headers'], now: number): number | undefined;
  /**
   * The window's length, for a platform whose successful answers never say when the window
   * resets (Freshdesk: only `Retry-After` on the 429); the client then waits this long from the
   * window's start once `remaining` is 0. Default 60 s.
   */
  readonly windowMs?: number;
}

export interface WalkOptions {
  /** Resume point: the `cursor` of the last batch saved, or undefined to start. */
  readonly from: CursorValue | undefined;
  /** `--since`: only what was created or updated at or after it. */
  readonly since: Date | undefined;
  readonly signal: AbortSignal;
  /**
   * The values already in one of `files` (what earlier batches wrote, after the runner truncated
   * the file back on resume), for a walk that writes a side-loaded record once per export
   * (Zendesk users, Intercom contacts) and must not write it again after a kill.
   */
  readonly written?: (file: string) => AsyncIterable<unknown>;
}

export interface PlatformExport {
  readonly platform: Platform;
  /** The output files the preset reads, e.g. `tickets.jsonl`, `users.jsonl`. */
  readonly files: readonly string[];
  readonly rateHeaders: RateHeaders;
  /** Base URL of the API, e.g. `https://acme.zendesk.com/api/v2`; the simulators give a loopback one. */
  readonly baseUrl: string;
  /** The `Authorization` value for the API (never written anywhere). */
  readonly authorization: string;
  /** Further headers every API request carries (Intercom's `Intercom-Version`); never a secret. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hosts whose attachment links get `authorization` (the platform's own), for `source.attachments.hosts`. */
  readonly attachmentHosts: readonly string[];
  /** Whether attachment links need the API credential (Zendesk's do; presigned links do not). */
  readonly attachmentsNeedAuth: boolean;
  walk(http: SourceHttp, options: WalkOptions): AsyncIterable<ExportBatch>;
  /**
   * The `source` part of the `import.config.json` written next to the files (format, path, users…),
   * paths relative to the output folder. Never a secret: `authEnv` names a variable, not its value.
   */
  importSource(): Record<string, unknown>;
}

/**
 * Each platform file exports one: the walk from the platform's environment variables (a
 * `ConfigError` naming what is missing, never echoing a value). `apiUrl` (`--api-url`) replaces the
 * URL built from the environment: a proxy, or a simulator on 127.0.0.1 (plain http only on loopback).
 */
export type PlatformFactory = (env: Readonly<Record<string, string | undefined>>, apiUrl: string | undefined) => PlatformExport;

/**
 * The API's base URL: `apiUrl` (`--api-url`) when given, else the platform's own `fallback`, without
 * a trailing slash. The credential goes to this URL: `--api-url` must be https, or plain http to a
 * loopback proxy or simulator only (a `ConfigError` otherwise). Every platform's factory uses it.
 */
export function apiBaseUrl(apiUrl: string | undefined, fallback: string): string {
  const problem = apiUrl === undefined ? undefined : baseUrlProblem(apiUrl);
  if (problem !== undefined) throw new ConfigError([`--api-url: ${problem}`]);
  return (apiUrl ?? fallback).replace(/\/+$/, '');
}
