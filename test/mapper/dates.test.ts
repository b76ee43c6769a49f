import { describe, expect, it } from 'vitest';
import { formatHelpScoutDate } from '../../src/mapper/index.ts';

const ok = (input: string | number, timezone?: string): string => {
  const result = formatHelpScoutDate(input, timezone);
  if (!result.ok) throw new Error(result.message);
  return result.createdAt;
};

describe('formatHelpScoutDate', () => {
  it.each([
    ['2024-05-06T07:08:09Z', '2024-05-06T07:08:09Z'],
    ['2024-05-06T07:08:09.987Z', '2024-05-06T07:08:09Z'],
    ['2014-07-28T16:20:03+05:30', '2014-07-28T10:50:03Z'],
    ['2014-12-31T12:27:09+10:00', '2014-12-31T02:27:09Z'],
    ['2014-12-31T12:27:09-0300', '2014-12-31T15:27:09Z'],
    ['2017-11-14 21:45:08', '2017-11-14T21:45:08Z'],
    ['2017-11-14T21:45:08', '2017-11-14T21:45:08Z'],
    ['2015-01-02', '2015-01-02T00:00:00Z'],
    ['2024-05-06T07:08:09+00:00', '2024-05-06T07:08:09Z'],
    ['2024-05-06t07:08:09.5z', '2024-05-06T07:08:09Z'],
    ['2024-05-06 07:08:09,123', '2024-05-06T07:08:09Z'],
    ['2024-05-06T07:08Z', '2024-05-06T07:08:00Z'],
    ['1400850973', '2014-05-23T13:16:13Z'],
    ['1453770984.123', '2016-01-26T01:16:24Z'],
    ['1453770984123', '2016-01-26T01:16:24Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(ok(input)).toBe(expected);
  });

  it('reads epoch seconds and millis given as numbers, truncating fractions', () => {
    expect(ok(1400850973)).toBe('2014-05-23T13:16:13Z');
    expect(ok(1453770984.999)).toBe('2016-01-26T01:16:24Z');
    expect(ok(1453770984123)).toBe('2016-01-26T01:16:24Z');
  });

  it('reads zone-less times in the configured IANA zone, across DST', () => {
    expect(ok('2024-01-15 09:00:00', 'Europe/Paris')).toBe('2024-01-15T08:00:00Z');
    expect(ok('2024-07-15 09:00:00', 'Europe/Paris')).toBe('2024-07-15T07:00:00Z');
    expect(ok('2024-07-15T09:00:00', 'America/New_York')).toBe('2024-07-15T13:00:00Z');
    // an explicit offset wins over the configured zone
    expect(ok('2024-07-15T09:00:00Z', 'Europe/Paris')).toBe('2024-07-15T09:00:00Z');
    expect(ok('2024-01-15 09:00:00', 'Europe/London')).toBe('2024-01-15T09:00:00Z');
  });

  it.each(['', 'yesterday', '2024-13-01T00:00:00Z', '2023-02-29 10:00:00', '2024-01-01T24:00:00Z', '15/01/2024', '-5', 'NaN', '1969-12-31T23:59:59Z', '1969-12-31 23:59:59', '0075-01-01T00:00:00Z'])(
    'refuses %j as invalid_date',
    (input) => {
      expect(formatHelpScoutDate(input)).toMatchObject({ ok: false, reason: 'invalid_date' });
    },
  );

  it('reads a bare number above 10^11 as epoch millis and up to 10^11 as epoch seconds', () => {
    expect(ok(100_000_000_001)).toBe('1973-03-03T09:46:40Z');
    expect(ok('100000000001')).toBe('1973-03-03T09:46:40Z');
    expect(ok(99_999_999_999)).toBe('5138-11-16T09:46:39Z');
  });
});
