import 'server-only';
import { config, findHost } from '@/lib/config/hosts';
import { runnerFor } from '@/lib/host';
import { readVolume, refreshInventory } from '@/lib/inventory/service';
import { db } from '@/lib/store/db';
import { addAudit, getJob, listJobs, startJob, updateJob, updateStep } from '@/lib/store/jobs';
import { releaseVolume } from '@/lib/files/browse';
import { executePlan, RESTART_NOTE } from './executor';
import { getBackup, recordJobOutcome } from '@/lib/backup/catalogue';
import { NOT_FOUND_PREFIX } from '@/lib/backup/plans';
import { planningHost, probeBackupTarget } from '@/lib/backup/service';
import { parseOperation } from './registry';
import { gatherMoveFacts } from '@/lib/move/service';
import { gatherRetireFacts } from '@/lib/move/retire-service';
import { withRoles } from './roles';
import type { PlanContext } from './plans';
import type { Plan, PlanResult } from './types';

/** Issue 14: operations whose plan also needs a fresh read of the target host. */
const MOVE_OPERATIONS = new Set(['move-guest', 'copy-guest']);

/** Operations before which browse sessions of their snapshot end (lib/files/browse.ts). */
const BROWSE_RELEASE_BEFORE = new Set(['merge-snapshot', 'remove-snapshot', 'extend-snapshot']);

export type OperationOutcome =
  | { ok: true; dryRun: true; plan: Plan }
  | { ok: true; dryRun: false; job: { id: number; status: string }; plan: Plan }
  | { ok: false; status: number; error: string; preflight?: Plan['preflight'] };

/** Validate, read the host afresh, and build the plan. Nothing runs on the host but the read. */
export async function planOperation(askedOn: string, operation: string, params: unknown): Promise<PlanResult & { status?: number }> {
  // Issue 11: a restore onto another host is planned there (validated below like any host id).
  const hostId = planningHost(operation, params, askedOn);
  const host = findHost(hostId);
  if (!host) return { ok: false, error: `unknown host ${hostId}`, status: 404 };
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) return { ok: false, error: parsed.error, status: 400 };
  let inv;
  try {
    // Growing a filling snapshot races its COW area: its plan needs only the VG's free space and that one LV,
    // read in one narrow execution instead of the whole host (vgs, lvs of every VG, virsh).
    const p = parsed.params as { vg?: string; snapshot?: string };
    inv =
      parsed.operation === 'extend-snapshot' && p.vg && p.snapshot
        ? await readVolume(hostId, p.vg, p.snapshot)
        : await refreshInventory(hostId, 0);
  } catch (e) {
    return { ok: false, error: `cannot read ${hostId}: ${(e as Error).message}`, status: 502 };
  }
  // Issue 14: a move or copy also reads the guest's XML and the target host afresh (lib/move/service.ts).
  const move = MOVE_OPERATIONS.has(parsed.operation) ? await gatherMoveFacts(hostId, inv, parsed.params as Record<string, unknown>) : undefined;
  // Issue 14: removing the old copy after a move reads the source's autostart and NVRAM and the target afresh.
  const retire = parsed.operation === 'retire-moved-guest' ? await gatherRetireFacts(hostId, inv, parsed.params as Record<string, unknown>) : undefined;
  let result: PlanResult;
  try {
    result = parsed.def.plan(
      {
        inv,
        exportDir: host.exportDir,
        libvirtUri: host.libvirtUri,
        // Backups (issue 11): the host's backupDir, the configured hosts and the catalogue.
        backupDir: host.backupDir,
        hostIds: config().hosts.map((h) => h.id),
        backup: (id: number) => getBackup(db(), id),
        backupDirOf: (id: string) => findHost(id)?.backupDir,
        targetProbe: await backupTargetProbe(hostId, parsed.operation, parsed.params),
        move,
        retire,
      } as PlanContext,
      parsed.params as never,
    );
  } catch (e) {
    // A builder refused a value the schemas let through (a bug): nothing runs, and the reason is shown.
    return { ok: false, error: `cannot build the plan: ${(e as Error).message}`, status: 500 };
  }
  // A backup id that is not in the catalogue for this host is not found (404), like an unknown host.
  return result.ok ? result : { ...result, status: result.error.startsWith(NOT_FOUND_PREFIX) ? 404 : 409 };
}

/** A backup to another configured host reads that host's backupDir first (the preflight shows both hosts). */
async function backupTargetProbe(hostId: string, operation: string, params: unknown) {
  const target = operation === 'backup-volume' ? (params as { target?: { host: string } }).target?.host : undefined;
  return target && target !== hostId && findHost(target) ? probeBackupTarget(target) : undefined;
}

