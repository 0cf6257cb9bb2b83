import 'server-only';
import { findHost } from '@/lib/config/hosts';
import { lastInventory, refreshInventory } from '@/lib/inventory/service';
import { startPlannedJob } from '@/lib/ops/jobs';
import { db } from '@/lib/store/db';
import { getJob } from '@/lib/store/jobs';
import { ACTIONS, type ActionContext, type TargetOutcome } from './actions';
import type { PolicyRun, RunTrigger } from './schema';
import { addRunJob, beginRun, discardRun, finishRun, getPolicy, type StoredPolicy } from './store';
import { resolveTargets } from './targets';

/** Who the jobs of a policy run belong to, in the jobs list and the audit log. */
export const policyUser = (p: { id: number; name: string }) => `policy:${p.name}#${p.id}`;

type Listener = (run: PolicyRun) => void;
const g = globalThis as { __cowherdPolicyListeners?: Set<Listener> };
const listeners = (g.__cowherdPolicyListeners ??= new Set());

/** Called after every finished run (the alert evaluator listens). */
export function onPolicyRun(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function combine(outcomes: TargetOutcome[]): { result: 'ok' | 'failed' | 'skipped'; reason: string } {
  const reason = outcomes.map((o) => o.reason).join('; ');
  if (outcomes.some((o) => o.result === 'failed')) return { result: 'failed', reason };
  if (outcomes.length > 0 && outcomes.every((o) => o.result === 'skipped')) return { result: 'skipped', reason };
  return { result: 'ok', reason };
}

function context(policy: StoredPolicy, runId: number): ActionContext {
  const host = findHost(policy.selector.host);
  return {
    policy,
    now: Date.now,
    read: () => refreshInventory(policy.selector.host, 0),
    readAfter: async (sinceMs) => {
      const last = lastInventory(policy.selector.host);
      // collectedAt/fullReadAt is when that read BEGAN (lib/inventory/collect.ts); a full read is needed for new LVs.
      const began = last ? Date.parse(last.fullReadAt ?? last.collectedAt) : 0;
      return last && last.fullReadAt && began >= sinceMs ? last : refreshInventory(policy.selector.host, 0);
    },
    planContext: (inv) => ({ inv, exportDir: host?.exportDir ?? '/var/lib/cowherd/exports', libvirtUri: host?.libvirtUri }),
    job: async (plan) => {
      const s = startPlannedJob(plan, policyUser(policy));
      if (!s.ok) return { ok: false, error: s.error };
      addRunJob(db(), runId, s.jobId);
      await s.done;
      const j = getJob(db(), s.jobId);
      const stepsEndedAt = Math.max(0, ...(j?.steps ?? []).map((x) => (x.endedAt ? Date.parse(x.endedAt) : 0)));
      return j?.status === 'succeeded' ? { ok: true, jobId: s.jobId, stepsEndedAt } : { ok: false, jobId: s.jobId, error: `job #${s.jobId} ${j?.status ?? 'vanished'}: ${j?.error ?? ''}` };
    },
  };
}

export type StartRun =
  | { ok: true; run: PolicyRun; done: Promise<PolicyRun> }
  | { ok: false; status: number; error: string; skipped?: PolicyRun };

/**
 * Start one run of a policy: at most one at a time per policy (a due run while the last one still runs is recorded
 * as skipped: beginRun). Every change on the host is an ordinary job. `done` resolves with the finished run.
 */
export function startRun(policyId: number, trigger: RunTrigger): StartRun {
  const policy = getPolicy(db(), policyId);
  if (!policy) return { ok: false, status: 404, error: `no policy ${policyId}` };
  const begun = beginRun(db(), policyId, trigger);
  if (!begun.ok) {
    notify(begun.skipped);
    return { ok: false, status: 409, error: `skipped: ${begun.skipped.reason ?? 'a run is under way'}`, skipped: begun.skipped };
  }
  const run = begun.run;
  const done = (async (): Promise<PolicyRun> => {
    let outcome: { result: 'ok' | 'failed' | 'skipped'; reason: string };
    try {
      outcome = await execute(policy, run.id, trigger);
    } catch (e) {
      outcome = { result: 'failed', reason: `internal error: ${(e as Error).message}` };
    }
    // An expiry check whose fresh read found nothing due (the cache that started it was older than the host): no record.
    if (trigger === 'expiry' && outcome.result === 'skipped' && discardRun(db(), run.id)) return { ...run, ...outcome };
    finishRun(db(), run.id, outcome.result, outcome.reason || null);
    const finished = { ...run, ...outcome, finishedAt: new Date().toISOString() };
    notify(finished);
    return finished;
  })();
  return { ok: true, run, done };
}

function notify(run: PolicyRun): void {
  for (const fn of listeners) {
    try {
      fn(run);
    } catch (e) {
      console.error('policy run listener failed', e);
    }
  }
}

async function execute(policy: StoredPolicy, runId: number, trigger: RunTrigger): Promise<{ result: 'ok' | 'failed' | 'skipped'; reason: string }> {
  if (!findHost(policy.selector.host)) return { result: 'failed', reason: `host ${policy.selector.host} is not configured` };
  const action = ACTIONS[policy.action.type];
  const ctx = context(policy, runId);
  let inv;
  try {
    inv = await ctx.read();
  } catch (e) {
    return { result: 'failed', reason: `cannot read ${policy.selector.host}: ${(e as Error).message}` };
  }
  if (trigger === 'expiry') {
    const r = action.expire ? await action.expire(ctx, inv) : null;
    return r ? combine(r) : { result: 'skipped', reason: 'nothing to expire' };
  }
  const t = resolveTargets(policy.selector, inv);
  if (!t.ok) return { result: 'failed', reason: t.error };
  const outcomes: TargetOutcome[] = [];
  for (const target of t.targets) {
    // Each target on a fresh read: the jobs of the one before changed the host.
    const now = outcomes.length ? await ctx.read() : inv;
    outcomes.push(await action.run(ctx, target, now));
  }
  return combine(outcomes);
}
