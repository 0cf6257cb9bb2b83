/**
 * Fold the device-mapper figures of a poll into the last full inventory. Pure.
 *
 * Only what the kernel knows better than the last lvs is replaced: the fill of classic snapshots (and whether
 * they went invalid or their merge failed), the data use of thin pools and thin volumes. Everything else (names,
 * sizes, origins, guests) stays as the last full read left it; a change of those shows as a changed device set,
 * which makes the caller read the full inventory again.
 */
import type { Inventory, InventoryLv } from '@/lib/inventory/types';
import type { KnownLv, LvFill } from './status';
import { lvKey } from '@/lib/lvm/model';

/** The LVs of an inventory as the fill mapping needs them. */
export function knownLvs(inv: Pick<Inventory, 'lvs'>): KnownLv[] {
  return inv.lvs.map((lv) => ({ vg: lv.vg, name: lv.name, uuid: lv.uuid, origin: lv.origin, merging: lv.merging }));
}

function applyOne(lv: InventoryLv, f: LvFill | undefined): InventoryLv {
  if (!f) return lv;
  switch (f.kind) {
    case 'snapshot':
      if (lv.kind !== 'snapshot') return lv;
      if (f.state === 'valid') return { ...lv, cowPercent: f.percent, dataPercent: f.percent, invalid: false, mergeFailed: false };
      // lvs reports an invalid snapshot as 100.00 % (see model.ts); keep that shape.
      if (f.state === 'invalid') return { ...lv, invalid: true, cowPercent: 100, dataPercent: 100 };
      return { ...lv, mergeFailed: true };
    case 'thin-pool':
      return lv.kind === 'thin-pool' ? { ...lv, dataPercent: f.dataPercent, metadataPercent: f.metadataPercent } : lv;
    case 'thin-volume':
      return lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot' ? { ...lv, dataPercent: f.percent } : lv;
  }
}

/** A new inventory with the poll's figures; `collectedAt` becomes the poll's time, the rest is unchanged. */
export function applyFill(inv: Inventory, fill: ReadonlyMap<string, LvFill>, at: string): Inventory {
  return { ...inv, collectedAt: at, lvs: inv.lvs.map((lv) => applyOne(lv, fill.get(lvKey(lv.vg, lv.name)))) };
}
