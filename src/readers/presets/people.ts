import { asObject, asText } from './json-value.ts';
import { readSideCsv } from './side-csv.ts';

export interface Person {
  readonly name?: string;
  readonly email?: string;
}

/**
 * Who is who, for attribution: the optional `source.users` file (`id,name,email`) plus the
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

  static async load(path: string | undefined): Promise<People> {
    if (path === undefined) return People.none;
    const known = new Map<string, Person>();
    for await (const row of readSideCsv(path, 'source.users', ['id'])) {
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