export async function runOperation(
  username: string,
  hostId: string,
  operation: string,
  params: unknown,
  dryRun: boolean,
): Promise<OperationOutcome> {
  // Issue 13: a snapshot (or its origin) being browsed is unmounted and its loop devices detached before the plan
  // reads the host: a merge's preflight would find the origin open (our loop device) and refuse, and a remove or an
  // extend would change what is mounted. Dry runs too: the wizard's review is a dry run and must see the host as
  // the operation will find it. Matches only open browse sessions, so unvalidated params can do no harm here.
  if (BROWSE_RELEASE_BEFORE.has(operation)) {
    const p = (params ?? {}) as { vg?: unknown; snapshot?: unknown };
    if (typeof p.vg === 'string' && typeof p.snapshot === 'string') {
      // A failed unmount is logged, not fatal: the plan's own read then shows what is still open and refuses.
      await releaseVolume(hostId, p.vg, p.snapshot).catch((e: unknown) => console.error(`cowherd: releasing browse mounts of ${p.vg as string}/${p.snapshot as string} failed:`, e));
    }
  }
  const planned = await planOperation(hostId, operation, params);
  if (!planned.ok) return { ok: false, status: planned.status ?? 409, error: planned.error, preflight: planned.preflight };
  const { plan } = planned;
  if (dryRun) return { ok: true, dryRun: true, plan };
  const started = startJob(db(), plan, username);
  if (!started.ok) return { ok: false, status: 409, error: started.error };
  void launch(started.jobId, plan, username);
  return { ok: true, dryRun: false, job: { id: started.jobId, status: 'running' }, plan };
}

/**
 * Start a job for a plan built elsewhere (snapshot policies build theirs with tags the API does not accept) and
 * return its id and a promise that settles when the job has ended: the same lock, audit and recovery as any job.
 */
export function startPlannedJob(plan: Plan, username: string): { ok: true; jobId: number; done: Promise<void> } | { ok: false; error: string } {
  const started = startJob(db(), plan, username);
  if (!started.ok) return { ok: false, error: started.error };
  return { ok: true, jobId: started.jobId, done: launch(started.jobId, plan, username) };
}

function launch(jobId: number, plan: Plan, username: string, fromStep = 0, interrupted = false): Promise<void> {
  const host = findHost(plan.host);
  if (!host) {
    updateJob(db(), jobId, { status: 'failed', error: `host ${plan.host} is no longer configured` });
    return Promise.resolve();
  }
  return executePlan(
    {
      db: db(),
      runner: runnerFor(host),
      // Steps on another configured host (the target of a backup or a move) and streams between hosts.
      runnerFor: (id: string) => {
        const other = findHost(id);
        if (!other) throw new Error(`host ${id} is no longer configured`);
        return runnerFor(other);
      },
      collect: () => refreshInventory(plan.host, 0),
      username,
    },
    jobId,
    plan,
    fromStep,
    { interrupted },
  )
    // Backups (issue 11): a finished backup, verification or deletion updates the catalogue.
    .then(() => {
      const done = getJob(db(), jobId);
      if (done) recordJobOutcome(db(), done);
    })
    .catch((e: unknown) => {
    console.error(`job ${jobId} crashed`, e);
    updateJob(db(), jobId, { status: 'failed', phase: 'failed', error: `internal error: ${(e as Error).message}` });
  });
}

/**
 * After a restart no job may stay "running" forever. A job whose plan is resumable (a merge) continues from the
 * first step that had not finished, driven by what the host shows; any other job runs its pending cleanup steps
 * (thaw, resume) and the post-checks, and ends as failed with "interrupted".
 */
export async function recoverJobs(): Promise<void> {
  for (const j of listJobs(db(), { status: ['running', 'queued'], limit: 1000 })) {
    const full = getJob(db(), j.id);
    if (!full?.plan) {
      updateJob(db(), j.id, { status: 'failed', phase: 'failed', error: 'interrupted by a restart (no plan stored)' });
      continue;
    }
    // Jobs stored before steps had roles get them from their argv.
    const plan = withRoles(full.plan);
    let from = full.steps.find((s) => s.status !== 'succeeded' && s.status !== 'skipped')?.seq ?? full.steps.length;
    updateJob(db(), j.id, { message: `${RESTART_NOTE} during step ${from + 1}; continuing from what the host shows` });
    if (plan.resumable) {
      // A merge goes on in the kernel without us: if the host shows the snapshot merging (or gone), skip to the
      // wait that drives it to the end; lvconvert --merge would refuse a snapshot that is already merging.
      const step = plan.steps[from];
      if (step?.kind === 'run' && step.role === 'merge') {
        const { vg, snapshot } = plan.params as { vg: string; snapshot: string };
        try {
          const inv = await refreshInventory(plan.host, 0);
          const snap = inv.lvs.find((l) => l.vg === vg && l.name === snapshot);
          if (!snap || snap.merging) {
            // The interrupted lvconvert did start the merge: record it as done (and audited) before moving on.
            updateStep(db(), j.id, from, { status: 'succeeded', stderr: 'interrupted by a restart; lvs -a showed the merge under way' });
            addAudit(db(), { host: plan.host, jobId: j.id, operation: plan.operation, username: j.username, argv: step.argv, exitCode: null, durationMs: null, stderr: 'interrupted by a restart of the server' });
            from += 1;
          }
        } catch {
          // Host unreachable: the executor's own reads will fail and end the job with the reason.
        }
      }
      void launch(j.id, plan, j.username, from);
    } else {
      void launch(j.id, plan, j.username, from, true);
    }
  }
}
