import 'server-only';
import type { Inventory, InventoryLv } from '@/lib/inventory/types';
import { planCreateSnapshot, planRemoveSnapshot, type PlanContext } from '@/lib/ops/plans';
import type { Plan, PlanResult } from '@/lib/ops/types';
import { backupAction } from './backup-action';
import type { StoredPolicy } from './store';
import { policyTag } from './schema';
import {
  cowBytesFor,
  isClassicOrigin,
  isExpired,
  isProtected,
  isThinOrigin,
  policySeries,
  policySnapshotName,
  retentionFor,
  spaceGuard,
  type Target,
} from './targets';

/**
 * What a policy does on each target, as an interface: the snapshot action below; a `backup` action (issue 11)
 * implements the same with the backup-volume operation and retention over the policy's catalogue rows (its
 * series), and registers itself in ACTIONS. Every change is an ordinary job (ctx.job): plan, audit, locks.
 */
export interface ActionContext {
  policy: StoredPolicy;
  now: () => number;
  /** A fresh read of the policy's host (never a cache: pruning decides on it). */
  read: () => Promise<Inventory>;
  /**
   * A read that began after `sinceMs` (a job's post-check read is one: it re-reads the host after the last step),
   * else a fresh read. Saves a full read per job on a slow host without deciding on anything older than the job.
   */
  readAfter: (sinceMs: number) => Promise<Inventory>;
  planContext: (inv: Inventory) => PlanContext;
  /** Start a job for the plan and wait for its end; recorded on the run. */
  job: (plan: Plan) => Promise<JobOutcome>;
}

export type JobOutcome = { ok: true; jobId: number; stepsEndedAt: number } | { ok: false; jobId?: number; error: string };

export interface TargetOutcome {
  result: 'ok' | 'failed' | 'skipped';
  reason: string;
}

export interface PolicyActionRunner {
  /** One run on one target (an origin LV): make what the policy makes, then prune its own series. */
  run: (ctx: ActionContext, target: Target, inv: Inventory) => Promise<TargetOutcome>;
  /** Remove what outlived its lifetime (classic snapshots); null when nothing is due (no run is recorded). */
  expire?: (ctx: ActionContext, inv: Inventory) => Promise<TargetOutcome[] | null>;
  /** Is anything due for expiry in this (possibly cached) inventory? Cheap: decides whether to start a run. */
  expiryDue?: (policy: StoredPolicy, inv: Inventory, now: number) => boolean;
}

const planned = (r: PlanResult): r is Extract<PlanResult, { ok: true }> => r.ok;

async function removeSnapshot(ctx: ActionContext, inv: Inventory, lv: InventoryLv): Promise<JobOutcome> {
  const r = planRemoveSnapshot(ctx.planContext(inv), { vg: lv.vg, snapshot: lv.name, confirmName: lv.name });
  if (!planned(r)) return { ok: false, error: r.error };
  return ctx.job(r.plan);
}

async function createSnapshot(ctx: ActionContext, inv: Inventory, origin: InventoryLv, sizeBytes?: number): Promise<JobOutcome & { name: string }> {
  const p = ctx.policy;
  const name = policySnapshotName(origin.name, p.id, new Date(ctx.now()));
  const r = planCreateSnapshot(ctx.planContext(inv), {
    vg: origin.vg,
    origin: origin.name,
    name,
    sizeBytes,
    consistency: p.consistency,
    force: false,
    tags: [policyTag(p.id)],
  });
  if (!planned(r)) return { ok: false, error: r.error, name };
  return { ...(await ctx.job(r.plan)), name };
}

const failed = (reason: string): TargetOutcome => ({ result: 'failed', reason });

/** Thin: a snapshot per run, then retention over the policy's own series of that origin. */
async function runThin(ctx: ActionContext, origin: InventoryLv, inv: Inventory): Promise<TargetOutcome> {
  const p = ctx.policy;
  const guard = spaceGuard(inv, origin, { maxFillPercent: p.maxFillPercent, cowBytes: 0 });
  if (guard) return { result: 'skipped', reason: `${origin.vg}/${origin.name}: ${guard}` };
  const made = await createSnapshot(ctx, inv, origin);
  if (!made.ok) return failed(`${origin.vg}/${origin.name}: snapshot ${made.name} failed: ${made.error}`);
  // Prune from a read taken after the snapshot was made (the job's own post-check read): the new snapshot is in
  // it, and nothing is removed on the word of an older cache.
  const after = await ctx.readAfter(made.stepsEndedAt);
  const decisions = retentionFor(policySeries(after, p.id, origin.vg, origin.name), p.retention, p.schedule.timeZone);
  const prune = decisions.filter((d) => d.mark === 'prune');
  const errors: string[] = [];
  for (const d of prune) {
    const r = await removeSnapshot(ctx, after, d.lv);
    if (!r.ok) errors.push(`prune ${d.lv.name}: ${r.error}`);
  }
  const kept = decisions.length - prune.length;
  const summary = `${origin.vg}/${made.name} made; ${kept} kept, ${prune.length - errors.length} pruned`;
  return errors.length ? failed(`${summary}; ${errors.join('; ')}`) : { result: 'ok', reason: summary };
}

