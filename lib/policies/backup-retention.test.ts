import { describe, expect, it } from 'vitest';
import { backupRetention, backupsToPrune } from './backup-retention';

// The pruning selection of a backup policy over a catalogue that also holds manual backups, another policy's
// backups, another volume's, and protected ones.
const VOL = { host: 'lab', vg: 'vg0', lv: 'web' };
let next = 1;
const row = (createdAt: string, o: Partial<{ policyId: number | null; protected: boolean; host: string; vg: string; lv: string }> = {}) => ({
  id: next++,
  host: 'lab',
  vg: 'vg0',
  lv: 'web',
  createdAt,
  policyId: 3 as number | null,
  protected: false,
  ...o,
});

describe('backupsToPrune', () => {
  const catalogue = [
    row('2026-11-30T10:00:00Z'),
    row('2026-11-30T10:01:00Z'),
    row('2026-11-30T10:02:00Z'),
    row('2026-11-30T10:01:30Z', { policyId: null }), // manual
    row('2026-11-30T09:00:00Z', { policyId: 4 }), // another policy's
    row('2026-11-30T09:30:00Z', { lv: 'db' }), // this policy's, another volume
    row('2026-11-30T09:45:00Z', { host: 'lab2' }), // this policy, same names on another host
    row('2026-11-30T08:00:00Z', { protected: true }), // protected, oldest
  ];
  const ids = (xs: { id: number }[]) => xs.map((x) => x.id).sort((a, b) => a - b);

  it('keepLast 1 prunes every older backup of this policy and volume, and nothing else', () => {
    expect(ids(backupsToPrune(catalogue, 3, VOL, { keepLast: 1 }, 'UTC'))).toEqual([catalogue[0]!.id, catalogue[1]!.id]);
  });

  it('never a manual, another policy\'s, another volume\'s or a protected backup, whatever the retention', () => {
    const pruned = backupsToPrune(catalogue, 3, VOL, { keepLast: 0, keepDaily: 0 }, 'UTC');
    for (const safe of catalogue.slice(3)) expect(pruned.map((b) => b.id)).not.toContain(safe.id);
  });

  it('keeps everything when the policy has no keep option (a forgotten retention deletes nothing)', () => {
    expect(backupsToPrune(catalogue, 3, VOL, {}, 'UTC')).toEqual([]);
  });

  it('a protected backup is kept and does not count: keepLast 1 still keeps the newest unprotected one', () => {
    const d = backupRetention(catalogue, 3, VOL, { keepLast: 1 }, 'UTC');
    expect(d.map((x) => [x.backup.createdAt, x.mark])).toEqual([
      ['2026-11-30T10:02:00Z', 'keep'],
      ['2026-11-30T10:01:00Z', 'prune'],
      ['2026-11-30T10:00:00Z', 'prune'],
      ['2026-11-30T08:00:00Z', 'protected'],
    ]);
  });

  it('keepDaily/keepLast over days, in the policy\'s time zone (PBS: the newest of each day)', () => {
    const days = [
      row('2026-11-28T22:30:00Z'), // 23:30 in Berlin on the 28th
      row('2026-11-28T23:30:00Z'), // 00:30 in Berlin on the 29th
      row('2026-11-29T12:00:00Z'),
      row('2026-11-30T06:00:00Z'),
      row('2026-11-30T07:00:00Z'),
    ];
    const d = backupRetention(days, 3, VOL, { keepLast: 1, keepDaily: 2 }, 'Europe/Berlin');
    expect(d.map((x) => [x.backup.createdAt, x.mark])).toEqual([
      ['2026-11-30T07:00:00Z', 'keep'], // keep-last
      ['2026-11-30T06:00:00Z', 'prune'], // the 30th already kept from
      ['2026-11-29T12:00:00Z', 'keep'], // keep-daily: the 29th
      ['2026-11-28T23:30:00Z', 'prune'], // the 29th in Berlin, already kept from
      ['2026-11-28T22:30:00Z', 'keep'], // keep-daily: the 28th
    ]);
  });
});
