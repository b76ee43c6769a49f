import { parseHelpScoutDate } from './dates.ts';
import type { FaultConfig, SeedConversation, SeedFile, SeedUser, TokenConfig } from './types.ts';

/** A seed file (or control-surface payload) that does not fit; lists every problem at once. */
export class SeedError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid simulator seed:\n${problems.join('\n')}`);
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field readers that record a problem and return undefined instead of throwing on the first. */
class Reader {
  readonly problems: string[] = [];

  object(v: unknown, path: string): Obj | undefined {
    if (isObj(v)) return v;
    this.problems.push(`${path}: must be an object`);
    return undefined;
  }

  array(v: unknown, path: string): unknown[] | undefined {
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v as unknown[];
    this.problems.push(`${path}: must be an array`);
    return undefined;
  }

  int(v: unknown, path: string, min: number): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
    this.problems.push(`${path}: must be an integer ≥ ${min}`);
    return undefined;
  }

  rate(v: unknown, path: string): number | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && v >= 0 && v <= 1) return v;
    this.problems.push(`${path}: must be a number between 0 and 1`);
    return undefined;
  }

  string(v: unknown, path: string): string | undefined {
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v !== '') return v;
    this.problems.push(`${path}: must be a non-empty string`);
    return undefined;
  }

  oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T | undefined {
    if (v === undefined) return undefined;
    const found = allowed.find((a) => a === v);
    if (found === undefined) this.problems.push(`${path}: must be one of ${allowed.join(', ')}`);
    return found;
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (v === undefined || typeof v === 'boolean') return v;
    this.problems.push(`${path}: must be true or false`);
    return undefined;
  }

  /** Only adds "is required" when the field was absent, not when it was already reported as wrong. */
  required<T>(v: T | undefined, path: string): T {
    if (v === undefined && !this.problems.some((p) => p.startsWith(`${path}:`))) this.problems.push(`${path}: is required`);
    return v as T;
  }
}

/** Copies the keys whose value is defined: exactOptionalPropertyTypes forbids explicit undefined. */
function defined<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function readConversation(r: Reader, v: unknown, path: string): SeedConversation | undefined {
  const o = r.object(v, path);
  if (o === undefined) return undefined;
  const createdAt = r.string(o['createdAt'], `${path}.createdAt`);
  if (createdAt !== undefined && parseHelpScoutDate(createdAt) === null) {
    r.problems.push(`${path}.createdAt: must be YYYY-MM-DDTHH:mm:ssZ`);
  }
  return defined<SeedConversation>({
    id: r.required(r.int(o['id'], `${path}.id`, 1), `${path}.id`),
    mailboxId: r.int(o['mailboxId'], `${path}.mailboxId`, 1),
    subject: r.string(o['subject'], `${path}.subject`),
    customerEmail: r.string(o['customerEmail'], `${path}.customerEmail`),
    status: r.oneOf(o['status'], `${path}.status`, ['active', 'closed', 'pending', 'spam', 'open'] as const),
    type: r.oneOf(o['type'], `${path}.type`, ['email', 'chat', 'phone'] as const),
    threads: r.int(o['threads'], `${path}.threads`, 0),
    tags: r.array(o['tags'], `${path}.tags`)?.map((t, i) => r.required(r.string(t, `${path}.tags[${i}]`), `${path}.tags[${i}]`)),
    createdAt,
    mergedInto: r.int(o['mergedInto'], `${path}.mergedInto`, 1),
    tooOld: r.bool(o['tooOld'], `${path}.tooOld`),
  });
}

function readUser(r: Reader, v: unknown, path: string): SeedUser {
  const o = r.object(v, path) ?? {};
  return {
    id: r.required(r.int(o['id'], `${path}.id`, 1), `${path}.id`),
    firstName: r.string(o['firstName'], `${path}.firstName`) ?? 'User',
    lastName: r.string(o['lastName'], `${path}.lastName`) ?? String(o['id']),
    email: r.string(o['email'], `${path}.email`) ?? `user-${String(o['id'])}@example.com`,
    ...defined<Omit<SeedUser, 'id' | 'firstName' | 'lastName' | 'email'>>({
      alternateEmails: r
        .array(o['alternateEmails'], `${path}.alternateEmails`)
        ?.map((e, j) => r.required(r.string(e, `${path}.alternateEmails[${j}]`), `${path}.alternateEmails[${j}]`)),
      role: r.oneOf(o['role'], `${path}.role`, ['owner', 'admin', 'user'] as const),
      type: r.oneOf(o['type'], `${path}.type`, ['user', 'team'] as const),
      invited: r.bool(o['invited'], `${path}.invited`),
    }),
  };
}

function readSeed(r: Reader, o: Obj): SeedFile {
  const rateLimit = o['rateLimit'];
  const rl = rateLimit === null || rateLimit === undefined ? undefined : r.object(rateLimit, 'rateLimit');
  const tokens = o['tokens'] === undefined ? undefined : r.object(o['tokens'], 'tokens');
  const faults = o['faults'] === undefined ? undefined : r.object(o['faults'], 'faults');
  return defined<SeedFile>({
    credentials: r.array(o['credentials'], 'credentials')?.map((c, i) => {
      const co = r.object(c, `credentials[${i}]`) ?? {};
      return {
        appId: r.required(r.string(co['appId'], `credentials[${i}].appId`), `credentials[${i}].appId`),
        appSecret: r.required(r.string(co['appSecret'], `credentials[${i}].appSecret`), `credentials[${i}].appSecret`),
      };
    }),
    rateLimit:
      rateLimit === null
        ? null
        : rl && {
            unitsPerWindow: r.required(r.int(rl['unitsPerWindow'], 'rateLimit.unitsPerWindow', 0), 'rateLimit.unitsPerWindow'),
            windowSeconds: r.int(rl['windowSeconds'], 'rateLimit.windowSeconds', 1) ?? 60,
          },
    tokens:
      tokens &&
      defined<Partial<TokenConfig>>({
        expiresInSeconds: r.int(tokens['expiresInSeconds'], 'tokens.expiresInSeconds', 1),
        expireAfterRequests:
          tokens['expireAfterRequests'] === null ? null : r.int(tokens['expireAfterRequests'], 'tokens.expireAfterRequests', 1),
      }),
    maxBodyBytes: r.int(o['maxBodyBytes'], 'maxBodyBytes', 1),
    maxAttachmentBytes: r.int(o['maxAttachmentBytes'], 'maxAttachmentBytes', 1),
    mailboxes: r.array(o['mailboxes'], 'mailboxes')?.map((m, i) => {
      const mo = r.object(m, `mailboxes[${i}]`) ?? {};
      return {
        id: r.required(r.int(mo['id'], `mailboxes[${i}].id`, 1), `mailboxes[${i}].id`),
        name: r.string(mo['name'], `mailboxes[${i}].name`) ?? `Mailbox ${String(mo['id'])}`,
      };
    }),
    users: r.array(o['users'], 'users')?.map((u, i) => readUser(r, u, `users[${i}]`)),
    conversations: r
      .array(o['conversations'], 'conversations')
      ?.map((c, i) => readConversation(r, c, `conversations[${i}]`))
      .filter((c) => c !== undefined),
    faults:
      faults &&
      defined<Partial<FaultConfig>>({
        seed: r.int(faults['seed'], 'faults.seed', 0),
        serverErrorRate: r.rate(faults['serverErrorRate'], 'faults.serverErrorRate'),
        resetRate: r.rate(faults['resetRate'], 'faults.resetRate'),
        lostResponseRate: r.rate(faults['lostResponseRate'], 'faults.lostResponseRate'),
        latencyMs: r.int(faults['latencyMs'], 'faults.latencyMs', 0),
        jitterMs: r.int(faults['jitterMs'], 'faults.jitterMs', 0),
        on: r.oneOf(faults['on'], 'faults.on', ['writes', 'reads', 'all'] as const),
      }),
  });
}

/** Validates an untrusted seed file (JSON); throws SeedError listing every problem. */
export function parseSeedFile(value: unknown): SeedFile {
  const r = new Reader();
  const o = r.object(value, 'seed');
  const seed = o === undefined ? {} : readSeed(r, o);
  if (r.problems.length > 0) throw new SeedError(r.problems);
  return seed;
}

/** One conversation in seed-file shape, as the control surface receives it. */
export function parseSeedConversation(value: unknown): SeedConversation {
  const r = new Reader();
  const conversation = readConversation(r, value, 'conversation');
  if (r.problems.length > 0 || conversation === undefined) throw new SeedError(r.problems);
  return conversation;
}