/**
 * Classic: every origin write is copied into every classic snapshot of it, so a policy keeps at most one per
 * origin. The previous one (unless protected) is removed before the new one is made: never two at once.
 */
async function runClassic(ctx: ActionContext, origin: InventoryLv, inv: Inventory): Promise<TargetOutcome> {
  const p = ctx.policy;
  if (p.action.type !== 'snapshot') return failed('not a snapshot policy');
  const series = policySeries(inv, p.id, origin.vg, origin.name);
  const kept = series.find(isProtected);
  if (kept) {
    return { result: 'skipped', reason: `${origin.vg}/${origin.name}: protected policy snapshot ${kept.name} exists; a classic policy keeps one snapshot per origin (unprotect or remove it)` };
  }
  const cowBytes = cowBytesFor(origin, p.action.cowPercent);
  const freed = series.reduce((n, l) => n + l.sizeBytes, 0);
  const guard = spaceGuard(inv, origin, { maxFillPercent: p.maxFillPercent, cowBytes, freedBytes: freed });
  if (guard) return { result: 'skipped', reason: `${origin.vg}/${origin.name}: ${guard}` };
  for (const old of series) {
    const r = await removeSnapshot(ctx, inv, old);
    if (!r.ok) return failed(`${origin.vg}/${origin.name}: removing the previous policy snapshot ${old.name} failed: ${r.error}`);
  }
  let fresh = inv;
  if (series.length) fresh = await ctx.readAfter(Date.now());
  const made = await createSnapshot(ctx, fresh, fresh.lvs.find((l) => l.vg === origin.vg && l.name === origin.name) ?? origin, cowBytes);
  if (!made.ok) return failed(`${origin.vg}/${origin.name}: snapshot ${made.name} failed: ${made.error}`);
  const life = p.action.lifetimeMinutes;
  return { result: 'ok', reason: `${origin.vg}/${made.name} made (classic, removed after ${life} min)${series.length ? `; replaced ${series.map((l) => l.name).join(', ')}` : ''}` };
}

const expiredOf = (policy: StoredPolicy, inv: Inventory, now: number): InventoryLv[] => {
  if (policy.action.type !== 'snapshot') return [];
  const tag = policyTag(policy.id);
  const life = policy.action.lifetimeMinutes;
  return inv.lvs.filter((l) => l.kind === 'snapshot' && l.tags.includes(tag) && isExpired(l, life, now));
};

export const snapshotAction: PolicyActionRunner = {
  async run(ctx, target, inv) {
    const origin = inv.lvs.find((l) => l.vg === target.vg && l.name === target.lv);
    if (!origin) return failed(`no logical volume ${target.vg}/${target.lv}`);
    if (isThinOrigin(origin)) return runThin(ctx, origin, inv);
    if (isClassicOrigin(origin)) return runClassic(ctx, origin, inv);
    return failed(`${target.vg}/${target.lv} is a ${origin.kind} volume; policies snapshot thin volumes and classic origins`);
  },
  expiryDue: (policy, inv, now) => expiredOf(policy, inv, now).length > 0,
  async expire(ctx, inv) {
    const due = expiredOf(ctx.policy, inv, ctx.now());
    if (due.length === 0) return null;
    const out: TargetOutcome[] = [];
    for (const lv of due) {
      const r = await removeSnapshot(ctx, inv, lv);
      out.push(r.ok ? { result: 'ok', reason: `${lv.vg}/${lv.name} removed at the end of its lifetime` } : failed(`expiry of ${lv.vg}/${lv.name}: ${r.error}`));
    }
    return out;
  },
};

export const ACTIONS: Record<StoredPolicy['action']['type'], PolicyActionRunner> = {
  snapshot: snapshotAction,
  // Issue 12: backups to a target host, pruned from the catalogue (./backup-action.ts).
  backup: backupAction,
};
