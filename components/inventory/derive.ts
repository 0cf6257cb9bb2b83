/**
 * What the inventory pages compute from a host's inventory: snapshot rows, which guests use an LV, alerts, and the
 * links to the wizards. Pure and client-safe (types only from the server modules).
 */
import { formatHours, formatPercent } from '@/lib/format';
import type { HostInventoryData, HostInventoryResponse, HostRef, SnapshotTrend } from '@/lib/inventory/client';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { DEFAULT_THRESHOLDS, type AlertThresholds } from '@/lib/alerts/types';
import type { LvKind } from '@/lib/lvm/model';

/** The Snapshots page shows a time to full below this prominently (or below the time-to-full rule, if longer). */
export const TIME_TO_FULL_PROMINENT_HOURS = 24;
/** Thin pool fill at or above which the pool is a warning, and a critical alert. */
export const POOL_ALERT_PERCENT = 80;
export const POOL_CRITICAL_PERCENT = 90;

// --- links ------------------------------------------------------------------------------------------------------

function hostPath(host: string, page: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return `/hosts/${encodeURIComponent(host)}/${page}${s ? `?${s}` : ''}`;
}

/** The wizards (components/wizards) and the pages of this feature. */
export const hrefs = {
  createSnapshot: (host: string, vg?: string, origin?: string) => hostPath(host, 'create-snapshot', { vg, origin }),
  extend: (host: string, vg: string, snapshot: string) => hostPath(host, 'extend', { vg, snapshot }),
  remove: (host: string, vg: string, snapshot: string) => hostPath(host, 'remove', { vg, snapshot }),
  export: (host: string, vg: string, snapshot: string) => hostPath(host, 'export', { vg, snapshot }),
  merge: (host: string, vg: string, snapshot: string) => hostPath(host, 'merge', { vg, snapshot }),
  vg: (host: string, vg: string) => `/vgs/${encodeURIComponent(host)}/${encodeURIComponent(vg)}`,
};

// --- LVs --------------------------------------------------------------------------------------------------------

export const KIND_LABELS: Record<LvKind, string> = {
  plain: 'volume',
  origin: 'origin',
  snapshot: 'snapshot',
  'thin-pool': 'thin pool',
  'thin-volume': 'thin volume',
  'thin-snapshot': 'thin snapshot',
  hidden: 'internal',
  other: 'other',
};

export function isSnapshot(lv: InventoryLv): boolean {
  return lv.kind === 'snapshot' || lv.kind === 'thin-snapshot';
}

/** LVs a snapshot can be taken of (lvm2 refuses thin pools, internal LVs, snapshots of classic snapshots and merging origins). */
export function canSnapshot(lv: InventoryLv): boolean {
  // "Snapshots of an origin that has a merging snapshot are not supported."
  if (lv.merging) return false;
  return lv.kind === 'plain' || lv.kind === 'origin' || lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot';
}

/** "vg/lv" -> names of the domains with a disk on that LV. */
export function guestsByLv(domains: readonly InventoryDomain[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const d of domains) {
    for (const disk of d.disks) {
      if (!disk.vg || !disk.lv) continue;
      const key = `${disk.vg}/${disk.lv}`;
      const list = m.get(key) ?? [];
      if (!list.includes(d.name)) list.push(d.name);
      m.set(key, list);
    }
  }
  return m;
}

/** "vg/origin" -> its snapshots (classic and thin). */
export function snapshotsByOrigin(lvs: readonly InventoryLv[]): Map<string, InventoryLv[]> {
  const m = new Map<string, InventoryLv[]>();
  for (const lv of lvs) {
    if (!isSnapshot(lv) || lv.origin === null) continue;
    const key = `${lv.vg}/${lv.origin}`;
    const list = m.get(key) ?? [];
    list.push(lv);
    m.set(key, list);
  }
  return m;
}

export interface SnapshotRow {
  /** Unique across hosts: host/uuid. */
  key: string;
  host: HostRef;
  lv: InventoryLv;
  trend: SnapshotTrend | undefined;
  /** Domains that use the snapshot's origin. */
  guests: string[];
  /** For a thin snapshot: its pool's data_percent. */
  poolPercent: number | null;
  /** The host did not answer the last read: the row is from older data. */
  stale: boolean;
}

