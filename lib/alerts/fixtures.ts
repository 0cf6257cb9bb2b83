/**
 * Test inventories for lib/alerts and lib/metrics, built on the recorded lab output of lib/inventory/fixtures
 * (inventory-snapshots.txt: vg0/web_snap, a 32 MiB classic snapshot of vg0/web at 18.85 %, vg0 with 4 MiB
 * extents and 3676 MiB free; see that folder's README for how it was recorded). Tests change single fields.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseInventory } from '@/lib/inventory/collect';
import type { Inventory, InventoryLv, InventoryVg } from '@/lib/inventory/types';

const RECORDED = readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-snapshots.txt'), 'utf8');

export const MiB = 1024 * 1024;
export const WEB_SNAP_UUID = 'qetiVC-qXP0-KkX5-xdOF-jKPl-hUgu-iY625a';
export const POOL_UUID = 'bsHrz3-YrGf-MMqH-AjfL-9yfK-B0Xf-T5Soxf';

export interface InventoryOptions {
  /** When the read began (collectedAt); it took 800 ms. */
  at?: number;
  snap?: Partial<InventoryLv>;
  /** Changes to the thin pool vg1/pool (recorded at 0.78 % data, 11.04 % metadata). */
  pool?: Partial<InventoryLv>;
  vg0?: Partial<InventoryVg>;
  host?: string;
}

/** The recorded inventory, read at `at`, with vg0/web_snap changed by `snap` and vg0 by `vg0`. */
export function labInventory(opts: InventoryOptions = {}): Inventory {
  const inv = parseInventory(opts.host ?? 'lab', RECORDED, 800, new Date(opts.at ?? Date.parse('2026-11-27T12:00:00Z')));
  return {
    ...inv,
    vgs: inv.vgs.map((v) => (v.name === 'vg0' ? { ...v, ...opts.vg0 } : v)),
    lvs: inv.lvs.map((l) =>
      l.vg === 'vg0' && l.name === 'web_snap' ? { ...l, ...opts.snap } : l.vg === 'vg1' && l.name === 'pool' ? { ...l, ...opts.pool } : l,
    ),
  };
}

export function webSnap(inv: Inventory): InventoryLv {
  const lv = inv.lvs.find((l) => l.name === 'web_snap');
  if (!lv) throw new Error('fixture changed: no web_snap');
  return lv;
}
