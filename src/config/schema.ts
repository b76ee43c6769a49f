import { z } from 'zod';
import { isKnownTimeZone } from '../mapper/time-zone.ts';

/** Canonical note fields of DESIGN §3: the csv/jsonl column names, renamable via `source.columns`. */
export const CANONICAL_FIELDS = [
  'ticket',
  'id',
  'createdAt',
  'text',
  'conversation',
  'customerEmail',
  'subject',
  'author',
  'user',
  'status',
  'attachments',
  'authorEmail',
  'kind',
  'tags',
  'ticketStatus',
  'customerName',
] as const;
export type CanonicalField = (typeof CANONICAL_FIELDS)[number];
export const REQUIRED_FIELDS: readonly CanonicalField[] = ['ticket', 'id', 'createdAt', 'text'];

export const PLAN_BUDGETS = { standard: 200, plus: 400, pro: 800 } as const;
export type AccountPlan = keyof typeof PLAN_BUDGETS;

const positiveInt = z.number().int().positive();

const sourceSchema = z.strictObject({
  format: z.enum(['csv', 'jsonl', 'zendesk', 'freshdesk', 'freshdesk-xml', 'intercom']),
  path: z.string().min(1),
  columns: z.partialRecord(z.enum(CANONICAL_FIELDS), z.string().min(1)).optional(),
  delimiter: z.string().length(1).optional(),
  encoding: z.enum(['utf8', 'utf16le', 'latin1']).optional(),
  /** IANA zone for zone-less timestamps; UTC when absent. */
  timezone: z
    .string()
    .min(1)
    .refine(isKnownTimeZone, { error: (issue) => `unknown time zone ${JSON.stringify(issue.input)} (use an IANA name such as Europe/Paris or UTC)` })
    .optional(),
  /** Zendesk: a users file (`id,name,email`) to name comment authors. */
  users: z.string().min(1).optional(),
  /** `email,user` CSV: a source author's email → a Help Scout user id; wins over the users lookup. */
  userMap: z.string().min(1).optional(),
  /** `ticket,conversation` CSV mapping source tickets to Help Scout conversations. */
  conversationMap: z.string().min(1).optional(),
  /** A ticket field holding the Help Scout conversation id. */
  conversationField: z.string().min(1).optional(),
  /** Intercom system events (assignment, close…): one short line, or skipped. */
  systemEvents: z.enum(['line', 'skip']).default('line'),
  /** Prefix each note with who wrote it, the original ticket and its visibility. */
  attribution: z.boolean().default(true),
  maxAttachmentBytes: positiveInt.default(10 * 1024 * 1024),
  /** DESIGN §9: linked attachments are fetched from these hosts only; the Authorization value comes from `authEnv`. */
  attachments: z
    .strictObject({
      hosts: z.array(z.string().min(1).transform((h) => h.toLowerCase())).min(1),
      authEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
      /** Downloads at a time. */
      concurrency: positiveInt.max(32).default(4),
    })
    .optional(),
});

const targetSchema = z.strictObject({
  baseUrl: z
    .string()
    .superRefine((url, ctx) => {
      const problem = baseUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
  simulator: z.string().min(1).optional(),
  mailboxId: positiveInt,
  plan: z.enum(['standard', 'plus', 'pro']).default('standard'),
  /** At least one write (2 units) a window, or nothing could ever be sent. */
  requestsPerMinute: z.number().int().min(2).optional(),
  rateWindowSeconds: z.number().positive().default(60),
  user: positiveInt.optional(),
  /** Status of conversations the tool creates; "source": the ticket's own (closed when it has none). */
  status: z.enum(['active', 'closed', 'pending', 'source']).default('closed'),
  /** Authors → Help Scout users by email (every page of List Users, alternate emails too), or none. */
  users: z.enum(['match-email', 'none']).default('match-email'),
  /** Bytes per Create Conversation request; a 413 lowers it for the rest of the run. */
  maxRequestBytes: positiveInt.default(2 * 1024 * 1024),
  /** Conversations delivered in parallel (notes of one conversation never are). */
  concurrency: positiveInt.max(64).default(8),
  /** In-doubt intents younger than this are left to land before they are reconciled. */
  reconcileAfterSeconds: z.number().min(0).default(5),
  /** One budget for every process with this key, through Redis (DESIGN §10); the URL may come from HS_IMPORT_REDIS_URL. */
  sharedBudget: z
    .strictObject({
      redis: z
        .string()
        .superRefine((url, ctx) => {
          const problem = redisUrlProblem(url);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      key: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, { error: 'letters, digits and . _ : - only (1–100 characters)' }),
    })
    .optional(),
});

const policySchema = z
  .strictObject({
    overflow: z.enum(['continue', 'reject']).default('continue'),
    tooOld: z.enum(['continue', 'reject']).default('continue'),
    invalid: z.enum(['reject']).default('reject'),
    /** "notes": every message an imported note; "native": customer, reply and note threads as the source had them. */
    threads: z.enum(['notes', 'native']).default('notes'),
    /** A linked file that could not be fetched: "note" imports the message with a line naming it, "reject" rejects the message. */
    missingAttachment: z.enum(['note', 'reject']).default('note'),
    /**
     * Notes for an existing conversation (DESIGN §11): into it ("append"), into a linked side
     * conversation holding up to 100 a request ("side"), or side from `sideThreshold` notes on ("auto").
     */
    existing: z.enum(['append', 'side', 'auto']).default('append'),
    sideThreshold: positiveInt.default(3),
  })
  .prefault({});

export const configSchema = z.strictObject({
  source: sourceSchema,
  target: targetSchema,
  policy: policySchema,
  checkpoint: z.string().min(1).default('.hs-import/checkpoint.jsonl'),
  reports: z.string().min(1).default('.hs-import/reports'),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** redis:// or rediss://, and no password: it would end up in logs and reports with the config. */
export function redisUrlProblem(raw: string, fromEnv = false): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fromEnv ? 'HS_IMPORT_REDIS_URL is not a URL' : `not a URL: ${JSON.stringify(raw)}`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return `protocol ${url.protocol} is not supported; use redis:// or rediss://`;
  if (!fromEnv && url.password !== '') return 'must not contain a password; set it in the environment (HS_IMPORT_REDIS_PASSWORD, or the whole URL in HS_IMPORT_REDIS_URL)';
  return undefined;
}

/** https everywhere, http only to this machine: a token must never cross a network in clear. */
export function baseUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `not a URL: ${JSON.stringify(raw)}`;
  }
  // A URL carries no credentials: they would end up in logs and reports with it.
  if (url.username !== '' || url.password !== '') return 'must not contain a user name or password; credentials come from HELPSCOUT_APP_ID and HELPSCOUT_APP_SECRET';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return LOOPBACK.test(url.hostname) ? undefined : `http:// is only allowed to a loopback host (got ${url.hostname}); use https://`;
  }
  return `protocol ${url.protocol} is not supported; use https://`;
}
