import 'server-only';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { inventoryView, onInventory } from '@/lib/inventory/service';
import { setHotPredicate } from '@/lib/inventory/monitor';
import type { Inventory } from '@/lib/inventory/types';
import { policyFor } from './autoextend';
import { runOperation } from '@/lib/ops/jobs';
import { db } from '@/lib/store/db';
import { createAlertProcessor, type AlertProcessor, type HostHealth } from './processor';
import { getPolicies, getRules, pruneAlerts, resolveOrphans } from './store';
import { AUTOEXTEND_USER } from './types';
import { ruleThreshold } from './rules';

// One engine per server process, kept on globalThis like the sampler (Next.js may load this module twice).
const g = globalThis as { __cowherdAlerts?: { processor: AlertProcessor; timer: NodeJS.Timeout } };

const KEEP_MS = 30 * 24 * 3_600_000;

/**
 * Start alerting: evaluate the rules on every inventory the sampler (or a page) reads, check each host's
 * reachability at the polling interval (sharing reads with everyone else through inventoryView), and auto-extend
 * snapshots by policy as ordinary jobs. Call after startSampler(), so COW samples are recorded before the rules
 * read the trends.
 */
export function startAlertEngine(): void {
  if (g.__cowherdAlerts) return;
  const pollMs = env().COWHERD_POLL_MS;
  const processor = createAlertProcessor({
    db: db(),
    publicUrl: env().COWHERD_PUBLIC_URL,
    extend: async (host, params) => {
      const o = await runOperation(AUTOEXTEND_USER, host, 'extend-snapshot', params, false);
      if (!o.ok) return { ok: false, status: o.status, error: o.error };
      return o.dryRun ? { ok: false, status: 500, error: 'unexpected dry run' } : { ok: true, jobId: o.job.id };
    },
  });
  onInventory((inv) => {
    processor.onInventory(inv);
  });
  setHotPredicate(hotPredicate);
  const checking = new Set<string>();
  let ticks = 0;
  const tick = () => {
    for (const h of config().hosts) {
      if (checking.has(h.id)) continue; // a slow host: one check at a time
      checking.add(h.id);
      // The monitor keeps the host's state fresh; this only reads the host itself when the monitor stalled.
      inventoryView(h.id)
        .then((v) => processor.onHostCheck(h.id, { reachable: v.reachable, error: v.error, errorAt: v.errorAt }))
        .catch((e: unknown) => console.error(`alert check of ${h.id} failed`, e))
        .finally(() => checking.delete(h.id));
    }
    if (ticks++ % 1000 === 0) pruneAlerts(db(), KEEP_MS);
  };
  const timer = setInterval(tick, pollMs);
  timer.unref();
  g.__cowherdAlerts = { processor, timer };
  try {
    resolveOrphans(db(), config().hosts.map((h) => h.id));
    processor.resendPending();
  } catch (e) {
    console.error('alerts: start-up housekeeping failed', e);
  }
}

/** The running engine's processor (undefined before startAlertEngine, e.g. during `next build`). */
export function alertProcessor(): AlertProcessor | undefined {
  return g.__cowherdAlerts?.processor;
}

export function hostHealth(hostId: string): HostHealth | undefined {
  return g.__cowherdAlerts?.processor.hostHealth(hostId);
}

/**
 * A host is "hot" (polled at COWHERD_POLL_FAST_MS) while one of its valid classic snapshots is at or above the
 * fill-warning threshold or its auto-extend threshold: from there, seconds decide whether it is saved in time.
 */
function hotPredicate(inv: Inventory): boolean {
  const warning = ruleThreshold(getRules(db()), 'fill-warning');
  const policies = getPolicies(db());
  return inv.lvs.some((lv) => {
    if (lv.kind !== 'snapshot' || lv.invalid || lv.cowPercent === null) return false;
    if (warning !== null && lv.cowPercent >= warning) return true;
    const p = policyFor(policies, inv.host, lv.vg, lv.name);
    return p.enabled && lv.cowPercent >= p.thresholdPercent;
  });
}
