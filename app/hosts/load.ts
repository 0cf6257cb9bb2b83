import 'server-only';
import { notFound } from 'next/navigation';
import { findHost } from '@/lib/config/hosts';
import { hostInventory, type HostInventoryResponse } from '@/lib/inventory/view';

export type SearchParams = Promise<Record<string, string | string[] | undefined>>;
export type HostParams = Promise<{ host: string }>;

/** One value of a search parameter (the first when repeated), or undefined. */
export function param(sp: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = sp[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/**
 * The host's configuration and inventory for a wizard page; 404 for a host that is not configured. The inventory
 * is the one the pages share (at most a second old, or a read in flight), unless it does not list `need`: a read
 * of a busy host can take many seconds and may have started before that LV was created, so then the host is read
 * afresh before the wizard says the LV is not there.
 */
export async function loadWizardHost(
  hostId: string,
  need?: { vg?: string; lv?: string },
  /** The guests' agent state must be current (the create wizard offers freeze/thaw by it): a full read unless one is this recent. */
  freshGuestsMs?: number,
): Promise<{ host: string; name: string; exportDir: string; inventory: HostInventoryResponse | null; error?: string }> {
  const host = findHost(hostId);
  if (!host) notFound();
  let r = await hostInventory(host.id);
  // Between full reads the monitor refreshes only device-mapper's figures; the agent state comes with full reads.
  const fullAge = r.body?.fullReadAt ? Date.now() - Date.parse(r.body.fullReadAt) : Infinity;
  if (freshGuestsMs !== undefined && r.body && fullAge > freshGuestsMs) r = await hostInventory(host.id, 0);
  const lists = (inv: HostInventoryResponse | null) => !!inv?.lvs.some((l) => l.vg === need?.vg && l.name === need?.lv);
  if (need?.vg && need.lv && r.body && !lists(r.body)) r = await hostInventory(host.id, 0);
  return { host: host.id, name: host.name, exportDir: host.exportDir, inventory: r.body, error: r.error };
}

/** YYYYMMDD-HHMM in UTC, as lib/ops/plans.ts's defaultSnapshotName stamps names. */
export function utcMinuteStamp(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
}
