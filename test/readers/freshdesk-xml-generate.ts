import { writeZip, type ZipEntry } from './freshdesk-xml-zip.ts';

const CUSTOMERS = 500;
const AGENT = 9000;
const FILLER = 'The printer on the third floor, again, says &quot;paper jam&quot; but there is no paper in it &amp; no jam at all.';

/**
 * A generated account export, file by file as Freshdesk writes it (`Users0.xml`, then
 * `Tickets{N}.xml` of 300 tickets), each ticket with `notes` notes of about 500 bytes: the
 * entries are made one at a time, so a test can write a 1 GB export without holding it.
 */
function* generatedExport(tickets: number, notes: number): Generator<ZipEntry> {
  yield { name: 'Users0.xml', data: usersXml() };
  for (let batch = 0; batch * 300 < tickets; batch++) {
    const parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<helpdesk-tickets type="array">\n'];
    for (let id = batch * 300 + 1; id <= Math.min(tickets, (batch + 1) * 300); id++) parts.push(ticketXml(id, notes));
    parts.push('</helpdesk-tickets>\n');
    yield { name: `Tickets${batch}.xml`, data: parts.join('') };
  }
}

/** Writes the generated export as a zip at `path`; returns how many bytes of XML it unpacks to. */
export function writeGeneratedExport(path: string, tickets: number, notes: number): number {
  let unpacked = 0;
  writeZip(
    path,
    (function* () {
      for (const entry of generatedExport(tickets, notes)) {
        unpacked += entry.data.length;
        yield entry;
      }
    })(),
  );
  return unpacked;
}

function usersXml(): string {
  const users = [`<user><id type="integer">${AGENT}</id><name>Agent Smith</name><email>agent@example.com</email><helpdesk-agent type="boolean">true</helpdesk-agent></user>`];
  for (let i = 0; i < CUSTOMERS; i++) users.push(`<user><id type="integer">${1000 + i}</id><name>Customer ${i}</name><email>c${i}@example.com</email></user>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<users type="array">\n${users.join('\n')}\n</users>\n`;
}

function ticketXml(id: number, notes: number): string {
  const parts = [
    `  <helpdesk-ticket>\n    <created-at type="datetime">2024-01-01T00:00:00Z</created-at>\n    <display-id type="integer">${id}</display-id>\n`,
    `    <requester-id type="integer">${1000 + (id % CUSTOMERS)}</requester-id>\n    <status type="integer">5</status>\n    <subject>Ticket ${id}</subject>\n`,
    `    <description>Ticket ${id}: ${FILLER}</description>\n    <description-html>&lt;div&gt;Ticket ${id}: ${FILLER}&lt;/div&gt;</description-html>\n    <notes type="array">\n`,
  ];
  for (let n = 1; n <= notes; n++) {
    parts.push(
      `      <helpdesk-note><id type="integer">${id * 100 + n}</id><user-id type="integer">${AGENT}</user-id><private type="boolean">false</private><incoming type="boolean">false</incoming>`,
      `<created-at type="datetime">2024-01-01T0${n % 10}:00:00Z</created-at><body>Note ${n}: ${FILLER}</body><body-html>&lt;p&gt;Note ${n}: ${FILLER}&lt;/p&gt;</body-html><attachments type="array"/></helpdesk-note>\n`,
    );
  }
  parts.push('    </notes>\n    <attachments type="array"/>\n    <tags type="array"><tag><name>generated</name></tag></tags>\n  </helpdesk-ticket>\n');
  return parts.join('');
}
