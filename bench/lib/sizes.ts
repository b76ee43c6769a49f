/** How big each figure's data is: the full run (the sizes) or `--quick` / BENCH_QUICK=1. */
export interface Sizes {
  readonly label: 'full' | 'quick';
  /** Figure 1: canonical CSV notes. */
  readonly csvNotes: number;
  /** Figure 2: Zendesk tickets (≈ 4 comments each). */
  readonly zendeskTickets: number;
  /** Figure 3: a shortened rate window and the notes each `run` process imports through it. */
  readonly rate: { readonly unitsPerWindow: number; readonly windowSeconds: number; readonly notesPerRun: number };
  /** Figure 5: notes of the unthrottled live import. */
  readonly liveNotes: number;
  /** Figure 6: events in the replayed checkpoint log. */
  readonly logEvents: number;
  /** Figure 7: interleaved rounds of bare server and simulator, seconds each. */
  readonly sim: { readonly seconds: number; readonly rounds: number };
}

export const FULL: Sizes = {
  label: 'full',
  csvNotes: 1_000_000,
  zendeskTickets: 200_000,
  rate: { unitsPerWindow: 400, windowSeconds: 4, notesPerRun: 1_000 },
  liveNotes: 50_000,
  logEvents: 1_000_000,
  sim: { seconds: 1.5, rounds: 5 },
};

export const QUICK: Sizes = {
  label: 'quick',
  csvNotes: 100_000,
  zendeskTickets: 20_000,
  rate: { unitsPerWindow: 300, windowSeconds: 2, notesPerRun: 600 },
  liveNotes: 10_000,
  logEvents: 200_000,
  sim: { seconds: 0.5, rounds: 3 },
};
