import 'server-only';
import { hostHealth } from '@/lib/alerts/engine';
import { firingByRule, getRules } from '@/lib/alerts/store';
import { config } from '@/lib/config/hosts';
import { lastInventory } from '@/lib/inventory/service';
import { db } from '@/lib/store/db';
import type { Db } from '@/lib/store/sqlite';
import { newestBackups } from '@/lib/backup/catalogue';
import { listPolicies, policyStatuses } from '@/lib/policies/store';
import { renderMetrics, type MetricsInput, type PolicyMetrics } from './registry';

/** Jobs per operation and status. */
export function jobCounts(database: Db): MetricsInput['jobs'] {
  return database.prepare('SELECT operation, status, count(*) AS count FROM jobs GROUP BY operation, status').all() as MetricsInput['jobs'];
}

/**
 * Firing alerts per rule and severity, with a 0 for every enabled rule at its severity (so a dashboard sees 0, not
 * "no data", when all is well).
 */
export function alertCounts(database: Db): MetricsInput['alerts'] {
  const firing = firingByRule(database);
  const zeros = getRules(database)
    .filter((r) => r.enabled && !firing.some((f) => f.rule === r.id && f.severity === r.severity))
    .map((r) => ({ rule: r.id, severity: r.severity, count: 0 }));
  return [...firing, ...zeros];
}

/**
 * What GET /metrics serves. Nothing here reads a host: the values are the last inventory the sampler read (so a
 * scrape is cheap and a dead host cannot make it time out) and the reachability the alert engine last saw.
 */
export async function collectMetrics(): Promise<{ contentType: string; body: string }> {
  const database = db();
  const hosts = config().hosts.map((h) => {
    const inventory = lastInventory(h.id) ?? null;
    const health = hostHealth(h.id);
    const reachable = health && health.reachable !== null ? health.reachable : inventory ? true : null;
    return { id: h.id, reachable, inventory };
  });
  return renderMetrics({ hosts, jobs: jobCounts(database), alerts: alertCounts(database), backups: newestBackups(database), policies: policyMetrics(database) });
}

/** Issue 12: per policy, the newest success, the newest finished run's duration, and the newest run's result. */
export function policyMetrics(database: Db): PolicyMetrics[] {
  const statuses = policyStatuses(database);
  return listPolicies(database).map((p) => {
    const s = statuses.get(p.id);
    return {
      id: p.id,
      name: p.name,
      host: p.selector.host,
      lastSuccessAt: s?.lastSuccess?.finishedAt ? Date.parse(s.lastSuccess.finishedAt) : null,
      lastDurationMs: s?.lastFinished?.durationMs ?? null,
      lastResult: s?.lastOutcome ?? null,
    };
  });
}