export function snapshotRows(host: HostRef, inv: HostInventoryResponse): SnapshotRow[] {
  const guests = guestsByLv(inv.domains);
  const pools = new Map(inv.lvs.filter((l) => l.kind === 'thin-pool').map((l) => [`${l.vg}/${l.name}`, l.dataPercent]));
  return inv.lvs.filter(isSnapshot).map((lv) => ({
    key: `${host.id}/${lv.uuid}`,
    host,
    lv,
    trend: inv.trends[lv.uuid],
    guests: lv.origin ? (guests.get(`${lv.vg}/${lv.origin}`) ?? []) : [],
    poolPercent: lv.pool ? (pools.get(`${lv.vg}/${lv.pool}`) ?? null) : null,
    stale: !inv.reachable,
  }));
}

/** The number a snapshot sorts by in "Fill": invalid ones above full ones, unknown fill at the bottom. */
export function fillSortValue(row: Pick<SnapshotRow, 'lv'>): number {
  if (row.lv.invalid) return 101;
  return row.lv.cowPercent ?? -1;
}

/** Hours to full worth showing: the trend's, when the snapshot is filling and not already lost. */
export function hoursToFull(row: Pick<SnapshotRow, 'lv' | 'trend'>): number | null {
  // A merging snapshot empties: its "fill rate" is the merge, and it is never going to be full.
  if (row.lv.invalid || row.lv.merging || row.lv.cowPercent === null) return null;
  const h = row.trend?.hoursToFull;
  return h === null || h === undefined || !Number.isFinite(h) ? null : h;
}

// --- alerts -----------------------------------------------------------------------------------------------------

/** Whether a snapshot full in `h` hours is "full soon" by the time-to-full rule. */
export function isSoon(h: number | null, t: AlertThresholds = DEFAULT_THRESHOLDS): boolean {
  return h !== null && t.timeToFullHours !== null && h < t.timeToFullHours;
}

export type AlertSeverity = 'critical' | 'warning' | 'info';

export interface InventoryAlert {
  /** Stable across polls (React key). */
  id: string;
  severity: AlertSeverity;
  /** One line, names the volume: "vg0/web_snap is 85.20% full". */
  message: string;
  /** What it means or what to do. */
  detail?: string;
  action?: { label: string; href: string };
  /** Within a severity, lower comes first (e.g. hours until the snapshot is full). */
  urgency?: number;
}

const SEVERITY_ORDER: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/**
 * Everything about a host that needs a person: the host not answering, snapshots that are lost, nearly full or
 * filling fast, merges that failed, wait for the origin, or run, thin pools running out of space.
 */
