import { describe, expect, it } from 'vitest';
import { canBeSnapshotted, findLvIn, isSnapshot, lvKey, type InventoryLv } from './model';

// The predicates the pages and the wizards use (moved here from components/inventory/derive.ts).
const lv = (over: Partial<InventoryLv>) => ({ kind: 'plain', merging: false, attr: '-wi-a-----', vg: 'vg0', name: 'web', ...over }) as InventoryLv;

describe('LVM predicates', () => {
  it('does not offer a snapshot of a merging origin, a pool, an internal LV or a classic snapshot', () => {
    expect(canBeSnapshotted(lv({ kind: 'origin', attr: 'owi-aos---' }))).toBe(true);
    expect(canBeSnapshotted(lv({ kind: 'thin-volume', attr: 'Vwi-a-tz--' }))).toBe(true);
    expect(canBeSnapshotted(lv({ kind: 'origin', merging: true }))).toBe(false);
    expect(canBeSnapshotted(lv({ kind: 'origin', attr: 'Owi-aos---' }))).toBe(false);
    expect(canBeSnapshotted(lv({ kind: 'thin-pool' }))).toBe(false);
    expect(canBeSnapshotted(lv({ kind: 'hidden' }))).toBe(false);
    expect(canBeSnapshotted(lv({ kind: 'snapshot' }))).toBe(false);
  });

  it('tells snapshots (classic and thin) and finds an LV by vg and name', () => {
    expect([lv({ kind: 'snapshot' }), lv({ kind: 'thin-snapshot' }), lv({ kind: 'origin' })].map(isSnapshot)).toEqual([true, true, false]);
    const lvs = [lv({ vg: 'vg0', name: 'a' }), lv({ vg: 'vg1', name: 'a' })];
    expect(findLvIn(lvs, 'vg1', 'a')).toBe(lvs[1]);
    expect(findLvIn(lvs, 'vg2', 'a')).toBeUndefined();
    expect(lvKey('vg0', 'web')).toBe('vg0/web');
  });
});
