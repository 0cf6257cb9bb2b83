/**
 * The Prometheus exposition of Cowherd's state, built with prom-client on a registry of its own (never the global
 * default one, which other code in the process could fill). Pure apart from prom-client: a fresh registry per
 * scrape from a snapshot of the state, so LVs and guests that disappeared leave no stale series behind.
 */
import { Gauge, Registry } from 'prom-client';
import type { Inventory } from '@/lib/inventory/types';

/** Every state virsh reports; cowherd_guest_state has one series per state, 1 for the current one. */
export const GUEST_STATES = ['running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended', 'unknown'] as const;

export interface MetricsInput {
  hosts: {
    id: string;
    /** null: not known yet (never read nor checked since start). */
    reachable: boolean | null;
    /** The newest inventory read from the host (possibly older than a failed read). */
    inventory: Inventory | null;
  }[];
  jobs: { operation: string; status: string; count: number }[];
  alerts: { rule: string; severity: string; count: number }[];
  /** Backups (issue 11): the newest backup of each volume in the catalogue. */
  backups?: { host: string; vg: string; lv: string; createdAt: string; sizeOnDiskBytes: number }[];
  /** Issue 12: snapshot policies, with their last run and last success. */
  policies?: PolicyMetrics[];
}

export interface PolicyMetrics {
  id: number;
  name: string;
  host: string;
  /** Unix ms of the newest successful run's end; null when none. */
  lastSuccessAt: number | null;
  /** Duration of the newest finished (ok or failed) run, ms. */
  lastDurationMs: number | null;
  /** Result of the newest run that was not skipped... or skipped, when that is all there is. */
  lastResult: 'ok' | 'failed' | 'skipped' | 'running' | null;
}

/** cowherd_policy_last_result: one series per result, 1 for the newest run's. */
export const POLICY_RESULTS = ['ok', 'failed', 'skipped', 'running'] as const;

export const METRIC_NAMES = [
  'cowherd_snapshot_cow_fill_percent',
  'cowherd_snapshot_cow_size_bytes',
  'cowherd_vg_size_bytes',
  'cowherd_vg_free_bytes',
  'cowherd_guest_state',
  'cowherd_host_reachable',
  'cowherd_inventory_duration_seconds',
  'cowherd_inventory_timestamp_seconds',
  'cowherd_jobs',
  'cowherd_alerts_firing',
  'cowherd_snapshot_state',
  'cowherd_thin_pool_data_percent',
  'cowherd_thin_pool_metadata_percent',
  'cowherd_thin_volume_data_percent',
  'cowherd_host_read_age_seconds',
  'cowherd_backup_newest_age_seconds',
  'cowherd_backup_newest_size_bytes',
  'cowherd_policy_last_success_timestamp_seconds',
  'cowherd_policy_last_duration_seconds',
  'cowherd_policy_last_result',
] as const;

/** cowherd_snapshot_state: one series per state, 1 for the current one. */
export const SNAPSHOT_STATES = ['valid', 'invalid', 'merging', 'merge-failed'] as const;

export function snapshotState(lv: { invalid: boolean; merging: boolean; mergeFailed: boolean }): (typeof SNAPSHOT_STATES)[number] {
  if (lv.mergeFailed) return 'merge-failed';
  if (lv.invalid) return 'invalid';
  if (lv.merging) return 'merging';
  return 'valid';
}

