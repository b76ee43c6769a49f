import { mkdirSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyCounts, readState, STATE_DIR, StateFile, type ExportState } from '../../src/sources/export-state.ts';
import { tempDir } from './export-run-helpers.ts';

function stateAt(tickets: number): ExportState {
  return {
    version: 1,
    platform: 'zendesk',
    origin: 'https://acme.zendesk.com',
    since: null,
    highWater: '2024-01-01T00:00:00.000Z',
    checkpoint: '/tmp/checkpoint',
    cursor: { after: tickets },
    lengths: { 'tickets.jsonl': tickets * 100 },
    counts: { ...emptyCounts(), tickets },
    warnings: [],
    finished: false,
  };
}

/** The slot file holding the save of `tickets` tickets. */
function slotOf(out: string, tickets: number): string {
  const dir = join(out, STATE_DIR);
  const name = readdirSync(dir).find((file) => readFileSync(join(dir, file), 'utf8').includes(`"after": ${tickets}\n`));
  if (name === undefined) throw new Error(`no slot holds the save of ${tickets} tickets`);
  return join(dir, name);
}

describe('the export state (two slots written in turn)', () => {
  it('reads the newest save, and after a write torn by a kill the save before it; the next save goes over the torn one', () => {
    const out = tempDir();
    const file = new StateFile(out);
    for (const tickets of [1, 2, 3]) file.save(stateAt(tickets), tickets === 1);
    file.close();
    expect(readState(out)).toEqual(stateAt(3));

    // A kill mid-write leaves a slot cut anywhere: its checksum no longer holds.
    const torn = slotOf(out, 3);
    truncateSync(torn, readFileSync(torn).length - 40);
    expect(readState(out)).toEqual(stateAt(2));

    const resumed = new StateFile(out);
    resumed.save(stateAt(4), false);
    resumed.close();
    expect(readState(out)).toEqual(stateAt(4));
    expect(slotOf(out, 4)).toBe(torn);
    expect(slotOf(out, 2)).not.toBe(torn);
  });

  it('a shorter save leaves no stale tail in its slot', () => {
    const out = tempDir();
    const file = new StateFile(out);
    file.save({ ...stateAt(1), warnings: ['a long warning '.repeat(20)] });
    file.save(stateAt(2), false);
    file.save(stateAt(3), false);
    file.close();
    const text = readFileSync(slotOf(out, 3), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('a long warning');
  });

  it('no whole slot at all is a clear error; an export folder of an earlier version (state.json) is still read', () => {
    const out = tempDir();
    const file = new StateFile(out);
    file.save(stateAt(1));
    file.close();
    writeFileSync(slotOf(out, 1), 'garbage');
    expect(() => readState(out)).toThrow(/not an hs-import export state/);

    const earlier = tempDir();
    mkdirSync(join(earlier, STATE_DIR));
    writeFileSync(join(earlier, STATE_DIR, 'state.json'), JSON.stringify(stateAt(5)));
    expect(readState(earlier)).toEqual(stateAt(5));
  });
});
