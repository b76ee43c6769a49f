import type { Reject } from '../core/reject.ts';
import { jsonKind, MAX_JSON_DEPTH, nestedDeeperThan } from './json-shape.ts';
import { JsonSplitter } from './json-splitter.ts';
import { LineSplitter } from './line-splitter.ts';
import { textChunks, type TextEncoding } from './text-chunks.ts';

/** One record of a JSON export, or why it could not be read. `at` is its line (NDJSON) or record number (JSON text). */
export type JsonRecord =
  | { readonly kind: 'value'; readonly value: unknown; readonly at: number }
  | { readonly kind: 'error'; readonly reason: 'invalid_json' | 'invalid_encoding' | 'invalid_record'; readonly message: string; readonly at: number; readonly raw: string };

export interface JsonRecordOptions {
  readonly encoding: TextEncoding;
  /** `lines`: NDJSON only (canonical jsonl). `detect`: NDJSON, array, wrapper object or single object. */
  readonly layout: 'lines' | 'detect';
  /** Keys whose array holds the records in a wrapper object, e.g. `tickets`. */
  readonly wrapperKeys: readonly string[];
}

/** A record larger than this is refused rather than buffered (a Zendesk ticket with 5,000 comments fits). */
export const MAX_RECORD_CHARS = 64 * 1024 * 1024;
/** How much of the file's start is looked at to tell NDJSON from a JSON document. */
const PEEK_CHARS = 1024 * 1024;
/** Rejects keep this much of a bad record's text: enough to recognise it, not a copy of a 10 MB line. */
const RAW_KEPT = 1000;

/**
 * Streams the records of a JSON export file, whatever its layout (detected, not configured):
 * NDJSON one record a line, a `[...]` array, a `{"tickets": [...]}` wrapper, or one or more
 * pretty-printed objects. A bad record is an error item and reading continues.
 */
export async function* readJsonRecords(path: string, options: JsonRecordOptions): AsyncGenerator<JsonRecord> {
  for await (const batch of readJsonRecordBatches(path, options)) yield* batch;
}

/**
 * The same records, a batch per chunk of text read: a reader that takes them in batches pays
 * an async generator's suspend and resume per chunk instead of per record.
 */
export async function* readJsonRecordBatches(path: string, options: JsonRecordOptions): AsyncGenerator<readonly JsonRecord[]> {
  const chunks = textChunks(path, options.encoding, 'source.path')[Symbol.asyncIterator]();
  try {
    const head: string[] = [];
    let headText = '';
    let done = false;
    while (!done && !headDecided(headText)) {
      const next = await chunks.next();
      if (next.done === true) done = true;
      else {
        head.push(next.value);
        headText += next.value;
      }
    }
    async function* replay(): AsyncGenerator<string> {
      yield* head.splice(0);
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
    }
    const layout = options.layout === 'lines' ? 'lines' : detectLayout(headText.slice(0, PEEK_CHARS), options.wrapperKeys);
    yield* layout === 'lines' ? lineRecords(replay()) : splitRecords(replay(), options.wrapperKeys);
  } finally {
    // replay() pulls chunks by hand, so a reader stopping early reaches no for-await that would
    // close them: without this the file stayed open.
    await chunks.return(undefined);
  }
}

/** Enough of the head is read once it holds a full first line, or the peek limit. */
function headDecided(text: string): boolean {
  if (text.length >= PEEK_CHARS) return true;
  const start = text.search(/\S/);
  return start >= 0 && text.indexOf('\n', start) >= 0;
}

/**
 * NDJSON when the first line is a whole JSON object (and not a wrapper), or is not JSON at all
 * (a stray header line, which then becomes one reject); a JSON document otherwise.
 */
export function detectLayout(head: string, wrapperKeys: readonly string[]): 'lines' | 'split' {
  const text = head.trimStart();
  if (text.startsWith('[')) return 'split';
  if (!text.startsWith('{')) return 'lines';
  const newline = text.indexOf('\n');
  if (newline < 0 && head.length >= PEEK_CHARS) return 'split';
  const firstLine = newline < 0 ? text : text.slice(0, newline);
  try {
    const value: unknown = JSON.parse(firstLine);
    const isWrapper =
      value !== null && typeof value === 'object' && wrapperKeys.some((key) => Array.isArray((value as Record<string, unknown>)[key]));
    return isWrapper ? 'split' : 'lines';
  } catch {
    // Brackets still open at the end of the line: a pretty-printed document. Balanced but
    // invalid: a bad NDJSON line.
    return openBrackets(firstLine) > 0 ? 'split' : 'lines';
  }
}

