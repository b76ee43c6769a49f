import { ConfigError } from '../core/errors.ts';
import type { RemoteUser } from '../helpscout/wire-types.ts';

/** List Users answers 50 users a page. */
export const USERS_PER_PAGE = 50;

/**
 * Who wrote a message → the Help Scout user it is shown as (DESIGN §8): `source.userMap` first,
 * then the account's users by email, case-insensitively, alternate emails too. Unmatched authors
 * get none (the caller falls back to `target.user`), and are counted for the reports.
 */
export class UserDirectory {
  private readonly byEmail = new Map<string, number>();
  /** Users List Users gave (undefined: not read), and the GETs that took (50 a page). */
  readonly listed: number | undefined;
  readonly pagesRead: number;

  /**
   * `users`: List Users, every page, or undefined when it was not read (offline plan, or
   * `target.users: "none"`); then only the user map matches.
   */
  constructor(
    private readonly userMap: ReadonlyMap<string, number>,
    users: readonly RemoteUser[] | undefined,
    matchEmail: boolean,
  ) {
    this.listed = users?.length;
    this.pagesRead = users === undefined ? 0 : Math.max(1, Math.ceil(users.length / USERS_PER_PAGE));
    if (users !== undefined) {
      // What Help Scout does with an unknown `user` is not documented (one report says 404, which
      // would read as a merge): a mapped user it does not list stops the run before any write.
      const known = new Set(users.map((u) => u.id));
      const unknown = [...userMap].filter(([, id]) => !known.has(id));
      if (unknown.length > 0) {
        throw new ConfigError(unknown.map(([email, id]) => `source.userMap: user ${id} (for ${email}) is not a user of this Help Scout account (GET /v2/users lists ${users.length})`));
      }
    }
    if (!matchEmail || users === undefined) return;
    for (const user of users) {
      for (const email of [user.email, ...(user.alternateEmails ?? [])]) {
        const key = email?.trim().toLowerCase();
        if (key && !this.byEmail.has(key)) this.byEmail.set(key, user.id);
      }
    }
  }

  /** The user for an author's email (already lower-cased), if any. */
  userOf(authorEmail: string | undefined): number | undefined {
    if (authorEmail === undefined) return undefined;
    return this.userMap.get(authorEmail) ?? this.byEmail.get(authorEmail);
  }
}
