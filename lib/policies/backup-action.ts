import 'server-only';
import { policyBackups } from '@/lib/backup/catalogue';
import { planBackupVolume, planDeleteBackup, type BackupPlanContext } from '@/lib/backup/plans';
import { probeBackupTarget } from '@/lib/backup/service';
import { config, findHost } from '@/lib/config/hosts';
import type { Inventory } from '@/lib/inventory/types';
import { getBackup } from '@/lib/backup/catalogue';
import { db } from '@/lib/store/db';
import type { PolicyActionRunner, TargetOutcome } from './actions';
import { backupsToPrune } from './backup-retention';
import { cowBytesFor, isThinOrigin, spaceGuard } from './targets';

const failed = (reason: string): TargetOutcome => ({ result: 'failed', reason });

/**
 * The `backup` action of a policy (issue 12 item 2): per covered LV, the backup-volume operation to the policy's
 * target host and format (an ordinary job: snapshot, copy, verify, rename, snapshot removed on every path), its
 * catalogue row marked with the policy's id; then retention over this policy's backups of that LV only, each
 * pruned one removed by a delete-backup job on the host that holds it. Manual and protected backups are never in
 * the selection (backup-retention.ts).
 */
export const backupAction: PolicyActionRunner = {
  async run(ctx, target, inv) {
    const p = ctx.policy;
    if (p.action.type !== 'backup') return failed('not a backup policy');
    const origin = inv.lvs.find((l) => l.vg === target.vg && l.name === target.lv);
    if (!origin) return failed(`no logical volume ${target.vg}/${target.lv}`);
    const label = `${origin.vg}/${origin.name}`;
    // The backup's snapshot needs its COW area (classic: 20 %, as create-snapshot) or room in the thin pool.
    const guard = spaceGuard(inv, origin, { maxFillPercent: p.maxFillPercent, cowBytes: isThinOrigin(origin) ? 0 : cowBytesFor(origin, 20) });
    if (guard) return { result: 'skipped', reason: `${label}: ${guard}` };

    const host = p.selector.host;
    const targetHost = p.action.targetHost ?? host;
    if (!findHost(targetHost)) return failed(`${label}: the target host ${targetHost} is not configured`);
    const bctx: BackupPlanContext = {
      ...ctx.planContext(inv),
      backupDir: findHost(host)?.backupDir,
      hostIds: config().hosts.map((h) => h.id),
      backupDirOf: (id) => findHost(id)?.backupDir,
      backup: (id) => getBackup(db(), id),
      targetProbe: targetHost !== host ? await probeBackupTarget(targetHost) : undefined,
    };
    const planned = planBackupVolume(bctx, {
      vg: origin.vg,
      lv: origin.name,
      format: p.action.format,
      consistency: p.consistency,
      ...(targetHost !== host ? { target: { host: targetHost } } : {}),
    });
    if (!planned.ok) return failed(`${label}: backup refused: ${planned.error}`);
    // The policy's id goes with the job: the catalogue row it makes is this policy's (its retention's series).
    const made = await ctx.job({ ...planned.plan, params: { ...planned.plan.params, policyId: p.id } });
    if (!made.ok) return failed(`${label}: backup failed: ${made.error}`);

    // The job has ended and its catalogue row is written (lib/ops/jobs.ts records it before the job's promise settles).
    const prune = backupsToPrune(policyBackups(db(), p.id), p.id, { host, vg: origin.vg, lv: origin.name }, p.retention, p.schedule.timeZone);
    const errors: string[] = [];
    for (const b of prune) {
      const holder = findHost(b.targetHost);
      if (!holder) {
        errors.push(`prune backup ${b.id}: its host ${b.targetHost} is not configured`);
        continue;
      }
      const name = b.file.slice(b.file.lastIndexOf('/') + 1);
      // delete-backup reads nothing of a host but its id (the file's host); the inventory is the policy host's.
      const holderInv: Inventory = { ...inv, host: b.targetHost };
      const del = planDeleteBackup({ ...bctx, inv: holderInv, backupDir: holder.backupDir }, { backupId: b.id, confirmName: name });
      if (!del.ok) {
        errors.push(`prune backup ${b.id}: ${del.error}`);
        continue;
      }
      const r = await ctx.job(del.plan);
      if (!r.ok) errors.push(`prune backup ${b.id}: ${r.error}`);
    }
    const summary = `${label}: backup made on ${targetHost} (job #${made.jobId}); ${prune.length - errors.length} pruned`;
    return errors.length ? failed(`${summary}; ${errors.join('; ')}`) : { result: 'ok', reason: summary };
  },
};
