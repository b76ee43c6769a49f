import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ConfigError } from '../../core/errors.ts';
import { readFailure } from '../input-file.ts';
import { MAX_RECORD_CHARS, type JsonRecord } from '../json-records.ts';

/**
 * The records of one XML file of Freshdesk's account export, streamed: each child of the root
 * (`helpdesk-tickets` → `helpdesk-ticket`, `users` → `user`) as the object Rails' `to_json`
 * gives for the same model, the shape of the v1 API. The files are Rails' `to_xml`
 * (api.rubyonrails.org, `ActiveModel::Serializers::Xml` / `Hash#to_xml`): hyphenated names
 * (`display-id` → `display_id`), `type="integer|boolean|array"` and `nil="true"` attributes.
 * A record above MAX_RECORD_CHARS is one error record; XML that is not well-formed stops the
 * file with a ConfigError naming the line, since nothing after it can be trusted.
 */
export async function* xmlRecordBatches(input: Readable, where: string): AsyncGenerator<readonly JsonRecord[]> {
  const parser: Parser = new SaxesParser({ xmlns: false, position: true });
  const builder = new RecordBuilder(parser, where);
  let failure: Error | undefined;
  parser.on('error', (error) => (failure ??= error));
  parser.on('opentag', (tag) => {
    builder.open(tag);
  });
  parser.on('text', (text) => {
    builder.text(text);
  });
  parser.on('cdata', (text) => {
    builder.text(text);
  });
  parser.on('closetag', () => {
    builder.close();
  });
  input.setEncoding('utf8');
  try {
    for await (const chunk of input) {
      parser.write(chunk as string);
      if (failure !== undefined) throw malformed(where, failure);
      builder.checkUnbrokenText();
      const done = builder.take();
      if (done.length > 0) yield done;
    }
    parser.close();
    if (failure !== undefined) throw malformed(where, failure);
    const done = builder.take();
    if (done.length > 0) yield done;
  } catch (error) {
    throw readFailure(error, where, 'source.path');
  } finally {
    input.destroy();
  }
}

function malformed(where: string, error: Error): ConfigError {
  return new ConfigError([`source.path: ${where} is not well-formed XML (${error.message}); re-download the export`]);
}

/** Without namespaces: Rails writes none, and attributes stay plain strings. */
type Parser = SaxesParser<{ xmlns: false; position: true }>;

/** One element being read; `fields` once it has child elements, `items` for `type="array"`. */
interface Frame {
  readonly key: string;
  readonly type: string | undefined;
  readonly nil: boolean;
  text: string;
  fields: Record<string, unknown> | undefined;
  items: unknown[] | undefined;
  /** Child names met twice (`<to_email>` lists without `type="array"`): their field is a list. */
  repeated: Set<string> | undefined;
}

class RecordBuilder {
  private readonly stack: Frame[] = [];
  private done: JsonRecord[] = [];
  private recordStart = 0;
  private recordLine = 0;
  private tooLarge = false;
  /** Where the last event was: text longer than MAX_RECORD_CHARS without markup is buffered by the parser itself. */
  private lastEvent = 0;

  constructor(
    private readonly parser: Parser,
    private readonly where: string,
  ) {}

  open(tag: SaxesTagPlain): void {
    this.lastEvent = this.parser.position;
    if (this.stack.length === 1) {
      this.recordStart = this.parser.position;
      this.recordLine = this.parser.line;
      this.tooLarge = false;
    }
    const { type, nil } = tag.attributes;
    this.stack.push({ key: tag.name.replaceAll('-', '_'), type, nil: nil === 'true', text: '', fields: undefined, items: undefined, repeated: undefined });
    this.checkSize();
  }

  text(text: string): void {
    this.lastEvent = this.parser.position;
    const top = this.stack[this.stack.length - 1];
    if (this.stack.length < 2 || top === undefined || this.checkSize()) return;
    top.text += text;
  }

  close(): void {
    this.lastEvent = this.parser.position;
    const frame = this.stack.pop();
    const parent = this.stack[this.stack.length - 1];
    if (frame === undefined || parent === undefined) return;
    if (this.stack.length === 1) this.done.push(this.record(frame));
    else if (!this.tooLarge) attach(parent, frame.key, valueOf(frame));
  }

  take(): JsonRecord[] {
    const done = this.done;
    this.done = [];
    return done;
  }

  checkUnbrokenText(): void {
    if (this.parser.position - this.lastEvent > MAX_RECORD_CHARS) {
      throw new ConfigError([`source.path: ${this.where} has more than ${MAX_RECORD_CHARS} characters without markup after line ${this.parser.line}; it is not read`]);
    }
  }

  /** Past the limit the record's content is dropped as it comes: it becomes one error record. */
  private checkSize(): boolean {
    if (!this.tooLarge && this.stack.length >= 2 && this.parser.position - this.recordStart > MAX_RECORD_CHARS) this.tooLarge = true;
    return this.tooLarge;
  }

  private record(frame: Frame): JsonRecord {
    const at = this.recordLine;
    if (!this.tooLarge) return { kind: 'value', value: valueOf(frame), at };
    return { kind: 'error', reason: 'invalid_record', message: `${this.where}: the <${frame.key}> at line ${at} is larger than ${MAX_RECORD_CHARS} characters; it is not read`, at, raw: '' };
  }
}

function attach(parent: Frame, key: string, value: unknown): void {
  if (parent.type === 'array') {
    (parent.items ??= []).push(value);
    return;
  }
  // No prototype: an element named `__proto__` is just a field.
  const fields = (parent.fields ??= Object.create(null) as Record<string, unknown>);
  if (!(key in fields)) fields[key] = value;
  else if (parent.repeated?.has(key) === true) (fields[key] as unknown[]).push(value);
  else {
    fields[key] = [fields[key], value];
    (parent.repeated ??= new Set()).add(key);
  }
}

function valueOf(frame: Frame): unknown {
  if (frame.nil) return null;
  if (frame.type === 'array') return frame.items ?? [];
  if (frame.fields !== undefined) return frame.fields;
  if (frame.type === 'boolean') return frame.text.trim() === 'true';
  if (frame.type === 'integer') {
    const text = frame.text.trim();
    const n = Number(text);
    // Ids beyond 2^53 stay text: a rounded id would name another record.
    return text !== '' && Number.isSafeInteger(n) ? n : text;
  }
  return frame.text;
}
