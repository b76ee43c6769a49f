/**
 * Cuts a JSON text, fed in chunks, into its records without parsing it whole: the elements of a
 * root array `[...]`, the elements of a wrapper's array (`{"tickets": [...], "next_page": …}`,
 * the key chosen by the caller), or each root value of a stream of values (one object, or
 * several one after another). Only brackets outside strings are tracked; each record's text is
 * then validated by JSON.parse, so a broken record costs that record, not the file.
 */
export type SplitEvent =
  | { readonly kind: 'value'; readonly text: string; readonly record: number; readonly line: number }
  | { readonly kind: 'error'; readonly message: string; readonly record: number; readonly line: number };

const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;
const STRING_STOP = /["\\\n]/g;
/** Longest key remembered for wrapper detection. */
const MAX_KEY = 64;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

export class JsonSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private line = 1;
  /** Depth at which records start: 0 = root values, 1 = root array, 2 = wrapper array, -1 = none. */
  private recordDepth = 0;
  /** In a root object that may still turn out to be a wrapper. */
  private rootObject = false;
  /** Past a wrapper's array: the rest of the root object is ignored. */
  private ignoringRest = false;
  /** Skipping text that cannot start a value, up to the end of its line. */
  private garbage = false;

  private capturing = false;
  private tooLarge = false;
  private parts: string[] = [];
  private captured = 0;
  private record = 0;
  private recordLine = 0;

  // Wrapper detection inside the root object (depth 1): the last string and whether `:` followed it.
  private stringStart = -1;
  /** The part of a depth-1 string seen in earlier chunks (a key may straddle two chunks). */
  private stringHead = '';
  private lastString: string | undefined;
  private key: string | undefined;

  private events: SplitEvent[] = [];

  constructor(
    private readonly wrapperKeys: ReadonlySet<string>,
    private readonly maxRecordChars: number,
  ) {}

  push(chunk: string): SplitEvent[] {
    let start = this.capturing ? 0 : -1;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      if (this.inString) {
        i = this.scanString(chunk, i);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) {
        this.line++;
        this.garbage = false;
        continue;
      }
      if (this.garbage || isSpace(c)) continue;

      if (this.depth === this.recordDepth && !this.capturing && c !== COMMA && c !== CLOSE_ARRAY && c !== CLOSE_OBJECT) {
        if (this.recordDepth === 0 && c !== OPEN_OBJECT && c !== OPEN_ARRAY) {
          this.fail(`unexpected ${JSON.stringify(chunk[i])} outside any record at line ${this.line}`, ++this.record, this.line);
          this.garbage = true;
          continue;
        }
        if (this.recordDepth === 0 && c === OPEN_ARRAY) {
          // A root array: its elements are the records.
          this.depth = 1;
          this.recordDepth = 1;
          continue;
        }
        this.beginRecord();
        start = i;
        if (this.recordDepth === 0) this.rootObject = true;
      }

      if (c === QUOTE) {
        this.inString = true;
        this.escaped = false;
        this.stringStart = this.rootObject && this.depth === 1 ? i + 1 : -1;
        this.stringHead = '';
        this.lastString = undefined;
        continue;
      }
      if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        if (c === OPEN_ARRAY && this.rootObject && this.depth === 1 && this.key !== undefined && this.wrapperKeys.has(this.key)) {
          // `{"tickets": [` — a wrapper, not a record: its array's elements are the records.
          this.rootObject = false;
          this.capturing = false;
          this.parts = [];
          this.record--;
          this.recordDepth = 2;
          start = -1;
        }
        this.depth++;
        this.key = undefined;
        continue;
      }
      if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (this.depth === 0) {
          this.fail(`unexpected ${JSON.stringify(chunk[i])} at line ${this.line}`, ++this.record, this.line);
          continue;
        }
        if (this.capturing && this.depth === this.recordDepth) {
          // The container closes right after a primitive element: that element ends here.
          this.finishRecord(chunk, start, i);
          start = -1;
        }
        this.depth--;
        if (this.capturing && this.depth === this.recordDepth && this.recordDepth === 0) {
          this.finishRecord(chunk, start, i + 1);
          start = -1;
          this.rootObject = false;
        } else if (this.depth === 1 && this.recordDepth === 2) {
          // The wrapper's array is over; whatever else the wrapper holds is not records.
          this.recordDepth = -1;
          this.ignoringRest = true;
        } else if (this.depth === 0 && (this.recordDepth === 1 || this.ignoringRest)) {
          this.recordDepth = 0;
          this.ignoringRest = false;
        }
        continue;
      }
      if (c === COMMA && this.capturing && this.depth === this.recordDepth) {
        this.finishRecord(chunk, start, i);
        start = -1;
        continue;
      }
      if (this.rootObject && this.depth === 1) this.key = c === COLON && this.lastString !== undefined ? this.lastString : undefined;
    }
    if (this.capturing && start >= 0) this.keep(chunk.slice(start));
    return this.flush();
  }

  /** End of input: a record still open means the JSON was truncated. */
  end(): SplitEvent[] {
    if (this.capturing || this.depth > 0 || this.inString) {
      const where = this.capturing ? this.record : this.record + 1;
      const line = this.capturing ? this.recordLine : this.line;
      this.fail(`JSON ends inside record ${where} (started at line ${line}): the file is truncated`, where, line);
      this.capturing = false;
      this.parts = [];
    }
    return this.flush();
  }

  /** Advances through a string from `i`; returns the index of the last character consumed. */
  private scanString(chunk: string, i: number): number {
    if (this.escaped) {
      this.escaped = false;
      return i;
    }
    STRING_STOP.lastIndex = i;
    const match = STRING_STOP.exec(chunk);
    if (match === null) {
      this.carryStringHead(chunk);
      return chunk.length - 1;
    }
    const at = match.index;
    const c = chunk.charCodeAt(at);
    if (c === NEWLINE) {
      // A raw newline cannot be inside a JSON string: the record is broken; keep counting lines.
      this.line++;
      return at;
    }
    if (c !== QUOTE) {
      // Backslash: the next character is escaped, whichever chunk it is in.
      if (at + 1 < chunk.length) return at + 1;
      this.escaped = true;
      this.carryStringHead(chunk);
      return at;
    }
    this.inString = false;
    if (this.stringStart >= 0) {
      const text = this.stringHead + chunk.slice(this.stringStart, at);
      if (text.length <= MAX_KEY) this.lastString = text;
    }
    this.stringStart = -1;
    return at;
  }

  /** Keeps the start of a depth-1 string that runs into the next chunk (only short ones can be keys). */
  private carryStringHead(chunk: string): void {
    if (this.stringStart < 0) return;
    this.stringHead = (this.stringHead + chunk.slice(this.stringStart)).slice(0, MAX_KEY + 1);
    this.stringStart = 0;
  }

  private beginRecord(): void {
    this.capturing = true;
    this.tooLarge = false;
    this.parts = [];
    this.captured = 0;
    this.record++;
    this.recordLine = this.line;
  }

  private keep(text: string): void {
    if (this.tooLarge) return;
    this.captured += text.length;
    if (this.captured > this.maxRecordChars) {
      // Stop buffering (memory stays bounded) but keep tracking brackets to find its end.
      this.tooLarge = true;
      this.parts = [];
      return;
    }
    this.parts.push(text);
  }

  private finishRecord(chunk: string, start: number, end: number): void {
    if (start >= 0) this.keep(chunk.slice(start, end));
    if (this.tooLarge) {
      this.fail(`record ${this.record} (line ${this.recordLine}) is over ${this.maxRecordChars} characters`, this.record, this.recordLine);
    } else {
      this.events.push({ kind: 'value', text: this.parts.join('').trim(), record: this.record, line: this.recordLine });
    }
    this.capturing = false;
    this.parts = [];
  }

  private fail(message: string, record: number, line: number): void {
    this.events.push({ kind: 'error', message, record, line });
  }

  private flush(): SplitEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }
}
