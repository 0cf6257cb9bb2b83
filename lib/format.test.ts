import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatAgo,
  formatBytes,
  formatClock,
  formatDateTime,
  formatDuration,
  formatHours,
  formatPercent,
  formatRate,
  formatUtc,
  durationBetween,
  utcDateStamp,
  toMiB,
} from './format';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [4 * MiB, '4 MiB'],
    [256 * MiB, '256 MiB'],
    [1023.96 * MiB, '1 GiB'], // never "1024 MiB"
    // vg_size of the lab's vg0 as lvs prints it ("<4.00g")
    [4290772992, '4 GiB'],
    [3.62 * GiB, '3.6 GiB'],
    [1012 * MiB, '1012 MiB'],
    [2.5 * 1024 * GiB, '2.5 TiB'],
    [-32 * MiB, '-32 MiB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [52.4 * MiB, '52.4 MiB'],
    [GiB, '1 GiB'],
  ])('as the wizards print sizes: %d -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));

  it('shows a dash for what is not a number', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('formatPercent', () => {
  it('keeps lvm2 precision by default and rounds on request', () => {
    expect(formatPercent(18.85)).toBe('18.85%');
    expect(formatPercent(100)).toBe('100.00%');
    expect(formatPercent(9.254, 1)).toBe('9.3%');
    expect(formatPercent(0, 0)).toBe('0%');
  });

  it('shows a dash for a missing value', () => {
    expect(formatPercent(null)).toBe('—');
    expect(formatPercent(undefined)).toBe('—');
  });
});

describe('formatRate', () => {
  it('signs the rate', () => {
    expect(formatRate(1.25)).toBe('+1.25 %/h');
    expect(formatRate(-0.5)).toBe('-0.50 %/h');
    expect(formatRate(0)).toBe('0.00 %/h');
    expect(formatRate(null)).toBe('—');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [412, '0.4 s'],
    [999, '1 s'],
    [45_000, '45 s'],
    [60_000, '1 min'],
    [185_000, '3 min 5 s'],
    [12 * 60_000 + 59_000, '12 min 59 s'],
    [3_720_000, '1 h 2 min'],
    [3_600_000, '1 h'],
    [3 * 3_600_000 + 20 * 60_000, '3 h 20 min'],
    [23 * 3_600_000 + 59 * 60_000, '23 h 59 min'],
    [24 * 3_600_000, '1 d'],
    [(2 * 24 + 4) * 3_600_000 + 30 * 60_000, '2 d 4 h'],
    [30 * 3_600_000, '1 d 6 h'],
    [null, '—'],
    [-5_000, '0 s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('formats hours from the trend API', () => {
    expect(formatHours(3 + 20 / 60)).toBe('3 h 20 min');
    expect(formatHours(0.5)).toBe('30 min');
    expect(formatHours(2.25)).toBe('2 h 15 min');
    // The same 30 h a wizard and the Snapshots page used to print differently ("30 h" and "1 d 6 h").
    expect(formatHours(30)).toBe('1 d 6 h');
    expect(formatHours(50)).toBe('2 d 2 h');
    expect(formatHours(1.2345)).toBe('1 h 14 min'); // to the minute: an estimate has no seconds
    expect(formatHours(9 / 3600)).toBe('9 s');
    expect(formatHours(null)).toBe('—');
    expect(formatHours(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatAgo and formatAge', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');

  it.each([
    ['2026-11-27T12:00:00Z', 'just now'],
    ['2026-11-27T11:59:48Z', '12 s ago'],
    ['2026-11-27T11:55:00Z', '5 min ago'],
    ['2026-11-27T09:00:00Z', '3 h ago'],
    ['2026-11-25T12:00:00Z', '2 d ago'],
    ['2026-11-27T12:00:05Z', 'just now'], // clocks a little apart
  ])('%s -> %s', (iso, text) => {
    expect(formatAgo(iso, now)).toBe(text);
  });

  it('accepts epoch milliseconds and dates', () => {
    expect(formatAgo(now - 90_000, now)).toBe('1 min ago');
    expect(formatAgo(new Date(now - 7_200_000), now)).toBe('2 h ago');
    expect(formatAgo('not a date', now)).toBe('—');
  });

  it('gives an age as a duration', () => {
    expect(formatAge('2026-11-27T08:40:00Z', now)).toBe('3 h 20 min');
    expect(formatAge('2026-11-27T11:59:30Z', now)).toBe('< 1 min');
    expect(formatAge('2026-11-27T12:00:10Z', now)).toBe('< 1 min'); // a clock a little ahead
    expect(formatAge(null, now)).toBe('—');
    expect(formatAge('garbage', now)).toBe('—');
  });
});

describe('formatClock and formatDateTime', () => {
  it('prints the time of day in the given zone', () => {
    expect(formatClock('2026-11-27T02:53:41.120Z', 'UTC')).toBe('02:53:41');
    expect(formatClock('2026-11-27T14:03:22Z', 'UTC')).toBe('14:03:22');
    expect(formatClock('2026-11-27T14:03:22Z', 'Europe/Berlin')).toBe('15:03:22');
    expect(formatClock('nope', 'UTC')).toBe('—');
  });

  it('prints date and time', () => {
    expect(formatDateTime('2026-11-27T00:00:05Z', 'UTC')).toBe('2026-11-27 00:00:05');
  });

  it('prints stored timestamps in UTC, saying so', () => {
    expect(formatUtc('2025-03-04T12:34:56.789Z')).toBe('2025-03-04 12:34:56 UTC');
    expect(formatUtc(null)).toBe('—');
    expect(formatUtc('')).toBe('—');
    expect(formatUtc('nope')).toBe('—');
  });

  it('stamps dates in UTC', () => expect(utcDateStamp(new Date('2025-03-04T23:30:00Z'))).toBe('20250304'));
});

describe('durationBetween and toMiB', () => {
  it('measures between two timestamps', () => {
    expect(durationBetween('2025-03-04T12:00:00Z', '2025-03-04T12:03:05Z')).toBe(185_000);
    expect(durationBetween(null, '2025-03-04T12:03:05Z')).toBeNull();
    expect(durationBetween('x', '2025-03-04T12:03:05Z')).toBeNull();
  });

  it('converts bytes to MiB', () => expect(toMiB(52 * 1024 * 1024)).toBe(52));
});
