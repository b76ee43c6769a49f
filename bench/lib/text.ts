import { intBetween, pick, type Rng } from './prng.ts';

const WORDS = (
  'the a to and of I you it for is on that this with have be not can we are please my your order ' +
  'account invoice refund shipping delivery password reset login error issue problem ticket update ' +
  'thanks thank hello hi team customer support agent help question answer email phone billing plan ' +
  'subscription cancel upgrade downgrade payment card charge receipt tracking number package arrived ' +
  'damaged missing item replacement return label address change settings export import report bug ' +
  'browser mobile app version screenshot attached logs today yesterday tomorrow week soon again still ' +
  'working fixed resolved escalated waiting pending closed open priority urgent sorry apologies ' +
  'inconvenience understand check looking into let me know if anything else regards best cheers'
).split(' ');

export const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Alan', 'Barbara', 'Ken', 'Dennis', 'Frances', 'Edsger', 'Radia', 'Donald', 'Anita', 'Tim', 'Sophie', 'Hedy'];
export const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Turing', 'Liskov', 'Thompson', 'Ritchie', 'Allen', 'Dijkstra', 'Perlman', 'Knuth', 'Borg', 'Berners-Lee', 'Wilson', 'Lamarr'];

function sentence(rng: Rng, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(pick(rng, WORDS));
  const first = parts[0] ?? 'ok';
  parts[0] = first.charAt(0).toUpperCase() + first.slice(1);
  return parts.join(' ') + pick(rng, ['.', '.', '.', '?', '!']);
}

/**
 * A note body of realistic length: mostly short replies, some paragraphs, a few long mails
 * (≈100 chars on average, a tail to a few kB). Some HTML, some commas/quotes, some newlines.
 */
export function noteBody(rng: Rng): { text: string; html: boolean } {
  const r = rng();
  const target = r < 0.75 ? intBetween(rng, 15, 75) : r < 0.97 ? intBetween(rng, 75, 250) : intBetween(rng, 250, 1200);
  const html = rng() < 0.2;
  const paragraphs: string[] = [];
  let length = 0;
  let paragraph = '';
  while (length < target) {
    const s = sentence(rng, intBetween(rng, 3, 14));
    paragraph += (paragraph === '' ? '' : ' ') + s;
    length += s.length + 1;
    if (rng() < 0.25 || length >= target) {
      paragraphs.push(paragraph);
      paragraph = '';
    }
  }
  if (paragraph !== '') paragraphs.push(paragraph);
  let text: string;
  if (html) text = paragraphs.map((p) => `<p>${p}</p>`).join('');
  else text = paragraphs.join(rng() < 0.4 ? '\n\n' : ' ');
  if (rng() < 0.08) text += ` "quoted, with commas", ok`;
  return { text, html };
}

export function subjectLine(rng: Rng): string {
  return sentence(rng, intBetween(rng, 2, 5)).slice(0, -1);
}

export function personName(rng: Rng): string {
  return `${pick(rng, FIRST_NAMES)} ${pick(rng, LAST_NAMES)}`;
}
