import { ChunkedColumn } from './chunked-column.ts';
import { ByteArena } from './key-bytes.ts';

/**
 * A column of texts by index, each kept as its bytes in a ByteArena: no string per value. A
 * ticket's e-mail, subject and customer name as heap strings were 27 MB for 200k tickets, and
 * 600k more objects for every full collection to trace. A value is set once; unset reads as
 * undefined.
 */
export class TextColumn {
  private readonly arena = new ByteArena();
  /** Per index: the arena id + 1 (0: not set). */
  private readonly ids = new ChunkedColumn((n) => new Int32Array(n));

  set(index: number, text: string): void {
    const { buffer, length } = this.arena.encode(text);
    this.arena.append(buffer, 0, length);
    this.ids.set(index, this.arena.size);
  }

  has(index: number): boolean {
    return this.ids.get(index) !== 0;
  }

  get(index: number): string | undefined {
    const id = this.ids.get(index);
    return id === 0 ? undefined : this.arena.text(id - 1);
  }
}
