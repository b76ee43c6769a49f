/**
 * Splits text fed in chunks into lines (LF or CRLF), numbered from 1. A line longer than
 * `maxChars` is not buffered: it comes out as `too-long`, so a file of binary garbage with no
 * newline cannot take the process's memory.
 */
export type Line =
  | { readonly kind: 'line'; readonly text: string; readonly line: number }
  | { readonly kind: 'too-long'; readonly line: number; readonly chars: number };

export class LineSplitter {
  private parts: string[] = [];
  private length = 0;
  private overflow = false;
  private line = 1;

  constructor(private readonly maxChars: number) {}

  push(chunk: string): Line[] {
    const out: Line[] = [];
    let from = 0;
    for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', from)) {
      this.append(chunk.slice(from, nl));
      out.push(this.take());
      from = nl + 1;
    }
    if (from < chunk.length) this.append(chunk.slice(from));
    return out;
  }

  /** The last line when the file does not end with a newline. */
  end(): Line[] {
    return this.length > 0 || this.overflow ? [this.take()] : [];
  }

  private append(text: string): void {
    this.length += text.length;
    if (this.overflow) return;
    if (this.length > this.maxChars) {
      this.overflow = true;
      this.parts = [];
      return;
    }
    this.parts.push(text);
  }

  private take(): Line {
    const line = this.line++;
    const result: Line = this.overflow
      ? { kind: 'too-long', line, chars: this.length }
      : { kind: 'line', text: stripCr(this.parts.length === 1 ? (this.parts[0] ?? '') : this.parts.join('')), line };
    this.parts = [];
    this.length = 0;
    this.overflow = false;
    return result;
  }
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
