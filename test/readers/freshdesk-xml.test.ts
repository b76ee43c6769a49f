import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.ts';
import { openReader } from '../../src/readers/index.ts';
import type { SourceNote } from '../../src/readers/source-note.ts';
import { writeZip } from './freshdesk-xml-zip.ts';
import { FIXTURES, notesOf, readAll, rejectsOf, sourceOf, tempDir } from './helpers.ts';

const EXPORT = join(FIXTURES, 'freshdesk-xml/export');
const xml = (name: string): string => readFileSync(join(EXPORT, name), 'utf8');

/** The fixture export as the zip Freshdesk mails, Users0.xml listed last: it must still be read first. */
function exportZip(): string {
  const path = join(tempDir(), 'export.zip');
  writeZip(
    path,
    ['Tickets1.xml', 'ArchivedTickets0.xml', 'Companies0.xml', 'Tickets0.xml', 'Users0.xml'].map((name) => ({ name, data: xml(name) })),
  );
  return path;
}

/** A copy of the fixture folder to spoil. */
function exportCopy(): string {
  const dir = join(tempDir(), 'export');
  cpSync(EXPORT, dir, { recursive: true });
  return dir;
}

/** Notes without where they were read from (files and lines differ between the formats). */
function comparable(notes: readonly SourceNote[]): Omit<SourceNote, 'origin'>[] {
  return notes.map(({ origin: _origin, ...note }) => note);
}

