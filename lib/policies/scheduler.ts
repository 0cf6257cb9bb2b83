import 'server-only';
import { env } from '@/lib/env';
import { lastInventory } from '@/lib/inventory/service';
import { db } from '@/lib/store/db';
import { ACTIONS } from './actions';
import { syncPolicyAlerts } from './alerts';
import { onPolicyRun, startRun, type StartRun } from './runner';
import { dueNow } from './due';
import type { RunTrigger } from './schema';
import { failInterruptedRuns, listPolicies, setLastDue, type StoredPolicy } from './store';

/**
 * The policy scheduler, in the server process like the monitor (lib/inventory/monitor.ts). Croner computes due
 * times in each policy's time zone (daylight-saving changes included); this loop only compares them with the clock.
 *
 * - Each policy remembers the due time it last handled (policies.last_due_at). A tick starts a run when croner's
 *   next time after it has come; then it records "handled up to now". After downtime many due times have passed,
 *   but only one run starts (a catch-up): at most one catch-up run per policy.
 * - A run never overlaps itself: beginRun records a due run as skipped while the last one still runs.
 * - At start-up every run left 'running' by a killed process is failed as interrupted (its jobs are recovered by
 *   lib/ops/jobs.ts), so nothing stays locked and the next due run happens.
 */
const TICK_MS = 500;
/** How often classic policies are checked for snapshots at the end of their lifetime. */
const EXPIRY_CHECK_MS = 5_000;
/** How often the policy alert rules are evaluated besides after each run. */
const ALERTS_MS = 15_000;

const g = globalThis as { __cowherdPolicyScheduler?: { stop: () => void } };

/** In this process: policies with a run under way (expiry checks wait for them instead of recording skips). */
const active = new Set<number>();

function start(policyId: number, trigger: RunTrigger): void {
  const r = startRun(policyId, trigger);
  if (!r.ok) return; // a skip is recorded by startRun
  active.add(policyId);
  void r.done.catch((e: unknown) => console.error(`policy ${policyId} run failed`, e)).finally(() => active.delete(policyId));
}

/** Run now (the API's run-now): the started run, or why not (a run under way: recorded as skipped). */
export function runNow(policyId: number): StartRun {
  const r = startRun(policyId, 'manual');
  if (r.ok) {
    active.add(policyId);
    void r.done.catch((e: unknown) => console.error(`policy ${policyId} run failed`, e)).finally(() => active.delete(policyId));
  }
  return r;
}

export function startPolicyScheduler(): void {
  if (g.__cowherdPolicyScheduler) return;
  const interrupted = failInterruptedRuns(db());
  if (interrupted) console.error(`cowherd: ${interrupted} policy run(s) were interrupted by a restart; marked failed`);
  let lastExpiry = 0;
  let lastAlerts = 0;
  const alerts = () => {
    try {
      syncPolicyAlerts();
    } catch (e) {
      console.error('policy alerts failed', e);
    }
  };
  // "Policy failed" starts and ends with the run that decides it, not a tick later.
  onPolicyRun(alerts);
  const tick = () => {
    const now = Date.now();
    if (now - lastAlerts >= ALERTS_MS) {
      lastAlerts = now;
      alerts(); // "policy behind" turns true with time alone
    }
    let all: StoredPolicy[];
    try {
      all = listPolicies(db());
    } catch (e) {
      console.error('policy scheduler: cannot read policies', e);
      return;
    }
    for (const p of all.filter((x) => x.enabled)) {
      const d = dueNow(p, now);
      if (!d) continue;
      // Handled up to now: however many due times passed while the server was down, this is the one run.
      setLastDue(db(), p.id, now);
      if (!env().COWHERD_POLICY_SECONDS && p.schedule.cron.trim().split(/\s+/).length > 5) continue; // test-only schedules
      start(p.id, d.trigger);
    }
    if (now - lastExpiry >= EXPIRY_CHECK_MS) {
      lastExpiry = now;
      // Disabled policies too: switching a policy off must not leave its classic snapshot in place for good.
      for (const p of all) {
        const action = ACTIONS[p.action.type];
        const inv = lastInventory(p.selector.host);
        // The cached read only decides whether to look; the run re-reads the host before removing anything.
        if (!inv || active.has(p.id) || !action.expiryDue?.(p, inv, now)) continue;
        start(p.id, 'expiry');
      }
    }
  };
  const timer = setInterval(tick, TICK_MS);
  timer.unref();
  g.__cowherdPolicyScheduler = { stop: () => clearInterval(timer) };
}
