/** Reading loosely typed export JSON without `any`: each helper returns a value or undefined. */

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown): JsonObject | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Non-empty text; numbers too, since exports mix `"id": 12` and `"id": "12"`. */
export function asText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The texts of a list (`tags`), skipping what is no text; not a list → none. */
export function textList(value: unknown): string[] {
  const texts: string[] = [];
  for (const item of asArray(value)) {
    const text = asText(item);
    if (text !== undefined) texts.push(text);
  }
  return texts;
}

/** A timestamp as the export wrote it (ISO text or epoch number); the mapper parses it. */
export function asTimestamp(value: unknown): string | number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return asText(value);
}

/**
 * A field by dot path, split into segments once (`helpscout_id`, `custom_fields.hs_conversation`).
 * Zendesk keeps custom fields as `[{id, value}]`, so a segment also picks the array element
 * whose `id` matches and continues at its `value`.
 */
export function fieldAt(record: JsonObject, path: readonly string[]): unknown {
  let current: unknown = record;
  for (const segment of path) {
    current = Array.isArray(current) ? elementWithId(current, segment)?.value : asObject(current)?.[segment];
    if (current === undefined) return undefined;
  }
  return current;
}

function elementWithId(list: readonly unknown[], id: string): JsonObject | undefined {
  for (const item of list) {
    const element = asObject(item);
    if (element !== undefined && asText(element.id) === id) return element;
  }
  return undefined;
}
