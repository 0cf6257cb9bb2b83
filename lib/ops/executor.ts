import { pipeBetween } from '@/lib/host/pipe';
import { CommandError, type HostRunner } from '@/lib/host/types';
import type { Inventory } from '@/lib/inventory/types';
import { parseDomstate } from '@/lib/libvirt/parse';
import { findLvIn, toInventoryLv } from '@/lib/lvm/model';
import { parseLvs } from '@/lib/lvm/reports';
import type { Db } from '@/lib/store/db';
import { addAudit, getJob, updateJob, updateStep } from '@/lib/store/jobs';
import { fileExistsArgv } from './host-commands';
import { evaluatePostCheck } from './post-checks';
import { withRoles } from './roles';
import { domainStateArgv, mergeDriveArgv, mergeReadArgv } from './wait-commands';
import type { Plan, Step } from './types';

export interface ExecDeps {
  db: Db;
  runner: HostRunner;
  /**
   * The runner of another configured host, for steps that name one (`host` of a run step, both ends of a pipe).
   * Without it such a step fails with a clear message.
   */
  runnerFor?: (hostId: string) => HostRunner;
  /** A fresh read of the host (never a cache): post-checks decide on it. */
  collect: () => Promise<Inventory>;
  username: string;
  /** Between polls of a wait step (tests shorten it). */
  sleep?: (ms: number) => Promise<void>;
}

