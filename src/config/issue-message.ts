import { z } from 'zod';
import { closestName } from './closest-name.ts';

/**
 * A zod issue as the people who edit the config read it: `dot.path: message`, saying what was
 * expected and what was found, one line per unknown key (with the likely intended name).
 */
export function issueLines(issue: z.core.$ZodIssue, schema: z.ZodType): string[] {
  const path = dotPath(issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeys(schema, issue.path);
      return issue.keys.map((key) => {
        const hint = closestName(key, known);
        return `${dotPath([...issue.path, key])}: unknown key${hint === undefined ? '' : ` (did you mean "${hint}"?)`}; allowed: ${known.join(', ')}`;
      });
    }
    case 'invalid_type':
      if (issue.input === undefined) return [`${path}: required (${article(issue.expected)})`];
      if (issue.expected === 'int') return [`${path}: must be a whole number, got ${shown(issue.input)}`];
      return [`${path}: expected ${article(issue.expected)}, got ${typeName(issue.input)} ${shown(issue.input)}`];
    case 'invalid_value':
      return [`${path}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}; got ${shown(issue.input)}`];
    case 'too_small':
      return [`${path}: ${bound(issue.origin, issue.inclusive ? '≥' : '>', issue.minimum)}, got ${shown(issue.input)}`];
    case 'too_big':
      return [`${path}: ${bound(issue.origin, issue.inclusive ? '≤' : '<', issue.maximum)}, got ${shown(issue.input)}`];
    default:
      return [`${path}: ${issue.message}`];
  }
}

export function dotPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

function bound(origin: string, op: string, limit: number | bigint): string {
  if (origin === 'string' && op === '≥' && limit === 1) return 'must not be empty';
  if (origin === 'string') return `length must be ${op} ${limit}`;
  return `must be ${op} ${limit}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

/** Short enough for one line; objects are named, not dumped. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value !== null && typeof value === 'object') return Array.isArray(value) ? '[…]' : '{…}';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…"` : text;
}

/** The keys the schema allows at `path` (through defaults, optionals and records of enums). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    node = node instanceof z.ZodObject ? unwrap((node.shape as Record<string, z.ZodType>)[String(key)]) : undefined;
  }
  if (node instanceof z.ZodObject) return Object.keys(node.shape);
  if (node instanceof z.ZodRecord && node.keyType instanceof z.ZodEnum) return node.keyType.options.map(String);
  return [];
}

function unwrap(node: z.ZodType | undefined): z.ZodType | undefined {
  let current = node;
  while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}