export function buildRegistry(input: MetricsInput, now = Date.now()): Registry {
  const registry = new Registry();
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const fill = gauge('cowherd_snapshot_cow_fill_percent', 'COW fill of an active classic snapshot (lvs data_percent), 0-100.', ['host', 'vg', 'snapshot', 'origin']);
  const cowSize = gauge('cowherd_snapshot_cow_size_bytes', 'Size of the COW area of a classic snapshot (lv_size).', ['host', 'vg', 'snapshot', 'origin']);
  const vgSize = gauge('cowherd_vg_size_bytes', 'Size of a volume group.', ['host', 'vg']);
  const vgFree = gauge('cowherd_vg_free_bytes', 'Free space of a volume group.', ['host', 'vg']);
  const guest = gauge('cowherd_guest_state', 'State of a libvirt domain: 1 for its current state, 0 for the others.', ['host', 'domain', 'state']);
  const reachable = gauge('cowherd_host_reachable', '1 when the last read of the host succeeded, 0 when it failed.', ['host']);
  const duration = gauge('cowherd_inventory_duration_seconds', 'Duration of the last successful inventory read of the host.', ['host']);
  const collected = gauge('cowherd_inventory_timestamp_seconds', 'When the last successful inventory of the host was read (Unix time).', ['host']);
  // A gauge, not a counter: a job moves from running to its end state, so a status's count can go down.
  const jobs = gauge('cowherd_jobs', 'Jobs in the jobs table by operation and status (a job moves from running to its end state).', ['operation', 'status']);
  const alerts = gauge('cowherd_alerts_firing', 'Alerts firing now by rule and severity.', ['rule', 'severity']);
  const snapState = gauge('cowherd_snapshot_state', 'State of a snapshot (classic or thin): 1 for its current state (valid, invalid, merging, merge-failed), 0 for the others.', ['host', 'vg', 'snapshot', 'origin', 'state']);
  const poolData = gauge('cowherd_thin_pool_data_percent', 'Data use of an active thin pool (lvs data_percent), 0-100: a full pool stops every thin volume in it.', ['host', 'vg', 'pool']);
  const poolMeta = gauge('cowherd_thin_pool_metadata_percent', 'Metadata use of an active thin pool (lvs metadata_percent), 0-100.', ['host', 'vg', 'pool']);
  const thinData = gauge('cowherd_thin_volume_data_percent', 'Share of an active thin volume or thin snapshot that is mapped in its pool (lvs data_percent), 0-100.', ['host', 'vg', 'lv', 'pool']);
  const age = gauge('cowherd_host_read_age_seconds', 'Seconds since the last successful read of the host (device-mapper poll or full inventory).', ['host']);

  for (const h of input.hosts) {
    if (h.reachable !== null) reachable.set({ host: h.id }, h.reachable ? 1 : 0);
    const inv = h.inventory;
    if (!inv) continue;
    duration.set({ host: h.id }, inv.durationMs / 1000);
    collected.set({ host: h.id }, Date.parse(inv.collectedAt) / 1000);
    age.set({ host: h.id }, Math.max(0, (now - Date.parse(inv.collectedAt)) / 1000));
    for (const vg of inv.vgs) {
      vgSize.set({ host: h.id, vg: vg.name }, vg.sizeBytes);
      vgFree.set({ host: h.id, vg: vg.name }, vg.freeBytes);
    }
    for (const lv of inv.lvs) {
      if (lv.kind === 'thin-pool') {
        if (lv.dataPercent !== null) poolData.set({ host: h.id, vg: lv.vg, pool: lv.name }, lv.dataPercent);
        if (lv.metadataPercent !== null) poolMeta.set({ host: h.id, vg: lv.vg, pool: lv.name }, lv.metadataPercent);
        continue;
      }
      if ((lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot') && lv.dataPercent !== null) {
        thinData.set({ host: h.id, vg: lv.vg, lv: lv.name, pool: lv.pool ?? '' }, lv.dataPercent);
      }
      if (lv.kind !== 'snapshot' && lv.kind !== 'thin-snapshot') continue;
      const labels = { host: h.id, vg: lv.vg, snapshot: lv.name, origin: lv.origin ?? '' };
      const current = snapshotState(lv);
      for (const st of SNAPSHOT_STATES) snapState.set({ ...labels, state: st }, st === current ? 1 : 0);
      if (lv.kind !== 'snapshot') continue;
      cowSize.set(labels, lv.sizeBytes);
      if (lv.cowPercent !== null) fill.set(labels, lv.cowPercent);
    }
    for (const d of inv.domains) {
      for (const s of GUEST_STATES) guest.set({ host: h.id, domain: d.name, state: s }, d.state === s ? 1 : 0);
    }
  }
  // Backups (issue 11): an alert on "no backup of a volume for a day" needs the age of its newest one.
  const backupAge = gauge('cowherd_backup_newest_age_seconds', 'Age of the newest catalogued backup of a volume.', ['host', 'vg', 'lv']);
  const backupSize = gauge('cowherd_backup_newest_size_bytes', 'Size on disk of the newest catalogued backup of a volume.', ['host', 'vg', 'lv']);
  for (const b of input.backups ?? []) {
    const labels = { host: b.host, vg: b.vg, lv: b.lv };
    backupAge.set(labels, Math.max(0, (now - Date.parse(b.createdAt)) / 1000));
    backupSize.set(labels, b.sizeOnDiskBytes);
  }
  const polSuccess = gauge('cowherd_policy_last_success_timestamp_seconds', 'When the newest successful run of a snapshot policy ended (Unix time).', ['policy', 'name', 'host']);
  const polDuration = gauge('cowherd_policy_last_duration_seconds', 'Duration of the newest finished (ok or failed) run of a snapshot policy.', ['policy', 'name', 'host']);
  const polResult = gauge('cowherd_policy_last_result', 'Result of the newest run of a snapshot policy: 1 for it (ok, failed, skipped, running), 0 for the others.', ['policy', 'name', 'host', 'result']);
  for (const p of input.policies ?? []) {
    const labels = { policy: String(p.id), name: p.name, host: p.host };
    if (p.lastSuccessAt !== null) polSuccess.set(labels, p.lastSuccessAt / 1000);
    if (p.lastDurationMs !== null) polDuration.set(labels, p.lastDurationMs / 1000);
    if (p.lastResult !== null) for (const r of POLICY_RESULTS) polResult.set({ ...labels, result: r }, r === p.lastResult ? 1 : 0);
  }
  for (const j of input.jobs) jobs.set({ operation: j.operation, status: j.status }, j.count);
  for (const a of input.alerts) alerts.inc({ rule: a.rule, severity: a.severity }, a.count);
  return registry;
}

export async function renderMetrics(input: MetricsInput): Promise<{ contentType: string; body: string }> {
  const registry = buildRegistry(input);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
