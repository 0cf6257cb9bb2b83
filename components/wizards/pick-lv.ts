import { findLvIn } from '@/lib/lvm/model';
import type { InventoryLv } from '@/lib/inventory/types';
import type { HostInventoryResponse } from '@/lib/inventory/view';

/**
 * The LV a wizard works on, from the live inventory, else from the one the page was rendered with. Inventory reads
 * of a busy host can take many seconds and arrive out of order, so one poll that does not list the LV must not
 * throw the user out of the form: `stale` says so, and the server's plan (a fresh read) decides anyway.
 */
export function pickLv(
  live: HostInventoryResponse,
  initial: HostInventoryResponse,
  vg: string,
  name: string,
): { lv: InventoryLv | undefined; stale: boolean } {
  const find = (inv: HostInventoryResponse) => findLvIn(inv.lvs, vg, name);
  const now = find(live);
  if (now) return { lv: now, stale: false };
  const before = find(initial);
  return { lv: before, stale: before !== undefined };
}
