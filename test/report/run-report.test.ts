import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyStats } from '../../src/deliver/context.ts';
import type { LandedNote } from '../../src/checkpoint/landed.ts';
import type { RunResult } from '../../src/pipeline/run-import.ts';
import type { PlanCounts } from '../../src/plan/plan.ts';
import { idMapLines } from '../../src/report/id-map.ts';
import { writeRunReport } from '../../src/report/run-report.ts';

let dir: string;
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const NO_PLAN: PlanCounts = { notes: 0, lanes: 0, existingConversations: 0, newConversations: 0, continuations: 0, addNoteRequests: 0, createRequests: 0, linkRequests: 0, lookupRequests: 0, maxNotesPerLane: 0, p95NotesPerLane: 0 };

function runResult(landed: () => Iterable<LandedNote>, notes: number): RunResult {
  return {
    simulated: true,
    baseUrl: 'http://127.0.0.1:1',
    interrupted: false,
    rowsRead: notes,
    indexReused: false,
    notes,
    counts: { done: notes, rejected: 0, inDoubt: 0, left: 0, doneBefore: 0, reconciledAtStart: 0 },
    plan: NO_PLAN,
    delivery: emptyStats(),
    requests: { requests: 0, reads: 0, writes: 0, rateLimited: 0, retries: 0, tokenRefreshes: 0 },
    rate: { unitsSpent: 0, pauses: 0, pausedMs: 0, unitsPerWindow: 400, windowMs: 60_000 },
    durationMs: 1000,
    rejects: [],
    results: () => [],
    landed,
    authors: { authors: [], notesWithUser: 0, notesWithoutAuthor: 0, threads: { note: 0, customer: 0, reply: 0 } },
  };
}

describe('run report id-map.csv', () => {
  it('holds every landed note line for line, across many 1 MB blocks and with multi-byte text', () => {
    dir = mkdtempSync(join(tmpdir(), 'hs-import-run-report-'));
    // About 4 MB of lines: tickets with accents and emoji (2 to 4 UTF-8 bytes per character), one very long.
    const landed = function* (): Generator<LandedNote> {
      for (let i = 0; i < 60_000; i++) {
        const ticket = i === 30_000 ? 'é'.repeat(700_000) : `tïcket-🎫-${i % 977}`;
        const key = `${ticket}:${i}`;
        const kind = 'add-note' as const;
        if (i % 10 === 8) yield { key, step: `note:${key}`, kind, conversation: 7000 + i, thread: 9_000_000 + i, mergedFrom: 42 };
        else yield { key, step: `note:${key}`, kind, conversation: 7000 + (i % 1234), ...(i % 2 === 0 ? { thread: 9_000_000 + i } : {}) };
      }
    };
    writeRunReport(dir, runResult(landed, 60_000));
    const written = readFileSync(join(dir, 'id-map.csv'), 'utf8');
    expect(written).toBe([...idMapLines(landed())].join(''));
    expect(written.split('\n')).toHaveLength(1 + 60_000 + 1);
    expect(written.length).toBeGreaterThan(2_000_000);
  });
});
