import type { FieldProblem } from './fields.ts';

const NO_TAGS: readonly string[] = [];
const SPACES = /\s+/g;

/** Distinct tag cells remembered; an export with more (free text in the column) starts over. */
const MAX_REMEMBERED = 4096;
/** Cells compared as text before the Map is asked: a few tag sets make up most exports' rows. */
const RECENT = 8;

/**
 * A note's tags as Help Scout will hold them: trimmed, inner runs of white space made one space,
 * lower-cased, empty ones dropped, each once (first seen first). Lower case: Help Scout's tag
 * rules are not in the research (next-features.md §1d documents only that unknown tags are
 * created on the fly), the simulator we test against keeps tags lower-cased and finds them
 * case-insensitively (src/simulator/state.ts), and it makes `Billing` and `billing` one tag.
 * Spaces are kept: nothing documents a dash rule, and `needs review` is the user's own word.
 *
 * Presets give one array per ticket, so the last array and its result are kept. CSV rows carry
 * a few distinct cells, in any order: each cell's result is kept, so a million rows read their
 * tags a few thousand times and share one array per cell (the note table keeps them by ticket).
 */
export class TagReader {
  private lastRaw: readonly string[] | undefined;
  private lastTags: readonly string[] = NO_TAGS;
  private readonly cells = new Map<string, readonly string[] | FieldProblem>();
  /**
   * The last few distinct cells, found by comparing text: a row's cell may be a new string, which
   * a Map must hash first, in the runtime (about 0.1 s over a million rows).
   */
  private readonly recentCells: string[] = [];
  private readonly recentTags: (readonly string[] | FieldProblem)[] = [];
  private nextRecent = 0;

  /** An array (presets), a JSON array of text or `;`-separated text (csv/jsonl). */
  read(raw: readonly string[] | string | undefined): readonly string[] | FieldProblem {
    if (raw === undefined) return NO_TAGS;
    if (typeof raw === 'string') return this.cell(raw);
    if (raw !== this.lastRaw) {
      this.lastTags = normalised(raw);
      this.lastRaw = raw;
    }
    return this.lastTags;
  }

  private cell(raw: string): readonly string[] | FieldProblem {
    const { recentCells } = this;
    for (let i = 0; i < recentCells.length; i++) if (recentCells[i] === raw) return this.recentTags[i] as readonly string[] | FieldProblem;
    let tags = this.cells.get(raw);
    if (tags === undefined) {
      if (this.cells.size >= MAX_REMEMBERED) this.cells.clear();
      tags = fromText(raw);
      this.cells.set(raw, tags);
    }
    const slot = this.nextRecent;
    this.nextRecent = (slot + 1) % RECENT;
    recentCells[slot] = raw;
    this.recentTags[slot] = tags;
    return tags;
  }
}

function fromText(raw: string): readonly string[] | FieldProblem {
  const text = raw.trim();
  if (!text.startsWith('[')) return normalised(text.split(';'));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'tags looks like JSON but does not parse: expected a JSON array of text or tags separated by ";"' };
  }
  if (!Array.isArray(value)) return { problem: 'tags must be a JSON array of text or tags separated by ";"' };
  const list: readonly unknown[] = value;
  const index = list.findIndex((tag) => typeof tag !== 'string');
  if (index >= 0) return { problem: `tags[${index}] is not text: ${JSON.stringify(list[index])}` };
  return normalised(list as readonly string[]);
}

function normalised(raw: readonly string[]): readonly string[] {
  const tags: string[] = [];
  for (const tag of raw) {
    const clean = tag.trim().replace(SPACES, ' ').toLowerCase();
    if (clean !== '' && !tags.includes(clean)) tags.push(clean);
  }
  return tags.length === 0 ? NO_TAGS : tags;
}
