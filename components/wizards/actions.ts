'use server';

import { z } from 'zod';
import { requireActionUser } from '@/lib/auth/guard';
import { findHost } from '@/lib/config/hosts';
import { runner } from '@/lib/host';
import { runOperation } from '@/lib/ops/jobs';
import { completeMergeParams, mergeSnapshotParams } from '@/lib/ops/merge';
import { createSnapshotParams, exportSnapshotParams, extendSnapshotParams, removeSnapshotParams } from '@/lib/ops/plans';
import { formatZodError } from '@/lib/ops/registry';
import { backupVolumeParams, deleteBackupParams, restoreBackupParams, verifyBackupParams } from '@/lib/backup/schemas';
import { copyGuestParams, moveGuestParams, retireMovedGuestParams } from '@/lib/move/schemas';
import { planScript } from '@/lib/ops/render';
import type { Check, Plan } from '@/lib/ops/types';
import { LVMCONFIG_AUTOEXTEND_ARGV, parseLvmconfigAutoextend, type AutoextendResult } from '@/lib/lvm/lvmconfig';

// The wizards' server side. Every action checks its caller (an action is a public endpoint), validates its input
// with zod before anything else, and returns failures as values for the wizard to show. The operation parameters
// are validated again by runOperation (the same schemas), and the plan is always rebuilt from a fresh read of the
// host: the browser never sends a plan, only parameters.

const hostIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'not a host id');

const wizardRequest = z.discriminatedUnion('operation', [
  z.object({ operation: z.literal('create-snapshot'), params: createSnapshotParams }).strict(),
  z.object({ operation: z.literal('extend-snapshot'), params: extendSnapshotParams }).strict(),
  z.object({ operation: z.literal('remove-snapshot'), params: removeSnapshotParams }).strict(),
  z.object({ operation: z.literal('export-snapshot'), params: exportSnapshotParams }).strict(),
  z.object({ operation: z.literal('merge-snapshot'), params: mergeSnapshotParams }).strict(),
  z.object({ operation: z.literal('complete-merge'), params: completeMergeParams }).strict(),
  // issue 11: backups
  z.object({ operation: z.literal('backup-volume'), params: backupVolumeParams }).strict(),
  z.object({ operation: z.literal('restore-backup'), params: restoreBackupParams }).strict(),
  z.object({ operation: z.literal('delete-backup'), params: deleteBackupParams }).strict(),
  z.object({ operation: z.literal('verify-backup'), params: verifyBackupParams }).strict(),
  // issue 14: move or copy a guest to another host
  z.object({ operation: z.literal('move-guest'), params: moveGuestParams }).strict(),
  z.object({ operation: z.literal('copy-guest'), params: copyGuestParams }).strict(),
  z.object({ operation: z.literal('retire-moved-guest'), params: retireMovedGuestParams }).strict(),
]);

export type WizardOperation = z.input<typeof wizardRequest>['operation'];
export type WizardRequest = z.input<typeof wizardRequest>;

/** A plan as the review step shows it: the plan itself plus each step as the command a user would type. */
export type ReviewedPlan = Pick<Plan, 'operation' | 'host' | 'summary' | 'consequences' | 'preflight' | 'postChecks' | 'destructive'> & {
  params: Record<string, unknown>;
  steps: { title: string; command: string; cleanup: boolean }[];
  /** planScript(plan): the whole plan as a shell transcript. */
  script: string[];
};

export type Refusal = { ok: false; error: string; preflight?: Check[] };
export type DryRunResult = { ok: true; plan: ReviewedPlan } | Refusal;
export type RunResult = { ok: true; jobId: number } | Refusal;

function toReviewed(plan: Plan): ReviewedPlan {
  const script = planScript(plan);
  return {
    operation: plan.operation,
    host: plan.host,
    summary: plan.summary,
    consequences: plan.consequences,
    preflight: plan.preflight,
    postChecks: plan.postChecks,
    destructive: plan.destructive,
    params: plan.params,
    steps: plan.steps.map((s, i) => ({
      title: s.title,
      command: (script[i] ?? '').replace(/^# (always, even if a step above failed|only if a step above failed, to undo it):\n/, ''),
      cleanup: s.cleanup !== undefined,
    })),
    script,
  };
}

async function operate(host: unknown, request: unknown, dryRun: boolean) {
  const auth = await requireActionUser('operator');
  if (!auth.ok) return { ok: false as const, error: auth.error };
  const h = hostIdSchema.safeParse(host);
  if (!h.success) return { ok: false as const, error: `invalid host: ${formatZodError(h.error)}` };
  const r = wizardRequest.safeParse(request);
  if (!r.success) return { ok: false as const, error: `invalid parameters: ${formatZodError(r.error)}` };
  return runOperation(auth.principal.username, h.data, r.data.operation, r.data.params, dryRun);
}

/** Build the plan (a fresh read of the host, nothing changes on it) for the review step. */
export async function dryRunAction(host: string, request: WizardRequest): Promise<DryRunResult> {
  const r = await operate(host, request, true);
  if (!r.ok) return { ok: false, error: r.error, ...('preflight' in r && r.preflight ? { preflight: r.preflight } : {}) };
  return { ok: true, plan: toReviewed(r.plan) };
}

/** Plan again from a fresh read and start the job; the wizard then goes to /jobs/[id]. */
export async function runAction(host: string, request: WizardRequest): Promise<RunResult> {
  const r = await operate(host, request, false);
  if (!r.ok) return { ok: false, error: r.error, ...('preflight' in r && r.preflight ? { preflight: r.preflight } : {}) };
  if (r.dryRun) return { ok: false, error: 'internal error: the job was not started' };
  return { ok: true, jobId: r.job.id };
}

/**
 * The host's snapshot auto-extension settings, for the extend wizard. A read (argv only, nothing changes on the
 * host), so it is not written to the audit log.
 */
export async function snapshotAutoextendAction(host: string): Promise<AutoextendResult> {
  const auth = await requireActionUser('operator');
  if (!auth.ok) return { ok: false, error: auth.error };
  const h = hostIdSchema.safeParse(host);
  if (!h.success || !findHost(h.data)) return { ok: false, error: `unknown host ${String(host)}` };
  try {
    const r = await runner(h.data).run([...LVMCONFIG_AUTOEXTEND_ARGV], { reject: false, timeoutMs: 20_000 });
    if (r.exitCode !== 0) return { ok: false, error: `lvmconfig failed (exit ${r.exitCode}): ${r.stderr.trim() || 'no output'}` };
    return parseLvmconfigAutoextend(r.stdout);
  } catch (e) {
    return { ok: false, error: `cannot read the LVM configuration of ${h.data}: ${(e as Error).message}` };
  }
}
