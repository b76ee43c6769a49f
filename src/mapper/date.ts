/**
 * Source timestamps → Help Scout's `YYYY-MM-DDTHH:mm:ssZ` (UTC, no millis).
 *
 * Hand-written instead of dayjs parsing: it runs once per note (a million in a bench run), and
 * a strict regex rejects what dayjs would silently "fix" (month 13, day 31 of April).
 */
import { zoneOffsetMinutes } from './time-zone.ts';

export type DateResult =
  | { readonly ok: true; readonly createdAt: string; readonly epoch: number }
  | { readonly ok: false; readonly reason: 'invalid_date'; readonly message: string };

/** Above this a bare number is epoch milliseconds (10^11 s is the year 5138). */
const MILLIS_THRESHOLD = 1e11;
/** Help Scout has nothing older than the Unix epoch; year 9999 bounds the 4-digit format. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

const NUMERIC = /^\d+(?:\.\d+)?$/;
// date, optional time (with optional seconds and fraction), optional zone.
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses every date shape DESIGN §3 accepts. Zone-less wall-clock times are read in `timezone`
 * (IANA), or UTC when it is absent. Fractional seconds are truncated, never rounded.
 */
export function formatHelpScoutDate(input: string | number | undefined, timezone?: string): DateResult {
  if (typeof input === 'number') return fromEpochNumber(input, String(input));
  if (input === undefined) return invalid('no date');
  const text = input.trim();
  if (NUMERIC.test(text)) return fromEpochNumber(Number(text), text);
  const match = ISO.exec(text);
  if (!match) return invalid(`unrecognised date ${JSON.stringify(truncate(text))}`);
  const [whole, y, mo, d, h = '0', mi = '0', s, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? '0');
  // Date.UTC reads years 0..99 as 1900..1999: such years are out of range anyway (before the epoch).
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return invalid(`date out of range ${JSON.stringify(text)}`);
  }
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  let offsetMinutes: number;
  if (zone !== undefined) {
    const parsed = parseOffset(zone);
    if (parsed === undefined) return invalid(`bad zone offset in ${JSON.stringify(text)}`);
    offsetMinutes = parsed;
  } else {
    offsetMinutes = timezone === undefined ? 0 : localOffset(wallClock, timezone);
  }
  const epoch = wallClock - offsetMinutes * 60;
  if (epoch >= 0 && offsetMinutes === 0 && s !== undefined) {
    // Already UTC, to the second (most exports): the text itself, cut to seconds, is Help Scout's form.
    const exact = zone === 'Z' && whole.length === 20 && whole.charCodeAt(10) === 0x54;
    return { ok: true, createdAt: exact ? whole : `${whole.slice(0, 10)}T${whole.slice(11, 19)}Z`, epoch };
  }
  return fromEpochSeconds(epoch, text);
}

function fromEpochNumber(value: number, text: string): DateResult {
  if (!Number.isFinite(value) || value < 0) return invalid(`not a valid epoch ${JSON.stringify(text)}`);
  const seconds = value > MILLIS_THRESHOLD ? value / 1000 : value;
  return fromEpochSeconds(Math.floor(seconds), text);
}

function fromEpochSeconds(epoch: number, text: string): DateResult {
  if (epoch < 0 || epoch > MAX_EPOCH_SECONDS) return invalid(`date out of range ${JSON.stringify(text)}`);
  // toISOString is `YYYY-MM-DDTHH:mm:ss.sssZ`; Help Scout refuses the millis.
  const createdAt = `${new Date(epoch * 1000).toISOString().slice(0, 19)}Z`;
  return { ok: true, createdAt, epoch };
}

/** `Z`, `+05:30`, `+0530`, `+05` → minutes east of UTC. */
function parseOffset(zone: string): number | undefined {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * The zone's offset for a wall-clock time. Two passes: the offset at the wall-clock instant read
 * as UTC, then at the corrected instant, which settles every case but the skipped DST hour
 * (where any answer is a guess; we take the offset after the change).
 */
function localOffset(wallClockSeconds: number, timezone: string): number {
  const first = zoneOffsetMinutes(timezone, wallClockSeconds);
  return zoneOffsetMinutes(timezone, wallClockSeconds - first * 60);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function invalid(message: string): DateResult {
  return { ok: false, reason: 'invalid_date', message };
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
