import { ConfigError } from '../../core/errors.ts';
import { readJsonRecords } from '../json-records.ts';
import { asObject, asText } from './json-value.ts';
import { readSideCsv } from './side-csv.ts';

export interface Person {
  readonly name?: string;
  readonly email?: string;
}

/**
 * Who is who, for attribution: the optional `source.users` file (`id,name,email` CSV, or JSON
 * lines of `{id, name, email}` objects as `hs-import export` side-loads them) plus the
 * people a ticket embeds (Zendesk requester/submitter/assignee, Freshdesk requester). Exports
 * mostly give bare author ids; a name is only ever looked up, never required.
 */
export class People {
  /**
   * `embedded`: a ticket's own people, asked only when the users file does not know the id.
   * A short list, not a copy of the users map: that copy, once per ticket, cost O(users) each.
   */
  private constructor(
    private readonly known: ReadonlyMap<string, Person>,
    private readonly embedded: readonly (readonly [string, Person])[],
  ) {}

  static readonly none = new People(new Map(), []);

  /** `known`: people the export itself lists (Freshdesk's Users.xml); the users file's rows win over them. */
  static async load(path: string | undefined, known = new Map<string, Person>()): Promise<People> {
    if (path === undefined) return known.size === 0 ? People.none : new People(known, []);
    for await (const row of JSON_FILE.test(path) ? jsonPeople(path) : readSideCsv(path, 'source.users', ['id'])) {
      const id = asText(row.id);
      if (id === undefined) continue;
      known.set(id, person(asText(row.name), asText(row.email)));
    }
    return new People(known, []);
  }

  /** These people plus the ones embedded in a ticket (`{id, name, email}` objects); the first word on an id wins. */
  withEmbedded(embedded: readonly unknown[]): People {
    let extra: (readonly [string, Person])[] | undefined;
    for (const value of embedded) {
      const person = asObject(value);
      const id = asText(person?.id);
      if (person === undefined || id === undefined || this.person(id) !== undefined || extra?.some(([known]) => known === id)) continue;
      (extra ??= [...this.embedded]).push([id, personOf(person)]);
    }
    return extra === undefined ? this : new People(this.known, extra);
  }

  /** Who an author id is (name and email as known), or undefined when nobody knows it. */
  find(id: unknown): Person | undefined {
    const key = asText(id);
    return key === undefined ? undefined : this.person(key);
  }

  private person(id: string): Person | undefined {
    const known = this.known.get(id);
    if (known !== undefined) return known;
    for (const [embeddedId, person] of this.embedded) if (embeddedId === id) return person;
    return undefined;
  }
}

/** The export's side-loaded people files (Zendesk users, Intercom contacts) are JSON lines, not CSV. */
const JSON_FILE = /\.(jsonl|ndjson|json)$/i;

/** People objects of a JSON users file; a line that is not one is a ConfigError, not a silent gap in who is who. */
async function* jsonPeople(path: string): AsyncGenerator<Readonly<Record<string, unknown>>> {
  for await (const record of readJsonRecords(path, { encoding: 'utf8', layout: 'detect', wrapperKeys: ['users', 'contacts', 'data'] })) {
    const row = record.kind === 'value' ? asObject(record.value) : undefined;
    if (row === undefined) throw new ConfigError([`source.users: record ${record.at} of ${path} is not a JSON object with an id`]);
    yield row;
  }
}

export function personOf(value: unknown): Person {
  const o = asObject(value);
  return person(asText(o?.name), asText(o?.email));
}

/** Only the fields that are known, set one by one (spreading them in cost more, several times per ticket). */
function person(name: string | undefined, email: string | undefined): Person {
  const out: { name?: string; email?: string } = {};
  if (name !== undefined) out.name = name;
  if (email !== undefined) out.email = email;
  return out;
}

/** Name, else email: Intercom users and leads often have `name: null` and sometimes `email: ""`. */
export function displayName(person: Person | undefined): string | undefined {
  return person?.name ?? person?.email;
}
