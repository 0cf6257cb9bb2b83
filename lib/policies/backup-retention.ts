/**
 * Retention over a backup policy's own series (issue 12): the backups of one volume that this policy made, taken
 * from the catalogue, with the same PBS semantics as snapshots (lib/schedule/retention.ts). A manual backup
 * (no policy), another policy's backup, or another volume's is never part of the series, so it can never be
 * pruned; a protected one is in the series, kept, and does not count. Pure and browser-safe (the policy page
 * shows each decision and its reason).
 */
import type { BackupRecord } from '@/lib/backup/schemas';
import { applyRetention, type RetentionDecision, type RetentionOptions } from '@/lib/schedule/retention';

type Row = Pick<BackupRecord, 'id' | 'host' | 'vg' | 'lv' | 'createdAt' | 'policyId' | 'protected'>;

/** This policy's backups of host:vg/lv, and nothing else. */
export function policyBackupSeries<B extends Row>(backups: B[], policyId: number, volume: { host: string; vg: string; lv: string }): B[] {
  return backups.filter((b) => b.policyId === policyId && b.host === volume.host && b.vg === volume.vg && b.lv === volume.lv);
}

/** Each backup of the series with retention's decision (keep / protected / prune) and the reason. */
export function backupRetention<B extends Row>(
  backups: B[],
  policyId: number,
  volume: { host: string; vg: string; lv: string },
  options: RetentionOptions,
  timeZone: string,
): (RetentionDecision & { backup: B })[] {
  const series = policyBackupSeries(backups, policyId, volume);
  const byId = new Map(series.map((b) => [String(b.id), b]));
  return applyRetention(
    series.map((b) => ({ id: String(b.id), time: b.createdAt, protected: b.protected })),
    options,
    timeZone,
  ).map((d) => ({ ...d, backup: byId.get(d.id)! }));
}

/** The backups retention prunes now: only this policy's, of this volume, never a protected one. */
export function backupsToPrune<B extends Row>(
  backups: B[],
  policyId: number,
  volume: { host: string; vg: string; lv: string },
  options: RetentionOptions,
  timeZone: string,
): B[] {
  return backupRetention(backups, policyId, volume, options, timeZone)
    .filter((d) => d.mark === 'prune')
    .map((d) => d.backup);
}