export function hostAlerts(
  host: HostRef,
  data: HostInventoryData | undefined,
  fetchError?: string,
  t: AlertThresholds = DEFAULT_THRESHOLDS,
): InventoryAlert[] {
  const alerts: InventoryAlert[] = [];
  const error = fetchError ?? data?.error;
  if (error) {
    alerts.push({
      id: `${host.id}:unreachable`,
      severity: 'critical',
      message: fetchError ? `Cowherd could not refresh host ${host.name}` : `Host ${host.name} is not answering`,
      detail: data?.inventory
        ? `${error} — the figures shown are from the last successful read.`
        : `${error} — nothing has been read from it yet.`,
    });
  }
  const inv = data?.inventory;
  if (!inv) return alerts;

  const byName = new Map(inv.lvs.map((lv) => [`${lv.vg}/${lv.name}`, lv]));
  const mergingOrigins = new Set<string>();

  for (const lv of inv.lvs) {
    const name = `${lv.vg}/${lv.name}`;
    const id = `${host.id}:${lv.uuid}`;
    if (lv.kind === 'thin-pool' && lv.dataPercent !== null && lv.dataPercent >= POOL_ALERT_PERCENT) {
      alerts.push({
        id: `${id}:pool`,
        severity: lv.dataPercent >= POOL_CRITICAL_PERCENT ? 'critical' : 'warning',
        message: `Thin pool ${name} is ${formatPercent(lv.dataPercent)} full`,
        detail: 'Thin volumes and thin snapshots in this pool stop accepting writes when it is full.',
        action: { label: 'Open volume group', href: hrefs.vg(host.id, lv.vg) },
      });
    }
    if (!isSnapshot(lv)) continue;
    const origin = lv.origin ? `${lv.vg}/${lv.origin}` : 'its origin';

    if (lv.invalid) {
      alerts.push({
        id: `${id}:invalid`,
        severity: 'critical',
        message: `${name} is INVALID`,
        detail: 'Its COW area overflowed: the snapshot\u2019s contents are lost for good. Remove it to free the space.',
        action: { label: 'Remove', href: hrefs.remove(host.id, lv.vg, lv.name) },
      });
      continue;
    }
    if (lv.mergeFailed) {
      alerts.push({
        id: `${id}:merge-failed`,
        severity: 'critical',
        message: `Merge of ${name} into ${origin} failed`,
        detail: 'lvm2 reports the merge as failed. Review it before anything else writes to the origin.',
        action: { label: 'Review merge', href: hrefs.merge(host.id, lv.vg, lv.name) },
      });
    } else if (lv.merging) {
      if (lv.origin) mergingOrigins.add(`${lv.vg}/${lv.origin}`);
      const originLv = lv.origin ? byName.get(`${lv.vg}/${lv.origin}`) : undefined;
      const pending = originLv?.open === true;
      alerts.push({
        id: `${id}:merging`,
        severity: 'warning',
        message: pending ? `Merge of ${name} into ${origin} is pending` : `Merge of ${name} into ${origin} is running`,
        detail: pending
          ? `The origin is open (a guest uses it): the rollback starts the next time ${origin} is activated.`
          : lv.cowPercent !== null
            ? `${formatPercent(lv.cowPercent)} of the snapshot is still to be merged back.`
            : 'The snapshot disappears when the merge is done.',
        action: { label: pending ? 'Finish rollback' : 'View merge', href: hrefs.merge(host.id, lv.vg, lv.name) },
      });
      continue;
    }

    const pct = lv.cowPercent;
    const h = hoursToFull({ lv, trend: inv.trends[lv.uuid] });
    const soon = isSoon(h, t);
    // The lower of the two fill thresholds that are on raises it; the critical one makes it critical.
    const fillAt = Math.min(t.fillWarning ?? Infinity, t.fillCritical ?? Infinity);
    const full = pct !== null && pct >= fillAt;
    if (full || soon) {
      const parts: string[] = [];
      if (full) parts.push(`${name} is ${formatPercent(pct)} full`);
      if (soon) parts.push(parts.length ? `full in ${formatHours(h)}` : `${name} will be full in ${formatHours(h)}`);
      alerts.push({
        id: `${id}:fill`,
        severity: (t.fillCritical !== null && pct !== null && pct >= t.fillCritical) || (h !== null && h < 1) ? 'critical' : 'warning',
        message: parts.join(', '),
        detail: 'A classic snapshot whose COW area fills up becomes invalid and is lost. Extend it or remove it.',
        action: { label: 'Extend', href: hrefs.extend(host.id, lv.vg, lv.name) },
        // The soonest full first; without a trend, the fullest (as if it filled 1 %/h).
        urgency: h ?? 100 - (pct ?? 0),
      });
    }
  }

  // An origin marked merging ("O") whose merging snapshot is not in the report.
  for (const lv of inv.lvs) {
    const key = `${lv.vg}/${lv.name}`;
    if (lv.kind === 'origin' && lv.merging && !mergingOrigins.has(key)) {
      alerts.push({
        id: `${host.id}:${lv.uuid}:origin-merging`,
        severity: 'warning',
        message: `A snapshot is being merged into ${key}`,
        detail: 'Snapshots of this origin cannot be created until the merge is done.',
        action: { label: 'Open volume group', href: hrefs.vg(host.id, lv.vg) },
      });
    }
  }

  if (inv.libvirt === 'error') {
    alerts.push({
      id: `${host.id}:libvirt`,
      severity: 'warning',
      message: `libvirt on ${host.name} did not answer`,
      detail: inv.libvirtError ?? 'Guests and their disks are not shown.',
    });
  }

  return alerts.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.urgency ?? -1) - (b.urgency ?? -1) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
