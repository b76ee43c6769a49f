/** Help Scout's one accepted date format: `yyyy-MM-dd'T'HH:mm:ss'Z'` (no millis, no offsets). */
const HELP_SCOUT_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

/** Epoch millis of a well-formed Help Scout date, or null ("Malformed date"). */
export function parseHelpScoutDate(value: string): number | null {
  const m = HELP_SCOUT_DATE.exec(value);
  if (m === null) return null;
  const ms = Date.parse(value);
  // Date.parse rolls 2021-02-30 over to March; a round trip catches impossible calendar dates.
  if (Number.isNaN(ms) || formatHelpScoutDate(ms) !== value) return null;
  return ms;
}

export function formatHelpScoutDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
