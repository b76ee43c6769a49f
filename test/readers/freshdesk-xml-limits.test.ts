import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_CHARS } from '../../src/readers/json-records.ts';
import { writeGeneratedExport } from './freshdesk-xml-generate.ts';
import { notesOf, readAll, rejectsOf, sourceOf, tempDir } from './helpers.ts';
import { readMeasuringHeap } from './streaming.ts';

const USERS = '<?xml version="1.0"?>\n<users type="array"><user><id type="integer">1</id><name>Ann</name><email>ann@example.com</email></user></users>\n';
const SMALL_TICKET = '<helpdesk-ticket><display-id type="integer">2</display-id><requester-id type="integer">1</requester-id><description>Small</description></helpdesk-ticket>\n';

/** A Tickets0.xml written piece by piece: `middle` yields the big part between a head and a small last ticket. */
async function ticketsFile(dir: string, middle: () => Generator<string>): Promise<void> {
  writeFileSync(join(dir, 'Users0.xml'), USERS);
  const out = createWriteStream(join(dir, 'Tickets0.xml'));
  out.write('<?xml version="1.0"?>\n<helpdesk-tickets type="array">\n');
  for (const piece of middle()) if (!out.write(piece)) await once(out, 'drain');
  out.end(`\n${SMALL_TICKET}</helpdesk-tickets>\n`);
  await once(out, 'finish');
}

const MIB = 'x'.repeat(1 << 20);

describe('freshdesk-xml reader on large exports', () => {
  it('streams a 25 MB export (unpacked) from its zip without holding it in memory', { timeout: 120_000 }, async () => {
    const path = join(tempDir(), 'export.zip');
    const unpacked = writeGeneratedExport(path, 8_000, 4);
    const result = await readMeasuringHeap(sourceOf('freshdesk-xml', path), 10_000);
    expect(result).toMatchObject({ notes: 8_000 * 5, rejects: 0, lastId: '800004' });
    // What stays on the heap after a collection must be a small fraction of the XML.
    expect(result.retainedGrowth).toBeLessThan(unpacked / 10);
  });

  it('makes a ticket beyond the record limit one reject and reads the next ticket', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await ticketsFile(dir, function* () {
      yield '<helpdesk-ticket><display-id type="integer">1</display-id><notes type="array">\n';
      for (let i = 0; i * MIB.length <= MAX_RECORD_CHARS; i++) yield `<helpdesk-note><body>${MIB}</body></helpdesk-note>\n`;
      yield '</notes></helpdesk-ticket>';
    });
    const items = await readAll(sourceOf('freshdesk-xml', dir));
    expect(rejectsOf(items)).toEqual([
      expect.objectContaining({ reason: 'invalid_record', origin: { file: join(dir, 'Tickets0.xml'), line: 3 }, message: expect.stringContaining(`the <helpdesk_ticket> at line 3 is larger than ${MAX_RECORD_CHARS} characters`) as unknown }),
    ]);
    expect(notesOf(items).map((n) => [n.ticket, n.text, n.authorEmail])).toEqual([['2', 'Small', 'ann@example.com']]);
  });

  it('refuses text longer than the record limit without markup, which the parser would buffer whole', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    await ticketsFile(dir, function* () {
      yield '<helpdesk-ticket><display-id type="integer">1</display-id><description>';
      for (let i = 0; i * MIB.length <= MAX_RECORD_CHARS; i++) yield MIB;
      yield '</description></helpdesk-ticket>';
    });
    await expect(readAll(sourceOf('freshdesk-xml', dir))).rejects.toThrow(/Tickets0\.xml has more than \d+ characters without markup after line 3; it is not read/);
  });
});
