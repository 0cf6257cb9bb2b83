import { describe, expect, it } from 'vitest';
import { formatBytes, formatHours, utcDateStamp } from './format';

describe('wizard formatting', () => {
  it.each([
    [256 * 1024 * 1024, '256 MiB'],
    [52.4 * 1024 * 1024, '52.4 MiB'],
    [3.62 * 1024 ** 3, '3.6 GiB'],
    [1024 ** 3, '1 GiB'],
  ])('formatBytes(%d) = %s', (b, s) => expect(formatBytes(b)).toBe(s));

  it.each([
    [0.5, '30 min'],
    [2.25, '2 h 15 min'],
    [50, '2 d 2 h'],
  ])('formatHours(%d) = %s', (h, s) => expect(formatHours(h)).toBe(s));

  it('stamps dates in UTC', () => expect(utcDateStamp(new Date('2025-03-04T23:30:00Z'))).toBe('20250304'));
});
