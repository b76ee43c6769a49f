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
  constructor(private readonly known: ReadonlyMap<string, Person>) {}

  static readonly none = new People(new Map());

  static async load(path: string | undefined): Promise<People> {
    if (path === undefined) return People.none;
    const known = new Map<string, Person>();
    for await (const row of readSideCsv(path, 'source.users', ['id'])) {
      const id = asText(row.id);
      if (id === undefined) continue;
      const name = asText(row.name);
      const email = asText(row.email);
      known.set(id, { ...(name === undefined ? {} : { name }), ...(email === undefined ? {} : { email }) });
    }
    return new People(known);
  }

  /** These people plus the ones embedded in a ticket (`{id, name, email}` objects). */
  withEmbedded(embedded: readonly unknown[]): People {
    const extra = new Map(this.known);
    let added = false;
    for (const value of embedded) {
      const person = asObject(value);
      const id = asText(person?.id);
      if (person === undefined || id === undefined || extra.has(id)) continue;
      extra.set(id, personOf(person));
      added = true;
    }
    return added ? new People(extra) : this;
  }

  /** A display name for an author id, or undefined when nobody knows it. */
  nameOf(id: unknown): string | undefined {
    const key = asText(id);
    return key === undefined ? undefined : displayName(this.known.get(key));
  }
}

export function personOf(value: unknown): Person {
  const o = asObject(value);
  const name = asText(o?.name);
  const email = asText(o?.email);
  return { ...(name === undefined ? {} : { name }), ...(email === undefined ? {} : { email }) };
}

/** Name, else email: Intercom users and leads often have `name: null` and sometimes `email: ""`. */
export function displayName(person: Person | undefined): string | undefined {
  return person?.name ?? person?.email;
}
