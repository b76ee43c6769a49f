/** What the simulator saw: tests and benchmarks assert on these instead of scraping logs. */
export type FaultKind = 'serverError' | 'reset' | 'lostResponse' | 'latency';

export interface CountersSnapshot {
  /** Endpoint (method + route template) → status (or "reset" / "lost") → count. */
  requests: Record<string, Record<string, number>>;
  unitsSpent: number;
  rateLimited: number;
  faults: Record<FaultKind, number>;
  inFlight: number;
  peakConcurrency: number;
  tokensIssued: number;
  notesCreated: number;
  customerThreadsCreated: number;
  repliesCreated: number;
  conversationsCreated: number;
  /**
   * Threads the API stored (notes, customer, reply, and each thread of Create Conversation)
   * whose request did not say `imported: true`: in Help Scout each one may email a customer.
   */
  threadsNotImported: number;
}

export class Counters {
  private requests = new Map<string, Map<string, number>>();
  unitsSpent = 0;
  rateLimited = 0;
  faults: Record<FaultKind, number> = { serverError: 0, reset: 0, lostResponse: 0, latency: 0 };
  inFlight = 0;
  peakConcurrency = 0;
  tokensIssued = 0;
  notesCreated = 0;
  customerThreadsCreated = 0;
  repliesCreated = 0;
  conversationsCreated = 0;
  threadsNotImported = 0;

  countRequest(endpoint: string, outcome: number | 'reset' | 'lost'): void {
    let byOutcome = this.requests.get(endpoint);
    if (byOutcome === undefined) {
      byOutcome = new Map();
      this.requests.set(endpoint, byOutcome);
    }
    const key = String(outcome);
    byOutcome.set(key, (byOutcome.get(key) ?? 0) + 1);
  }

  requestCount(endpoint: string, outcome: number | 'reset' | 'lost'): number {
    return this.requests.get(endpoint)?.get(String(outcome)) ?? 0;
  }

  enter(): void {
    this.inFlight += 1;
    if (this.inFlight > this.peakConcurrency) this.peakConcurrency = this.inFlight;
  }

  leave(): void {
    this.inFlight -= 1;
  }

  reset(): void {
    this.requests.clear();
    this.unitsSpent = 0;
    this.rateLimited = 0;
    this.faults = { serverError: 0, reset: 0, lostResponse: 0, latency: 0 };
    // Requests still running stay counted; the peak restarts from them.
    this.peakConcurrency = this.inFlight;
    this.tokensIssued = 0;
    this.notesCreated = 0;
    this.customerThreadsCreated = 0;
    this.repliesCreated = 0;
    this.conversationsCreated = 0;
    this.threadsNotImported = 0;
  }

  snapshot(): CountersSnapshot {
    const requests: Record<string, Record<string, number>> = {};
    for (const [endpoint, byOutcome] of this.requests) requests[endpoint] = Object.fromEntries(byOutcome);
    return {
      requests,
      unitsSpent: this.unitsSpent,
      rateLimited: this.rateLimited,
      faults: { ...this.faults },
      inFlight: this.inFlight,
      peakConcurrency: this.peakConcurrency,
      tokensIssued: this.tokensIssued,
      notesCreated: this.notesCreated,
      customerThreadsCreated: this.customerThreadsCreated,
      repliesCreated: this.repliesCreated,
      conversationsCreated: this.conversationsCreated,
      threadsNotImported: this.threadsNotImported,
    };
  }
}
