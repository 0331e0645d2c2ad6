import { timestampMs, withOffset } from '../../../lib/api/timestamps';

describe('timestamps as Zapier wants them', () => {
  it.each([
    ['2026-12-01T10:00:00', '2026-12-01T10:00:00Z'],
    ['2026-12-01T10:00:00.123456', '2026-12-01T10:00:00.123456Z'],
    ['2026-12-01T10:00:00+00:00', '2026-12-01T10:00:00+00:00'],
    ['2026-12-01T10:00:00.5-0530', '2026-12-01T10:00:00.5-05:30'],
    ['2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z'],
    ['2026-12-01 10:00', '2026-12-01T10:00:00Z'],
    [' 2024-02-29t23:59:59z ', '2024-02-29T23:59:59Z'],
  ])('writes %s as %s', (server, output) => {
    expect(withOffset(server)).toBe(output);
  });

  it.each([
    'not-a-date',
    '',
    '2026-02-30T10:00:00',
    '2025-02-29T10:00:00',
    '2026-13-01T10:00:00',
    '2026-12-01T24:00:00',
    '2026-12-01T10:60:00',
    '2026-12-01T10:00:60',
    '2026-12-00T10:00:00',
    '2026-12-01T10:00:00+24:00',
    '2026-12-01',
    '1796119200',
  ])('passes on %p as no date at all (null)', (value) => {
    expect(withOffset(value)).toBeNull();
  });

  it('reads a value that is not text as no date', () => {
    for (const value of [null, undefined, 1796119200, {}, ['2026-12-01T10:00:00Z']])
      expect(withOffset(value)).toBeNull();
  });

  it('sorts a naive timestamp as UTC, whatever the machine’s time zone, and one that is no date as the oldest', () => {
    expect(timestampMs('2026-12-01T10:00:00')).toBe(Date.UTC(2026, 11, 1, 10));
    expect(timestampMs('2026-12-01T11:00:00+01:00')).toBe(Date.UTC(2026, 11, 1, 10));
    expect(timestampMs('yesterday')).toBe(0);
  });
});