interface StepOutcome {
  ok: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** How many times a merge that lvm2 marks as failed is retried (lvchange --refresh) before the wait gives up. */
export const MERGE_FAILED_RETRIES = 3;
const tail = (s: string, n = 20_000) => (s.length > n ? s.slice(-n) : s);

/** qemu-img -p prints "    (12.34/100%)"; lvconvert --merge prints "vg/snap: Merged: 45.67%". */
export function parseProgress(kind: 'qemu-img' | 'merge', chunk: string): number | null {
  const re = kind === 'qemu-img' ? /\((\d+(?:\.\d+)?)\/100%\)/g : /Merged:\s+(\d+(?:\.\d+)?)%/g;
  let last: number | null = null;
  for (const m of chunk.matchAll(re)) last = Number(m[1]);
  return last;
}

const MiB = 1024 * 1024;

/** " (96 of 128 MiB, 4.1 MiB/s, 8 s left)": a copy's progress (backups, issue 11) in bytes, throughput and ETA. */
export function byteProgress(total: number, percent: number, elapsedMs: number): string {
  const done = (total * percent) / 100;
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = rate > 0 ? Math.round((total - done) / rate) : null;
  return ` (${Math.round(done / MiB)} of ${Math.round(total / MiB)} MiB, ${(rate / MiB).toFixed(1)} MiB/s${eta === null ? '' : `, ${eta} s left`})`;
}

/** The runner for a step: the plan's host, or another configured one the step names. */
function runnerOf(deps: ExecDeps, job: { host: string }, host: string | undefined): HostRunner {
  if (host === undefined || host === job.host) return deps.runner;
  if (!deps.runnerFor) throw new CommandError({ hostId: host, argv: [], exitCode: null, stdout: '', stderr: '', failure: 'unreachable', message: `this job cannot reach host ${host}` });
  return deps.runnerFor(host);
}

/** Run one argv on the host, record it in the audit log, and never throw for a command that failed. */
async function runAudited(
  deps: ExecDeps,
  job: { id: number; operation: string; host: string },
  argv: string[],
  opts: { timeoutMs?: number; onOutput?: (chunk: string) => void; host?: string } = {},
): Promise<StepOutcome> {
  const t0 = performance.now();
  let outcome: StepOutcome;
  try {
    const r = await runnerOf(deps, job, opts.host).run(argv, {
      reject: false,
      timeoutMs: opts.timeoutMs,
      onStderr: opts.onOutput,
      onStdout: opts.onOutput,
    });
    outcome = { ok: r.exitCode === 0, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    if (!(e instanceof CommandError)) throw e;
    outcome = { ok: false, exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr || e.message };
  }
  addAudit(deps.db, {
    host: opts.host ?? job.host,
    jobId: job.id,
    operation: job.operation,
    username: deps.username,
    argv,
    exitCode: outcome.exitCode,
    durationMs: performance.now() - t0,
    stderr: outcome.ok ? null : outcome.stderr,
  });
  return outcome;
}

/** A stream between two hosts (or within one): both commands audited under their own host, linked to the job. */
async function runPipe(
  deps: ExecDeps,
  job: { id: number; operation: string; host: string },
  step: Extract<Step, { kind: 'pipe' }>,
  onProgress: (p: number, message: string) => void,
  /** Issue 14: the whole copy across every disk of the plan, for the bytes this step has passed so far. */
  overall?: (bytes: number, elapsedMs: number) => string,
): Promise<StepOutcome> {
  const t0 = performance.now();
  let fromRunner: HostRunner;
  let toRunner: HostRunner;
  try {
    fromRunner = runnerOf(deps, job, step.from.host);
    toRunner = runnerOf(deps, job, step.to.host);
  } catch (e) {
    return { ok: false, exitCode: null, stdout: '', stderr: (e as Error).message };
  }
  const r = await pipeBetween({ runner: fromRunner, argv: step.from.argv }, { runner: toRunner, argv: step.to.argv }, {
    timeoutMs: step.timeoutMs,
    onBytes: (n) => {
      const elapsed = performance.now() - t0;
      if (step.bytes) {
        const pct = Math.min(100, (n / step.bytes) * 100);
        onProgress(pct / 100, `${step.title}: ${pct.toFixed(1)}%${byteProgress(step.bytes, pct, elapsed)}${overall ? `; ${overall(n, elapsed)}` : ''}`);
      } else {
        onProgress(0, `${step.title}: ${Math.round(n / MiB)} MiB, ${(n / MiB / Math.max(elapsed / 1000, 0.001)).toFixed(1)} MiB/s`);
      }
    },
  });
  const durationMs = performance.now() - t0;
  for (const [side, o] of [
    [step.from, r.from],
    [step.to, r.to],
  ] as const) {
    addAudit(deps.db, {
      host: side.host,
      jobId: job.id,
      operation: job.operation,
      username: deps.username,
      argv: side.argv,
      exitCode: o.exitCode,
      durationMs,
      stderr: o.ok ? null : o.stderr,
    });
  }
  const summary = `${r.bytes} bytes streamed from ${step.from.host} to ${step.to.host} in ${(durationMs / 1000).toFixed(1)} s (${(r.bytes / MiB / Math.max(durationMs / 1000, 0.001)).toFixed(1)} MiB/s)\n`;
  return {
    ok: r.ok,
    exitCode: r.ok ? 0 : (r.from.ok ? r.to.exitCode : r.from.exitCode),
    stdout: summary + r.to.stdout,
    // On failure: which side failed and its last lines (the other side was stopped, its "killed" is noise).
    stderr: r.ok ? r.from.stderr + r.to.stderr : (r.error ?? 'the stream failed'),
  };
}

/** A report that is not what lvsArgv asks for is a failed read of the host, not a crash of the job. */
function lvsOf(stdout: string): { ok: true; lvs: ReturnType<typeof toInventoryLv>[] } | { ok: false; error: string } {
  try {
    return { ok: true, lvs: parseLvs(stdout).map(toInventoryLv) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

async function runWait(
  deps: ExecDeps,
  job: { id: number; operation: string; host: string },
  step: Extract<Step, { kind: 'wait' }>,
  onProgress: (p: number, message: string) => void,
): Promise<StepOutcome> {
  const sleep = deps.sleep ?? defaultSleep;
  let deadline = Date.now() + step.timeoutMs;
  let fallbackUsed = false;
  const w = step.wait;
  let startPercent: number | null = null;
  let lastPercent: number | null = null;
  let lastDrive = 0;
  let failedSeen = 0;
  let last: StepOutcome = { ok: false, exitCode: null, stdout: '', stderr: '' };
  for (;;) {
    if (w.type === 'domain-state') {
      let argv: string[];
      try {
        argv = domainStateArgv(w);
      } catch (e) {
        // A stored job that names an ambiguous guest ("3"): never ask virsh about it.
        return { ...last, ok: false, stderr: (e as Error).message };
      }
      last = await runAudited(deps, job, argv);
      const state = last.ok && last.stdout.trim() !== '' ? parseDomstate(last.stdout) : null;
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      onProgress(0, `${w.domain} is ${state ?? 'unknown'}; waiting for ${w.states.join(' or ')} (${left} s left)`);
      if (state !== null && w.states.includes(state)) return { ...last, ok: true };
    } else {
      last = await runAudited(deps, job, mergeReadArgv(w));
      const read = last.ok ? lvsOf(last.stdout) : null;
      if (read && !read.ok) return { ...last, ok: false, stderr: `cannot read lvs: ${read.error}` };
      if (read?.ok) {
        // Names come without lvm2's brackets: a merging snapshot is listed hidden ("[web_snap]").
        const snap = findLvIn(read.lvs, w.vg, w.snapshot);
        if (!snap) {
          onProgress(1, `${w.vg}/${w.snapshot} is gone: the merge finished`);
          return { ...last, ok: true };
        }
        const origin = findLvIn(read.lvs, w.vg, w.origin);
        const pct = snap.dataPercent;
        if (pct !== null) {
          startPercent ??= pct;
          const done = startPercent > 0 ? Math.min(1, Math.max(0, (startPercent - pct) / startPercent)) : 0;
          onProgress(done, `merging ${w.vg}/${w.snapshot} into ${w.origin}: ${pct.toFixed(2)}% of the COW data left`);
        }
        const originOpen = origin?.open === true;
        // mergeFailed (attr m/M, lv_merge_failed): the kernel gave the merge up. Each drive below retries it;
        // after a few, say so.
        const failed = snap.mergeFailed;
        if (failed && failedSeen >= MERGE_FAILED_RETRIES) {
          return {
            ...last,
            ok: false,
            stderr: `lvm2 reports the merge of ${w.vg}/${w.snapshot} as failed (attr ${snap.attr}) after ${MERGE_FAILED_RETRIES} retries: read the kernel log (dmesg) on the host and check the disk; do not remove the snapshot`,
          };
        }
        // Drive a lingering merge: the origin must be closed; refresh when nothing moves (or at the start).
        if (w.drive && origin && !originOpen && (pct === null || pct === 0 || pct === lastPercent) && Date.now() - lastDrive > 3000) {
          lastDrive = Date.now();
          if (failed) failedSeen += 1;
          await runAudited(deps, job, mergeDriveArgv(w), { timeoutMs: step.timeoutMs });
          lastPercent = pct;
          continue;
        }
        if (w.drive && originOpen) onProgress(0, `${w.vg}/${w.origin} is open (a guest or another program uses it); the merge waits`);
        lastPercent = pct;
      }
    }
    if (Date.now() >= deadline) {
      if (step.onTimeout && !fallbackUsed) {
        fallbackUsed = true;
        onProgress(0, `${step.title}: timed out; ${step.onTimeout.title}`);
        await runAudited(deps, job, step.onTimeout.argv);
        deadline = Date.now() + Math.min(step.timeoutMs, 60_000);
        continue;
      }
      return { ...last, ok: false, stderr: `${last.stderr}\ntimed out after ${Math.round(step.timeoutMs / 1000)} s`.trim() };
    }
    await sleep(step.pollMs ?? 1000);
  }
}

/** How the note that recoverJobs (jobs.ts) leaves on a job it takes over after a restart begins. */
export const RESTART_NOTE = 'the server restarted';

/** Post-check reads: a busy host can miss one read's timeout, which must not turn a job that worked into a failure. */
export const POST_CHECK_READS = 3;

async function collectWithRetries(deps: ExecDeps): Promise<Inventory> {
  const sleep = deps.sleep ?? defaultSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.collect();
    } catch (e) {
      if (attempt >= POST_CHECK_READS) throw new Error(`${(e as Error).message} (${attempt} reads failed)`);
      await sleep(attempt * 2000);
    }
  }
}

/**
 * Run a plan's steps for a started job. A failed step stops the plan, but cleanup steps (thaw, resume) still run
 * when the step they protect succeeded. Then the host is re-read and the post-checks decide the outcome.
 * `fromStep` resumes a job after a restart (steps before it already ran).
 */
export async function executePlan(
  deps: ExecDeps,
  jobId: number,
  stored: Plan,
  fromStep = 0,
  opts: { interrupted?: boolean } = {},
): Promise<void> {
  const plan = withRoles(stored);
  const job = { id: jobId, operation: plan.operation, host: plan.host };
  const done = new Set<number>();
  const prior = getJob(deps.db, jobId);
  prior?.steps.forEach((s) => s.status === 'succeeded' && done.add(s.seq));
  let failure: string | null = null;
  const total = plan.steps.length || 1;
  // Issue 14: a move or copy of several disks also shows the whole copy (bytes of all disks, throughput, ETA). Time
  // counts only while a disk is copied, so the checksum passes in between do not lower the throughput.
  const copySteps = plan.steps.filter((s): s is Extract<Step, { kind: 'pipe' }> => s.kind === 'pipe' && s.role === 'copy' && !!s.bytes);
  const copy = { total: copySteps.reduce((n, s) => n + (s.bytes ?? 0), 0), done: 0, ms: 0, finished: 0 };
  const overall =
    copySteps.length > 1
      ? (bytes: number, elapsedMs: number) => {
          const done = copy.done + bytes;
          return `all ${copySteps.length} disks${byteProgress(copy.total, (done / copy.total) * 100, copy.ms + elapsedMs)}`;
        }
      : undefined;
  let start = fromStep;
  const cut = plan.steps[fromStep];
  if (opts.interrupted && cut && !cut.cleanup) {
    // The server stopped while this step ran; repeating it is not safe, so it counts as failed and only the
    // cleanups after it (thaw, resume) still run.
    failure = `${cut.title}: interrupted by a restart of the server`;
    updateStep(deps.db, jobId, fromStep, { status: 'failed', stderr: 'interrupted by a restart of the server' });
    start = fromStep + 1;
  }

  for (let i = start; i < plan.steps.length; i++) {
    const step = plan.steps[i];
    if (!step) continue;
    const isCleanup = step.cleanup !== undefined;
    const c = step.cleanup;
    // Issue 14: an undo step runs only after a failure, and not once the step that commits the job succeeded.
    if (c && (!done.has(c.after) || (c.onFailure && !failure) || (c.unless !== undefined && done.has(c.unless)))) {
      updateStep(deps.db, jobId, i, { status: 'skipped' });
      continue;
    }
    if (failure && !isCleanup) {
      updateStep(deps.db, jobId, i, { status: 'skipped' });
      continue;
    }
    updateStep(deps.db, jobId, i, { status: 'running' });
    updateJob(deps.db, jobId, { phase: step.title, progress: i / total });
    const setProgress = (p: number, message?: string) =>
      updateJob(deps.db, jobId, { progress: (i + Math.min(1, Math.max(0, p))) / total, ...(message ? { message } : {}) });

    let outcome: StepOutcome;
    const stepT0 = performance.now();
    if (step.kind === 'run') {
      const kind = step.role === 'export' ? 'qemu-img' : step.role === 'merge' ? 'merge' : null;
      outcome = await runAudited(deps, job, step.argv, {
        timeoutMs: step.timeoutMs,
        host: step.host,
        onOutput: kind
          ? (chunk) => {
              const p = parseProgress(kind, chunk);
              if (p !== null) setProgress(p / 100, `${step.title}: ${p.toFixed(1)}%${step.bytes ? byteProgress(step.bytes, p, performance.now() - stepT0) : ''}`);
            }
          : undefined,
      });
      if (!outcome.ok && outcome.exitCode !== null && step.okExitCodes?.includes(outcome.exitCode)) {
        outcome = { ...outcome, ok: true };
      }
      if (!outcome.ok && step.failMessage) outcome = { ...outcome, stderr: `${step.failMessage}\n${outcome.stderr}` };
    } else if (step.kind === 'pipe') {
      const isCopy = step.role === 'copy' && !!step.bytes;
      outcome = await runPipe(deps, job, step, (p, message) => setProgress(p, message), isCopy ? overall : undefined);
      if (isCopy) {
        copy.ms += performance.now() - stepT0;
        if (outcome.ok) {
          copy.done += step.bytes ?? 0;
          copy.finished += 1;
        }
      }
      if (!outcome.ok && step.failMessage) outcome = { ...outcome, stderr: `${step.failMessage}\n${outcome.stderr}` };
    } else {
      outcome = await runWait(deps, job, step, (p, message) => setProgress(p, message));
    }
    updateStep(deps.db, jobId, i, {
      status: outcome.ok ? 'succeeded' : 'failed',
      exitCode: outcome.exitCode,
      stdout: tail(outcome.stdout),
      stderr: tail(outcome.stderr),
    });
    if (outcome.ok) done.add(i);
    else if (!failure) {
      const why = outcome.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
      failure = `${step.title} failed${outcome.exitCode !== null ? ` (exit ${outcome.exitCode})` : ''}: ${why || 'no output'}`;
    }
  }

  // Post-checks re-read the host; they run after a failure too, so the job says what state the host is in.
  updateJob(deps.db, jobId, { phase: 'checking the host', progress: failure ? null : 0.99 });
  // A restarted job keeps the note that says so above its checks.
  const results: string[] = fromStep > 0 && prior?.message?.startsWith(RESTART_NOTE) ? [prior.message] : [];
  if (overall && copy.finished === copySteps.length) {
    const s = copy.ms / 1000;
    results.push(`All ${copySteps.length} disks: ${Math.round(copy.done / MiB)} MiB copied in ${s.toFixed(1)} s (${(copy.done / MiB / Math.max(s, 0.001)).toFixed(1)} MiB/s)`);
  }
  let postOk = true;
  try {
    const inv = await collectWithRetries(deps);
    for (const pc of plan.postChecks) {
      const r =
        pc.check.type === 'file-present'
          ? (await runAudited(deps, job, fileExistsArgv(pc.check.path), { host: pc.check.host })).ok
            ? { ok: true }
            : { ok: false, detail: `${pc.check.path} does not exist${pc.check.host ? ` on ${pc.check.host}` : ''}` }
          : evaluatePostCheck(inv, pc.check);
      results.push(`${r.ok ? '✓' : '✗'} ${pc.title}${r.detail ? `: ${r.detail}` : ''}`);
      if (!r.ok) postOk = false;
    }
  } catch (e) {
    postOk = false;
    results.push(`✗ could not re-read the host: ${(e as Error).message}`);
  }
  const ok = !failure && postOk;
  updateJob(deps.db, jobId, {
    status: ok ? 'succeeded' : 'failed',
    phase: ok ? 'done' : 'failed',
    progress: ok ? 1 : null,
    message: results.join('\n'),
    error: failure ?? (postOk ? null : 'the host does not show the expected result (see the checks)'),
  });
}
