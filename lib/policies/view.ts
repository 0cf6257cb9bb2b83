import 'server-only';
import { findHost } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { lastInventory } from '@/lib/inventory/service';
import { db } from '@/lib/store/db';
import { nextRunTimes, policyInput, type PolicyRun } from './schema';
import { getPolicy, listPolicies, listRuns, policyStatuses, type PolicyStatus, type StoredPolicy } from './store';
import { policyBackups } from '@/lib/backup/catalogue';
import { backupRetention } from './backup-retention';
import { policySeries, resolveTargets, retentionFor } from './targets';

/** A policy as the API and the pages show it: its last results and its next five run times. */
export interface PolicyView extends StoredPolicy {
  status: Omit<PolicyStatus, 'policyId'>;
  nextRuns: string[];
}

export interface SeriesEntry {
  vg: string;
  lv: string;
  origin: string;
  createdAt: string | null;
  protected: boolean;
  mark: 'keep' | 'protected' | 'prune';
  reason: string;
  /** A backup policy's entry: the catalogue id (Protect/Unprotect goes to the catalogue, not to an LVM tag). */
  backupId?: number;
}

const empty: Omit<PolicyStatus, 'policyId'> = { lastRun: null, lastFinished: null, lastSuccess: null, lastOutcome: null, failureStreak: 0 };

export function policyViews(now = new Date()): PolicyView[] {
  const statuses = policyStatuses(db());
  return listPolicies(db()).map((p) => toView(p, statuses.get(p.id), now));
}

function toView(p: StoredPolicy, s: PolicyStatus | undefined, now: Date): PolicyView {
  const status = s ? { lastRun: s.lastRun, lastFinished: s.lastFinished, lastSuccess: s.lastSuccess, lastOutcome: s.lastOutcome, failureStreak: s.failureStreak } : empty;
  return { ...p, status, nextRuns: p.enabled ? nextRunTimes(p.schedule.cron, p.schedule.timeZone, 5, now).map((d) => d.toISOString()) : [] };
}

export function policyView(id: number): (PolicyView & { series: SeriesEntry[] }) | undefined {
  const p = getPolicy(db(), id);
  if (!p) return undefined;
  return { ...toView(p, policyStatuses(db()).get(id), new Date()), series: seriesOf(p) };
}

/** The policy's own snapshots on its host (last read), with what retention decides about each and why. */
function seriesOf(p: StoredPolicy): SeriesEntry[] {
  if (p.action.type === 'backup') return backupSeriesOf(p);
  const inv = lastInventory(p.selector.host);
  if (!inv) return [];
  const t = resolveTargets(p.selector, inv);
  if (!t.ok) return [];
  return t.targets.flatMap((target) =>
    retentionFor(policySeries(inv, p.id, target.vg, target.lv), p.retention, p.schedule.timeZone).map((d) => ({
      vg: d.lv.vg,
      lv: d.lv.name,
      origin: target.lv,
      createdAt: d.lv.createdAt,
      protected: d.mark === 'protected',
      mark: d.mark,
      reason: d.reason,
    })),
  );
}

/** A backup policy's own backups (the catalogue), per volume, with retention's decision; `lv` is the file name. */
function backupSeriesOf(p: StoredPolicy): SeriesEntry[] {
  const mine = policyBackups(db(), p.id);
  const volumes = [...new Map(mine.map((b) => [`${b.host}|${b.vg}|${b.lv}`, { host: b.host, vg: b.vg, lv: b.lv }])).values()];
  return volumes.flatMap((v) =>
    backupRetention(mine, p.id, v, p.retention, p.schedule.timeZone).map((d) => ({
      vg: d.backup.vg,
      lv: `${d.backup.targetHost}:${d.backup.file.slice(d.backup.file.lastIndexOf('/') + 1)}`,
      origin: d.backup.lv,
      createdAt: d.backup.createdAt,
      protected: d.mark === 'protected',
      mark: d.mark,
      reason: d.reason,
      backupId: d.backup.id,
    })),
  );
}

export function runsOf(id: number, limit = 100, results: readonly string[] | null = null): PolicyRun[] {
  return listRuns(db(), id, limit, results);
}

/** The schema the API validates with: seconds fields only with COWHERD_POLICY_SECONDS (tests). */
export const serverPolicyInput = () => policyInput(env().COWHERD_POLICY_SECONDS);

/** A policy for a host that is not configured is refused (400) before it is stored. */
export function hostProblem(host: string): string | null {
  return findHost(host) ? null : `selector.host: unknown host ${JSON.stringify(host.slice(0, 64))}`;
}

/** A backup policy's target host must be configured too (issue 12). */
export function actionHostProblem(action: StoredPolicy['action']): string | null {
  if (action.type !== 'backup' || action.targetHost === undefined) return null;
  return findHost(action.targetHost) ? null : `action.targetHost: unknown host ${JSON.stringify(action.targetHost.slice(0, 64))}`;
}

/** What the Guests page needs to show which policies cover a guest and when each last succeeded. */
export interface PolicyCoverage {
  id: number;
  name: string;
  enabled: boolean;
  selector: StoredPolicy['selector'];
  lastSuccessAt: string | null;
  lastResult: PolicyRun['result'] | null;
}

export function policyCoverage(): PolicyCoverage[] {
  const statuses = policyStatuses(db());
  return listPolicies(db()).map((p) => {
    const s = statuses.get(p.id);
    return { id: p.id, name: p.name, enabled: p.enabled, selector: p.selector, lastSuccessAt: s?.lastSuccess?.finishedAt ?? null, lastResult: s?.lastRun?.result ?? null };
  });
}
