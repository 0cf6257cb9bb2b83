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
}

export const METRIC_NAMES = [
  'cowherd_snapshot_cow_fill_percent',
  'cowherd_snapshot_cow_size_bytes',
  'cowherd_vg_size_bytes',
  'cowherd_vg_free_bytes',
  'cowherd_guest_state',
  'cowherd_host_reachable',
  'cowherd_inventory_duration_seconds',
  'cowherd_inventory_timestamp_seconds',
  'cowherd_jobs_total',
  'cowherd_alerts_firing',
] as const;

export function buildRegistry(input: MetricsInput): Registry {
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
  const jobs = gauge('cowherd_jobs_total', 'Jobs in the jobs table by operation and status (a job moves from running to its end state).', ['operation', 'status']);
  const alerts = gauge('cowherd_alerts_firing', 'Alerts firing now by rule and severity.', ['rule', 'severity']);

  for (const h of input.hosts) {
    if (h.reachable !== null) reachable.set({ host: h.id }, h.reachable ? 1 : 0);
    const inv = h.inventory;
    if (!inv) continue;
    duration.set({ host: h.id }, inv.durationMs / 1000);
    collected.set({ host: h.id }, Date.parse(inv.collectedAt) / 1000);
    for (const vg of inv.vgs) {
      vgSize.set({ host: h.id, vg: vg.name }, vg.sizeBytes);
      vgFree.set({ host: h.id, vg: vg.name }, vg.freeBytes);
    }
    for (const lv of inv.lvs) {
      if (lv.kind !== 'snapshot') continue;
      const labels = { host: h.id, vg: lv.vg, snapshot: lv.name, origin: lv.origin ?? '' };
      cowSize.set(labels, lv.sizeBytes);
      if (lv.cowPercent !== null) fill.set(labels, lv.cowPercent);
    }
    for (const d of inv.domains) {
      for (const s of GUEST_STATES) guest.set({ host: h.id, domain: d.name, state: s }, d.state === s ? 1 : 0);
    }
  }
  for (const j of input.jobs) jobs.set({ operation: j.operation, status: j.status }, j.count);
  for (const a of input.alerts) alerts.inc({ rule: a.rule, severity: a.severity }, a.count);
  return registry;
}

export async function renderMetrics(input: MetricsInput): Promise<{ contentType: string; body: string }> {
  const registry = buildRegistry(input);
  return { contentType: registry.contentType, body: await registry.metrics() };
}
