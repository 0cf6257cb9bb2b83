import { describe, expect, it } from 'vitest';
import { formatDuration, formatTime, jobTarget } from './format';

describe('job formatting', () => {
  it('formats times in UTC', () => expect(formatTime('2025-03-04T12:34:56.789Z')).toBe('2025-03-04 12:34:56'));
  it.each([
    [null, '—'],
    [412, '0.4 s'],
    [12_300, '12 s'],
    [185_000, '3 min 05 s'],
    [3_720_000, '1 h 02 min'],
  ])('formatDuration(%j) = %s', (ms, s) => expect(formatDuration(ms)).toBe(s));
  it('names the target of each operation', () => {
    expect(jobTarget('create-snapshot', { vg: 'vg0', origin: 'web', name: 'web_snap' })).toBe('vg0/web_snap (of web)');
    expect(jobTarget('export-snapshot', { vg: 'vg0', snapshot: 's', file: 'f.qcow2' })).toBe('vg0/s → f.qcow2');
    expect(jobTarget('remove-snapshot', { vg: 'vg0', snapshot: 's', confirmName: 's' })).toBe('vg0/s');
  });
});