function openBrackets(line: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth;
}

/** Records in batches, one per chunk of text read: a splitter's pieces made records by `toBatch`. */
async function* recordBatches<P>(chunks: AsyncIterable<string>, splitter: { push(chunk: string): P; end(): P }, toBatch: (pieces: P) => JsonRecord[]): AsyncGenerator<readonly JsonRecord[]> {
  for await (const chunk of chunks) {
    const batch = toBatch(splitter.push(chunk));
    if (batch.length > 0) yield batch;
  }
  const batch = toBatch(splitter.end());
  if (batch.length > 0) yield batch;
}

function lineRecords(chunks: AsyncIterable<string>): AsyncGenerator<readonly JsonRecord[]> {
  return recordBatches(chunks, new LineSplitter(MAX_RECORD_CHARS), lineBatch);
}

function lineBatch(lines: ReturnType<LineSplitter['push']>): JsonRecord[] {
  const batch: JsonRecord[] = [];
  for (const line of lines) {
    const record = lineRecord(line);
    if (record !== undefined) batch.push(record);
  }
  return batch;
}

function lineRecord(line: ReturnType<LineSplitter['push']>[number]): JsonRecord | undefined {
  if (line.kind === 'too-long') {
    return { kind: 'error', reason: 'invalid_json', message: `line is ${line.chars} characters long, over the ${MAX_RECORD_CHARS} limit`, at: line.line, raw: '' };
  }
  // Blank lines (a trailing newline, spacing) are not records.
  if (line.text.trim() === '') return undefined;
  return parseRecord(line.text, line.line, `line ${line.line}`);
}

function splitRecords(chunks: AsyncIterable<string>, wrapperKeys: readonly string[]): AsyncGenerator<readonly JsonRecord[]> {
  return recordBatches(chunks, new JsonSplitter(new Set(wrapperKeys), MAX_RECORD_CHARS), splitBatch);
}

function splitBatch(events: ReturnType<JsonSplitter['push']>): JsonRecord[] {
  return events.map((event) =>
    event.kind === 'value'
      ? parseRecord(event.text, event.record, `record ${event.record} (line ${event.line})`)
      : { kind: 'error', reason: 'invalid_json', message: event.message, at: event.record, raw: '' },
  );
}

function parseRecord(text: string, at: number, where: string): JsonRecord {
  if (text.includes('\uFFFD')) {
    return { kind: 'error', reason: 'invalid_encoding', message: `${where} is not valid in the file's encoding; set source.encoding`, at, raw: keep(text) };
  }
  try {
    return { kind: 'value', value: JSON.parse(text) as unknown, at };
  } catch (error) {
    return { kind: 'error', reason: 'invalid_json', message: `${where}: ${(error as Error).message}`, at, raw: keep(text) };
  }
}

function keep(text: string): string {
  return text.length > RAW_KEPT ? `${text.slice(0, RAW_KEPT)}…` : text;
}

/** A reader-level reject for a JSON record that is unreadable or not an object. */
export function recordReject(record: JsonRecord, file: string): Reject {
  if (record.kind === 'error') {
    return { reason: record.reason, message: record.message, origin: { file, line: record.at }, fields: record.raw === '' ? {} : { raw: record.raw } };
  }
  const origin = { file, line: record.at };
  // Too deep for JSON.stringify to write back without overflowing the stack: the message says so instead.
  if (nestedDeeperThan(record.value, MAX_JSON_DEPTH)) {
    return { reason: 'invalid_record', message: `record ${record.at} is ${jsonKind(record.value)} nested more than ${MAX_JSON_DEPTH} levels deep, expected an object`, origin, fields: {} };
  }
  return { reason: 'invalid_record', message: `record ${record.at} is ${jsonKind(record.value)}, expected an object`, origin, fields: { raw: keep(JSON.stringify(record.value)) } };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
