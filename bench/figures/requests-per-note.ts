import { readFileSync } from 'node:fs';
import { loadConfig, runImport } from '../../src/index.ts';
import type { SeedConversation } from '../../src/simulator/index.ts';
import { canonicalCsv, type CanonicalSpec } from '../gen/canonical-csv.ts';
import { figure, type Figure } from '../lib/figure.ts';
import { benchEnv, benchSimulator, runDir, writeConfig } from '../lib/import-setup.ts';
import { apiRequests } from '../lib/sim-counts.ts';

interface Scenario {
  readonly name: string;
  readonly spec: Omit<CanonicalSpec, 'name' | 'seed' | 'shuffle'>;
  /** The fewest requests Help Scout's API allows for this data (see `floorOf`). */
  readonly floorText: string;
}

const SCENARIOS: readonly Scenario[] = [
  { name: '4a existing conversations (10 notes each)', spec: { notes: 2_000, perTicket: 10, existingShare: 1, threads: 'few' }, floorText: 'one GET per conversation + one Create Note per note' },
  { name: '4b new tickets (10 notes each)', spec: { notes: 2_000, perTicket: 10, existingShare: 0, threads: 'few' }, floorText: 'one Create Conversation per ≤ 100 notes' },
  { name: '4c one 250-note ticket, new', spec: { notes: 250, perTicket: 250, existingShare: 0, threads: 'few' }, floorText: 'ceil(250/100) Create Conversation' },
  {
    name: '4d one 250-note ticket into an existing conversation',
    spec: { notes: 250, perTicket: 250, existingShare: 1, threads: 'few' },
    floorText: 'one GET + (99 − threads) Create Note + one Create Conversation per 100 of the rest',
  },
];

/**
 * The fewest API requests for the data, from Help Scout's limits alone (DESIGN §1): a conversation
 * takes notes while it has < 99 threads, Create Conversation carries ≤ 100; a lookup per
 * existing conversation, since its thread count decides where the notes go.
 */
function floorOf(conversations: readonly SeedConversation[], notesPerTicket: number, tickets: number): number {
  if (conversations.length === 0) return tickets * Math.ceil(notesPerTicket / 100);
  let floor = 0;
  for (const c of conversations) {
    const direct = Math.min(notesPerTicket, Math.max(0, 99 - (c.threads ?? 0)));
    floor += 1 + direct + Math.ceil((notesPerTicket - direct) / 100);
  }
  return floor;
}

/** Figure 4: requests per note, counted by the simulator, for the shapes that decide it. */
export async function requestsPerNoteFigures(log: (line: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [i, scenario] of SCENARIOS.entries()) {
    const data = canonicalCsv({ name: `requests-${i}`, seed: 40 + i, shuffle: true, ...scenario.spec });
    const conversations = JSON.parse(readFileSync(data.conversations, 'utf8')) as SeedConversation[];
    const sim = await benchSimulator(conversations, null);
    try {
      const dir = runDir(`requests-${i}`);
      const configPath = writeConfig(dir, { format: 'csv', path: data.csv, attribution: false }, { baseUrl: sim.url, requestsPerMinute: 1_000_000, reconcileAfterSeconds: 0 });
      const result = await runImport(loadConfig(configPath), { env: benchEnv() });
      if (result.counts.done !== data.notes) throw new Error(`${scenario.name}: ${result.counts.done} of ${data.notes} notes done`);
      const requests = apiRequests(sim.state.counters.snapshot());
      const perTicket = scenario.spec.perTicket === 'varied' ? 0 : scenario.spec.perTicket;
      const floor = floorOf(conversations, perTicket, data.tickets);
      log(`${scenario.name}: ${requests} requests for ${data.notes} notes (floor ${floor})`);
      figures.push(
        figure({
          figure: scenario.name,
          value: requests / data.notes,
          unit: 'requests/note',
          baseline: 1,
          goal: { on: 'value', atMost: floor / data.notes },
          note: `${requests} API requests (OAuth not counted) for ${data.notes} notes; baseline: a naive importer's one request per note; goal: the API's floor, ${scenario.floorText} = ${floor}`,
        }),
      );
    } finally {
      await sim.close();
    }
  }
  return figures;
}
