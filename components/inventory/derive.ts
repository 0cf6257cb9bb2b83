/**
 * What the inventory pages compute from a host's inventory: snapshot rows, which guests use an LV, alerts, and the
 * links to the wizards. Pure and client-safe (types only from the server modules). The alerts come from the one
 * evaluator the server uses (lib/alerts/rules.ts), the LVM predicates from the model (lib/lvm/model.ts), the links
 * from lib/hrefs.ts.
 */
import { formatHours, formatPercent } from '@/lib/format';
import { hrefs } from '@/lib/hrefs';
import type { HostInventoryData, HostInventoryResponse, HostRef, SnapshotTrend } from '@/lib/inventory/client';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { evaluateInventory, timeToFull, type Condition } from '@/lib/alerts/rules';
import type { AlertRule, Severity } from '@/lib/alerts/types';
import { isSnapshot, lvKey, type LvKind } from '@/lib/lvm/model';

/** The Snapshots page shows a time to full below this prominently (or below the time-to-full rule, if longer). */
export const TIME_TO_FULL_PROMINENT_HOURS = 24;

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

/** "vg/lv" -> names of the domains with a disk on that LV. */
export function guestsByLv(domains: readonly InventoryDomain[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const d of domains) {
    for (const disk of d.disks) {
      if (!disk.vg || !disk.lv) continue;
      const key = lvKey(disk.vg, disk.lv);
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
    const key = lvKey(lv.vg, lv.origin);
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
  const pools = new Map(inv.lvs.filter((l) => l.kind === 'thin-pool').map((l) => [lvKey(l.vg, l.name), l.dataPercent]));
  return inv.lvs.filter(isSnapshot).map((lv) => ({
    key: `${host.id}/${lv.uuid}`,
    host,
    lv,
    trend: inv.trends[lv.uuid],
    guests: lv.origin ? (guests.get(lvKey(lv.vg, lv.origin)) ?? []) : [],
    poolPercent: lv.pool ? (pools.get(lvKey(lv.vg, lv.pool)) ?? null) : null,
    stale: !inv.reachable,
  }));
}

/** The number a snapshot sorts by in "Fill": invalid ones above full ones, unknown fill at the bottom. */
export function fillSortValue(row: Pick<SnapshotRow, 'lv'>): number {
  if (row.lv.invalid) return 101;
  return row.lv.cowPercent ?? -1;
}

/** Hours to full worth showing: the evaluator's figure (reliable trend, filling, not lost, not merging). */
export function hoursToFull(row: Pick<SnapshotRow, 'lv' | 'trend'>): number | null {
  return timeToFull(row.lv, row.trend);
}

// --- alerts -----------------------------------------------------------------------------------------------------

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

/** The evaluator's conditions of one LV, by rule. */
type ByRule = Partial<Record<Condition['rule'], Condition>>;

const worst = (conds: ByRule): Severity =>
  Object.values(conds).some((c) => c.severity === 'critical') ? 'critical' : 'warning';

/**
 * Everything about a host that needs a person: what the alert rules raise (lib/alerts/rules.ts, the same
 * evaluator, rules and trends as the webhook and /metrics: snapshots lost, nearly full or full soon, failed merges,
 * thin pools running out of space), and what the page knows besides: the host not answering, merges that wait for
 * the origin or run, libvirt not answering.
 */
export function hostAlerts(
  host: HostRef,
  data: HostInventoryData | undefined,
  fetchError?: string,
  rules: readonly AlertRule[] = [],
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

  const byUuid = new Map<string, ByRule>();
  for (const c of evaluateInventory(inv, rules, { trends: inv.trends })) {
    if (!c.lvUuid) continue;
    const m = byUuid.get(c.lvUuid) ?? {};
    m[c.rule] = c;
    byUuid.set(c.lvUuid, m);
  }
  const byName = new Map(inv.lvs.map((lv) => [lvKey(lv.vg, lv.name), lv]));
  const mergingOrigins = new Set<string>();

  for (const lv of inv.lvs) {
    const name = lvKey(lv.vg, lv.name);
    const id = `${host.id}:${lv.uuid}`;
    const conds = byUuid.get(lv.uuid) ?? {};
    const pool = conds['pool-critical'] ?? conds['pool-warning'];
    if (pool) {
      const meta = lv.metadataPercent !== null && lv.metadataPercent > (lv.dataPercent ?? -1);
      alerts.push({
        id: `${id}:pool`,
        severity: worst(conds),
        message: meta
          ? `Thin pool ${name} metadata is ${formatPercent(lv.metadataPercent)} full`
          : `Thin pool ${name} is ${formatPercent(lv.dataPercent)} full`,
        detail: 'Thin volumes and thin snapshots in this pool stop accepting writes when it is full.',
        action: { label: 'Open volume group', href: hrefs.vg(host.id, lv.vg) },
      });
    }
    if (!isSnapshot(lv)) continue;
    const origin = lv.origin ? lvKey(lv.vg, lv.origin) : 'its origin';

    if (conds['snapshot-invalid']) {
      alerts.push({
        id: `${id}:invalid`,
        severity: conds['snapshot-invalid'].severity,
        message: `${name} is INVALID`,
        detail: 'Its COW area overflowed: the snapshot\u2019s contents are lost for good. Remove it to free the space.',
        action: { label: 'Remove', href: hrefs.remove(host.id, lv.vg, lv.name) },
      });
      continue;
    }
    if (lv.invalid) continue;
    if (lv.mergeFailed) {
      if (conds['merge-failed']) {
        alerts.push({
          id: `${id}:merge-failed`,
          severity: conds['merge-failed'].severity,
          message: `Merge of ${name} into ${origin} failed`,
          detail: 'lvm2 reports the merge as failed. Review it before anything else writes to the origin.',
          action: { label: 'Review merge', href: hrefs.merge(host.id, lv.vg, lv.name) },
        });
      }
      continue;
    }
    if (lv.merging) {
      if (lv.origin) mergingOrigins.add(lvKey(lv.vg, lv.origin));
      const originLv = lv.origin ? byName.get(lvKey(lv.vg, lv.origin)) : undefined;
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

    const full = conds['fill-critical'] ?? conds['fill-warning'];
    const soon = conds['time-to-full'];
    if (full || soon) {
      const h = soon?.figures.hoursToFull ?? timeToFull(lv, inv.trends[lv.uuid]);
      const parts: string[] = [];
      if (full) parts.push(`${name} is ${formatPercent(lv.cowPercent)} full`);
      if (soon) parts.push(parts.length ? `full in ${formatHours(h)}` : `${name} will be full in ${formatHours(h)}`);
      alerts.push({
        id: `${id}:fill`,
        severity: worst({ ...(full ? { [full.rule]: full } : {}), ...(soon ? { 'time-to-full': soon } : {}) }),
        message: parts.join(', '),
        detail: 'A classic snapshot whose COW area fills up becomes invalid and is lost. Extend it or remove it.',
        action: { label: 'Extend', href: hrefs.extend(host.id, lv.vg, lv.name) },
        // The soonest full first; without a trend, the fullest (as if it filled 1 %/h).
        urgency: h ?? 100 - (lv.cowPercent ?? 0),
      });
    }
  }

  // An origin marked merging ("O") whose merging snapshot is not in the report.
  for (const lv of inv.lvs) {
    const key = lvKey(lv.vg, lv.name);
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
