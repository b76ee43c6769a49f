import { readFile } from 'node:fs/promises';
import { parseHelpScoutDate } from './dates.ts';
import { SeedError, parseSeedConversation, parseSeedFile } from './seed-schema.ts';
import type { NewThread, SimulatorState } from './state.ts';
import type { SeedConversation, SeedFile, SeedUser, SimConversation } from './types.ts';

const DEFAULT_MAILBOXES = [{ id: 1, name: 'Support' }];
const DEFAULT_USERS: readonly SeedUser[] = [{ id: 1, firstName: 'Ada', lastName: 'Admin', email: 'ada@example.com', role: 'owner' }];
/** Seeded history is dated in the past and deterministic, so imported notes interleave with it. */
const DEFAULT_CREATED_AT = '2024-01-15T09:00:00Z';
const HOUR_MS = 3_600_000;

export async function loadSeedFile(path: string): Promise<SeedFile> {
  const text = await readFile(path, 'utf8');
  try {
    return parseSeedFile(JSON.parse(text));
  } catch (error) {
    if (error instanceof SyntaxError) throw new SeedError([`${path}: not JSON (${error.message})`]);
    throw error;
  }
}

/** Fills a fresh state with the seed's account: mailboxes, users, conversations, merges. */
export function applySeed(state: SimulatorState, seed: SeedFile): void {
  for (const mailbox of seed.mailboxes ?? DEFAULT_MAILBOXES) state.mailboxes.set(mailbox.id, mailbox);
  const problems: string[] = [];
  for (const [i, user] of (seed.users ?? DEFAULT_USERS).entries()) {
    if (state.users.has(user.id)) problems.push(`users[${i}].id: user ${user.id} is defined twice`);
    state.users.set(user.id, user);
  }
  const conversations = seed.conversations ?? [];
  problems.push(...conversations.flatMap((c, i) => conversationProblems(state, c, `conversations[${i}]`, conversations)));
  if (problems.length > 0) throw new SeedError(problems);
  for (const c of conversations) addSeedConversation(state, c);
  for (const c of conversations) if (c.mergedInto !== undefined) state.merge(c.id, c.mergedInto);
}

/** Seeds one conversation at runtime (control surface); same shape as a seed-file entry. */
export function seedConversation(state: SimulatorState, value: unknown): SimConversation {
  const seed = parseSeedConversation(value);
  const problems = conversationProblems(state, seed, 'conversation', []);
  if (problems.length > 0) throw new SeedError(problems);
  const conversation = addSeedConversation(state, seed);
  if (seed.mergedInto !== undefined) state.merge(seed.id, seed.mergedInto);
  return conversation;
}

function conversationProblems(
  state: SimulatorState,
  c: SeedConversation,
  path: string,
  siblings: readonly SeedConversation[],
): string[] {
  const problems: string[] = [];
  const exists = (id: number) => state.conversations.has(id) || siblings.some((s) => s.id === id);
  if (state.conversations.has(c.id) || siblings.filter((s) => s.id === c.id).length > 1) {
    problems.push(`${path}.id: conversation ${c.id} is defined twice`);
  }
  if (c.mailboxId !== undefined && !state.mailboxes.has(c.mailboxId)) {
    problems.push(`${path}.mailboxId: no mailbox ${c.mailboxId}`);
  }
  if (c.mergedInto !== undefined && (c.mergedInto === c.id || !exists(c.mergedInto))) {
    problems.push(`${path}.mergedInto: no other conversation ${c.mergedInto}`);
  }
  return problems;
}

function addSeedConversation(state: SimulatorState, c: SeedConversation): SimConversation {
  const createdAtMs = parseHelpScoutDate(c.createdAt ?? DEFAULT_CREATED_AT) ?? 0;
  const customer = state.customerByEmail(c.customerEmail ?? `customer-${c.id}@example.com`, 'Casey', 'Customer');
  const subject = c.subject ?? `Conversation ${c.id}`;
  const status = c.status ?? 'active';
  const userId = state.defaultUserId ?? 1;
  // Plausible history: the customer writes, an agent answers, alternating, an hour apart.
  const threads: NewThread[] = Array.from({ length: c.threads ?? 0 }, (_, i) => {
    const fromCustomer = i % 2 === 0;
    return {
      type: fromCustomer ? 'customer' : 'message',
      status,
      body: fromCustomer ? `<p>${subject} (message ${i + 1} from ${customer.email})</p>` : `<p>Reply ${i + 1}: we are on it.</p>`,
      createdAtMs: createdAtMs + i * HOUR_MS,
      imported: false,
      createdBy: fromCustomer ? { id: customer.id, type: 'customer' } : { id: userId, type: 'user' },
      attachments: [],
    };
  });
  const mailboxId = c.mailboxId ?? state.mailboxes.keys().next().value ?? 1;
  return state.createConversation(
    {
      id: c.id,
      mailboxId,
      type: c.type ?? 'email',
      status,
      subject,
      customer,
      createdAtMs,
      imported: false,
      tags: c.tags ?? [],
      tooOld: c.tooOld ?? false,
    },
    threads,
  );
}
