/**
 * The pure part of a policy run: which LVs a selector means on a host now, which snapshots are the policy's own
 * series, the space guard, names and lifetimes. Browser-safe (no server modules): the pages use it too.
 */
import type { Inventory, InventoryLv } from '@/lib/inventory/types';
import { applyRetention, type RetentionDecision, type RetentionOptions } from '@/lib/schedule/retention';
import { globMatch, PROTECTED_TAG, policyTag, type PolicySelector } from './schema';

export interface Target {
  vg: string;
  lv: string;
  /** The guest whose disk this is, when the selector chose guests. */
  guest?: string;
}

export type TargetsResult = { ok: true; targets: Target[] } | { ok: false; error: string };

/** The LVs a selector means in this inventory: a guest's LV-backed disks, one LV, or the disks of matching guests. */
export function resolveTargets(sel: PolicySelector, inv: Inventory): TargetsResult {
  if (sel.type === 'lv') {
    const lv = inv.lvs.find((l) => l.vg === sel.vg && l.name === sel.lv);
    return lv ? { ok: true, targets: [{ vg: sel.vg, lv: sel.lv }] } : { ok: false, error: `no logical volume ${sel.vg}/${sel.lv} on ${inv.host}` };
  }
  const guests = inv.domains.filter((d) => (sel.type === 'guest' ? d.name === sel.guest : globMatch(sel.pattern, d.name)));
  if (guests.length === 0) {
    return { ok: false, error: sel.type === 'guest' ? `no guest ${sel.guest} on ${inv.host}` : `no guest on ${inv.host} matches ${sel.pattern}` };
  }
  const seen = new Set<string>();
  const targets: Target[] = [];
  for (const d of guests) {
    for (const k of d.disks) {
      if (!k.vg || !k.lv || seen.has(`${k.vg}/${k.lv}`)) continue;
      seen.add(`${k.vg}/${k.lv}`);
      targets.push({ vg: k.vg, lv: k.lv, guest: d.name });
    }
  }
  if (targets.length === 0) return { ok: false, error: `${guests.map((g) => g.name).join(', ')}: no disk backed by a logical volume` };
  return { ok: true, targets };
}

/** Does the selector cover this guest (the Guests page)? */
export function coversGuest(sel: PolicySelector, host: string, guest: { name: string; disks: { vg: string | null; lv: string | null }[] }): boolean {
  if (sel.host !== host) return false;
  if (sel.type === 'guest') return sel.guest === guest.name;
  if (sel.type === 'glob') return globMatch(sel.pattern, guest.name);
  return guest.disks.some((k) => k.vg === sel.vg && k.lv === sel.lv);
}

export const isThinOrigin = (lv: InventoryLv) => lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot';
export const isClassicOrigin = (lv: InventoryLv) => lv.kind === 'plain' || lv.kind === 'origin';
export const isProtected = (lv: Pick<InventoryLv, 'tags'>) => lv.tags.includes(PROTECTED_TAG);

/** The policy's own snapshots of one origin: they carry its tag and are snapshots of that origin. Nothing else. */
export function policySeries(inv: Inventory, policyId: number, vg: string, origin: string): InventoryLv[] {
  const tag = policyTag(policyId);
  return inv.lvs.filter((l) => l.vg === vg && l.origin === origin && (l.kind === 'snapshot' || l.kind === 'thin-snapshot') && l.tags.includes(tag));
}

/** Retention over a series (its creation times), with each decision's reason; protected snapshots are kept. */
export function retentionFor(series: InventoryLv[], options: RetentionOptions, timeZone: string): (RetentionDecision & { lv: InventoryLv })[] {
  const byId = new Map(series.map((l) => [l.uuid, l]));
  return applyRetention(
    series.map((l) => ({ id: l.uuid, time: l.createdAt ?? 0, protected: isProtected(l) })),
    options,
    timeZone,
  ).map((d) => ({ ...d, lv: byId.get(d.id)! }));
}

const MiB = 1024 * 1024;
const pct = (n: number) => `${n.toFixed(1)} %`;

/**
 * The space guard (cv4pve-autosnap's --max-perc-storage): why this run must not make a snapshot, or null.
 * Thin: the pool's fuller of data and metadata at or above `maxFillPercent`. Classic: the VG's fill at or above
 * it (counting `freedBytes` that the run gives back first), or a COW area larger than the free space.
 */
export function spaceGuard(inv: Inventory, origin: InventoryLv, o: { maxFillPercent: number; cowBytes: number; freedBytes?: number }): string | null {
  if (isThinOrigin(origin)) {
    const pool = inv.lvs.find((l) => l.vg === origin.vg && l.name === origin.pool);
    if (!pool) return `the thin pool of ${origin.vg}/${origin.name} is not listed`;
    const data = pool.dataPercent ?? 0;
    const meta = pool.metadataPercent ?? 0;
    const fill = Math.max(data, meta);
    if (fill >= o.maxFillPercent) {
      return `space guard: thin pool ${pool.vg}/${pool.name} is ${pct(fill)} full (${data >= meta ? 'data' : 'metadata'}); this policy skips at ${pct(o.maxFillPercent)}`;
    }
    return null;
  }
  const vg = inv.vgs.find((v) => v.name === origin.vg);
  if (!vg || vg.sizeBytes <= 0) return `volume group ${origin.vg} is not listed`;
  const free = vg.freeBytes + (o.freedBytes ?? 0);
  const fill = ((vg.sizeBytes - free) / vg.sizeBytes) * 100;
  if (fill >= o.maxFillPercent) return `space guard: volume group ${vg.name} is ${pct(fill)} full; this policy skips at ${pct(o.maxFillPercent)}`;
  if (o.cowBytes > free) {
    return `space guard: the COW area (${Math.ceil(o.cowBytes / MiB)} MiB) would not fit in the ${Math.floor(free / MiB)} MiB free in ${vg.name}`;
  }
  return null;
}

/** The COW area of a classic policy snapshot: `cowPercent` of the origin, at least 4 MiB (as create-snapshot). */
export const cowBytesFor = (origin: InventoryLv, cowPercent: number) => Math.max(4 * MiB, Math.ceil((origin.sizeBytes * cowPercent) / 100));

const LV_NAME_MAX = 127;

/** `<origin>_p<id>_<YYYYMMDDhhmmss>` (UTC), the origin part shortened so the name stays within LVM's limit. */
export function policySnapshotName(origin: string, policyId: number, now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const suffix = `_p${policyId}_${stamp}`;
  return `${origin.slice(0, LV_NAME_MAX - suffix.length)}${suffix}`;
}

/** A classic policy snapshot whose lifetime is over (a protected one never expires). */
export function isExpired(lv: InventoryLv, lifetimeMinutes: number, now: number): boolean {
  if (isProtected(lv) || !lv.createdAt) return false;
  return Date.parse(lv.createdAt) + lifetimeMinutes * 60_000 <= now;
}
