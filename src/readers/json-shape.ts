/**
 * The shape of a parsed JSON value, for readers that must judge one: what kind it is (for reject
 * messages) and whether it nests too deep to handle. JSON.parse reads any depth (V8's parser
 * keeps its own stack), but JSON.stringify and every recursive walk use the call stack and
 * overflow at a few thousand levels: a value from an export is checked before it is written back.
 */

/** Far deeper than any export nests (a canonical row's deepest value, attachments, is 2), far below where JSON.stringify overflows. */
export const MAX_JSON_DEPTH = 64;

/** The value's JSON kind as a message says it: "an array", "an object", "a string", "null"… */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' ? 'an object' : `a ${type}`;
}

/** true when containers nest more than `max` levels deep (the value itself is level 1); level by level, so the check itself cannot overflow. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  let level: readonly object[] = isContainer(value) ? [value] : [];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > max) return true;
    const next: object[] = [];
    for (const container of level) {
      for (const child of Object.values(container)) if (isContainer(child)) next.push(child);
    }
    level = next;
  }
  return false;
}

function isContainer(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}