const TICKET = `<helpdesk-ticket><display-id type="integer">9</display-id><requester-id type="integer">101</requester-id><description>Hi</description></helpdesk-ticket>`;
const ticketsFile = (tickets: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<helpdesk-tickets type="array">\n${tickets}\n</helpdesk-tickets>\n`;

describe('freshdesk-xml reader', () => {
  it('gives the same notes from the account export zip as the freshdesk preset from the API JSON', async () => {
    const fromXml = notesOf(await readAll(sourceOf('freshdesk-xml', exportZip())));
    const fromJson = notesOf(await readAll(sourceOf('freshdesk', join(FIXTURES, 'freshdesk-xml/api/tickets.json'), { users: join(FIXTURES, 'freshdesk-xml/api/agents.csv') })));
    expect(fromXml).toHaveLength(9);
    expect(comparable(fromXml)).toEqual(comparable(fromJson));
  });

  it('rejects spam and deleted tickets, which the API export leaves out, naming each: the same notes as the API JSON, no ticket dropped silently', async () => {
    const dir = exportCopy();
    cpSync(join(FIXTURES, 'freshdesk-xml/spam_and_deleted_tickets.xml'), join(dir, 'Tickets2.xml'));
    const items = await readAll(sourceOf('freshdesk-xml', dir));
    expect(rejectsOf(items).map((r) => [r.reason, r.field, r.message, r.origin.file])).toEqual([
      ['spam_ticket', 'spam', 'Freshdesk ticket 5 is marked spam; the API export leaves it out too', join(dir, 'Tickets2.xml')],
      ['deleted_ticket', 'deleted', 'Freshdesk ticket 6 is deleted (in Trash); the API export leaves it out too', join(dir, 'Tickets2.xml')],
    ]);
    const fromJson = notesOf(await readAll(sourceOf('freshdesk', join(FIXTURES, 'freshdesk-xml/api/tickets.json'), { users: join(FIXTURES, 'freshdesk-xml/api/agents.csv') })));
    expect(comparable(notesOf(items))).toEqual(comparable(fromJson));
  });

  it('maps the export the way the Freshdesk preset does: first message, sides, visibility, people, links, status', async () => {
    const notes = notesOf(await readAll(sourceOf('freshdesk-xml', exportZip())));
    expect(notes.map((n) => [n.ticket, n.id, n.kind, n.visibility, n.author, n.authorEmail])).toEqual([
      ['1', 'description', 'customer', 'public', 'Priya Patel', 'priya@example.in'],
      ['1', '21', 'note', 'private', 'Omar Agent', 'omar@example.com'],
      ['1', '22', 'reply', 'public', 'Omar Agent', 'omar@example.com'],
      ['1', '23', 'customer', 'public', 'Priya Patel', 'priya@example.in'],
      ['2', 'description', 'customer', 'public', 'Sol & Co', 'solo@example.com'],
      // User 999 is in no Users file: `incoming` still says which side wrote it.
      ['2', '31', 'customer', 'public', 'Customer', undefined],
      ['4', 'description', 'customer', 'public', 'Priya Patel', 'priya@example.in'],
      ['3', 'description', 'customer', 'public', 'Sol & Co', 'solo@example.com'],
      ['3', '41', 'reply', 'public', 'Omar Agent', 'omar@example.com'],
    ]);
    expect(notes[0]).toMatchObject({
      text: '<div>I cannot log in since <b>Monday</b>.</div>',
      html: true,
      createdAt: '2024-04-02T09:15:00+05:30',
      customerEmail: 'priya@example.in',
      customerName: 'Priya Patel',
      subject: 'Broken login',
      tags: ['login', 'vip'],
      ticketStatus: 'active',
      attachments: [{ fileName: 'screenshot.png', mimeType: 'image/png', size: 2048, url: expect.stringContaining('X-Amz-Expires=604800&X-Amz-Signature=abc') as unknown }],
    });
    expect(notes[3]).toMatchObject({ text: 'It works now, thanks!', html: false });
    expect(notes[4]).toMatchObject({ text: 'The HTML description is empty;\nthis text is the first message.', html: false, subject: 'Invoice <March> & April', ticketStatus: 'closed' });
    expect(notes[0]?.origin).toEqual({ file: expect.stringMatching(/export\.zip\/Tickets0\.xml$/) as unknown, line: 4 });
  });

  it('reads the unpacked folder as it reads the zip', async () => {
    const fromZip = notesOf(await readAll(sourceOf('freshdesk-xml', exportZip())));
    const fromFolder = notesOf(await readAll(sourceOf('freshdesk-xml', EXPORT)));
    expect(comparable(fromFolder)).toEqual(comparable(fromZip));
    expect(fromFolder.map((n) => n.origin.line)).toEqual(fromZip.map((n) => n.origin.line));
  });

  it('reads the batches by number, Tickets10 after Tickets9, archived tickets last', async () => {
    const dir = tempDir();
    cpSync(join(EXPORT, 'Users0.xml'), join(dir, 'Users0.xml'));
    for (const [file, id] of [['Tickets10.xml', 10], ['ArchivedTickets0.xml', 1], ['Tickets9.xml', 9], ['Tickets2.xml', 2]] as const) {
      writeFileSync(join(dir, file), ticketsFile(TICKET.replace('>9<', `>${id}<`)));
    }
    const notes = notesOf(await readAll(sourceOf('freshdesk-xml', dir)));
    expect(notes.map((n) => n.ticket)).toEqual(['2', '9', '10', '1']);
  });

  it('rejects a ticket without display-id (its internal id would key another ticket) and reads on', async () => {
    const dir = exportCopy();
    writeFileSync(join(dir, 'Tickets1.xml'), ticketsFile(`<helpdesk-ticket><id type="integer">5000</id><description>Lost</description></helpdesk-ticket>\n${TICKET}`));
    const items = await readAll(sourceOf('freshdesk-xml', dir));
    expect(rejectsOf(items)).toEqual([
      expect.objectContaining({ reason: 'invalid_record', field: 'display-id', message: 'Freshdesk ticket without "display-id"', origin: { file: join(dir, 'Tickets1.xml'), line: 3 } }),
    ]);
    expect(notesOf(items).map((n) => n.ticket)).toContain('9');
  });

  it('rejects a ticket whose notes are not a list, naming it', async () => {
    const dir = exportCopy();
    writeFileSync(join(dir, 'Tickets1.xml'), ticketsFile(TICKET.replace('</helpdesk-ticket>', '<notes>oops</notes></helpdesk-ticket>')));
    const rejects = rejectsOf(await readAll(sourceOf('freshdesk-xml', dir)));
    expect(rejects).toEqual([expect.objectContaining({ reason: 'invalid_record', message: 'Freshdesk ticket 9: "notes" is a string, expected an array' })]);
  });

  it('refuses XML that is not well-formed, naming the file and the line', async () => {
    const dir = exportCopy();
    writeFileSync(join(dir, 'Tickets1.xml'), ticketsFile(`${TICKET}\n<helpdesk-ticket><display-id>5</display-id><subject>cut off</helpdesk-ticket>`));
    const reading = readAll(sourceOf('freshdesk-xml', dir));
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    // Line 4 of the file: the declaration, the root, the good ticket, then the cut one.
    await expect(reading).rejects.toThrow(/Tickets1\.xml is not well-formed XML \(4:\d+: unexpected close tag/);
  });

  it('refuses an export without Users.xml, unless source.users names the people', async () => {
    const dir = exportCopy();
    rmSync(join(dir, 'Users0.xml'));
    await expect(readAll(sourceOf('freshdesk-xml', dir))).rejects.toThrow(/holds no Users\{N\}\.xml.*source\.users/);
    const notes = notesOf(await readAll(sourceOf('freshdesk-xml', dir, { users: join(FIXTURES, 'freshdesk-xml/api/agents.csv') })));
    expect(notes[1]).toMatchObject({ id: '21', author: 'Omar Agent' });
    // Nobody names the requester now: the ticket says only her name, no address.
    expect(notes[0]).toMatchObject({ author: 'Priya Patel', customerName: 'Priya Patel' });
    expect(notes[0]?.customerEmail).toBeUndefined();
  });

  it('lets source.users rows win over Users.xml', async () => {
    const users = join(tempDir(), 'users.csv');
    writeFileSync(users, 'id,name,email\n201,Omar Renamed,omar.new@example.com\n');
    const notes = notesOf(await readAll(sourceOf('freshdesk-xml', EXPORT, { users })));
    expect(notes[1]).toMatchObject({ author: 'Omar Renamed', authorEmail: 'omar.new@example.com' });
    expect(notes[0]).toMatchObject({ authorEmail: 'priya@example.in' });
  });

  it('refuses a path that holds no ticket files, or a file that is no zip', async () => {
    const empty = tempDir();
    await expect(readAll(sourceOf('freshdesk-xml', empty))).rejects.toThrow(/holds no Tickets\{N\}\.xml/);
    const notZip = join(tempDir(), 'export.zip');
    writeFileSync(notZip, 'id,text\n1,hello\n');
    await expect(readAll(sourceOf('freshdesk-xml', notZip))).rejects.toThrow(/is not a readable zip/);
    expect(() => openReader(sourceOf('freshdesk-xml', join(empty, 'missing.zip')))).toThrow(/cannot read .*missing\.zip \(ENOENT\)/);
  });
});

describe('freshdesk-xml zip safety', () => {
  const users = { name: 'Users0.xml', data: xml('Users0.xml') };

  it('refuses a zip-slip entry name before reading anything', async () => {
    const path = join(tempDir(), 'slip.zip');
    writeZip(path, [users, { name: '../../outside/Tickets0.xml', data: ticketsFile(TICKET) }]);
    const reading = readAll(sourceOf('freshdesk-xml', path));
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(/invalid relative path: \.\.\/\.\.\/outside\/Tickets0\.xml/);
  });

  it('refuses an entry that unpacks far beyond its packed size, before unpacking it', async () => {
    const path = join(tempDir(), 'bomb.zip');
    writeZip(path, [users, { name: 'Tickets0.xml', data: ticketsFile(`<helpdesk-ticket><description>${'a'.repeat(8 << 20)}</description></helpdesk-ticket>`) }]);
    await expect(readAll(sourceOf('freshdesk-xml', path))).rejects.toThrow(/Tickets0\.xml in .* claims \d+ bytes from \d+ packed \(more than 200:1, like a zip bomb\)/);
  });

  it('stops an entry that unpacks to more than its header claims', async () => {
    const path = join(tempDir(), 'liar.zip');
    const data = ticketsFile(TICKET.repeat(50));
    writeZip(path, [users, { name: 'Tickets0.xml', data, claimedSize: 100 }]);
    const reading = readAll(sourceOf('freshdesk-xml', path));
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(/reading .*Tickets0\.xml failed \(too many bytes in the stream. expected 100/);
  });
});
