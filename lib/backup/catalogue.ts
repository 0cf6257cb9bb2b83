/**
 * The backup catalogue (SQLite, issue 11): one row per verified backup file. Rows are written only from a
 * backup-volume job that succeeded (its verify and rename steps' output), updated by verify-backup, removed by
 * delete-backup. Takes the Db as an argument (unit-testable without the server).
 */
import type { Db } from '@/lib/store/db';
import type { JobRow, JobStepRow } from '@/lib/store/jobs';
import { parseKeyLines } from './commands';
import type { BackupJobFacts } from './plans';
import type { BackupConsistency, BackupRecord } from './schemas';

interface RawBackup {
  id: number;
  host: string;
  vg: string;
  lv: string;
  guest_name: string | null;
  guest_uuid: string | null;
  target_host: string;
  file: string;
  format: 'qcow2' | 'raw';
  logical_size: number;
  size_on_disk: number;
  volume_sha256: string;
  file_sha256: string;
  consistency: BackupConsistency;
  created_at: string;
  duration_ms: number;
  throughput_bps: number;
  last_verified_at: string | null;
  last_verify_ok: number | null;
  job_id: number | null;
  policy_id: number | null;
  protected: number;
}

function toRecord(r: RawBackup): BackupRecord {
  return {
    id: r.id,
    host: r.host,
    vg: r.vg,
    lv: r.lv,
    guestName: r.guest_name,
    guestUuid: r.guest_uuid,
    targetHost: r.target_host,
    file: r.file,
    format: r.format,
    logicalSizeBytes: r.logical_size,
    sizeOnDiskBytes: r.size_on_disk,
    volumeSha256: r.volume_sha256,
    fileSha256: r.file_sha256,
    consistency: r.consistency,
    createdAt: r.created_at,
    durationMs: r.duration_ms,
    throughputBps: r.throughput_bps,
    lastVerifiedAt: r.last_verified_at,
    lastVerifyOk: r.last_verify_ok === null ? null : r.last_verify_ok === 1,
    jobId: r.job_id,
    policyId: r.policy_id ?? null,
    protected: r.protected === 1,
  };
}

export type NewBackup = Omit<BackupRecord, 'id' | 'lastVerifiedAt' | 'lastVerifyOk' | 'policyId' | 'protected'> & { policyId?: number | null };

export function insertBackup(db: Db, b: NewBackup): number {
  const r = db
    .prepare(
      `INSERT INTO backups (host, vg, lv, guest_name, guest_uuid, target_host, file, format, logical_size, size_on_disk,
         volume_sha256, file_sha256, consistency, created_at, duration_ms, throughput_bps, last_verified_at, last_verify_ok, job_id, policy_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
    )
    .run(b.host, b.vg, b.lv, b.guestName, b.guestUuid, b.targetHost, b.file, b.format, b.logicalSizeBytes, b.sizeOnDiskBytes,
      b.volumeSha256, b.fileSha256, b.consistency, b.createdAt, Math.round(b.durationMs), b.throughputBps, b.createdAt, b.jobId, b.policyId ?? null);
  return Number(r.lastInsertRowid);
}

export interface BackupFilter {
  host?: string;
  vg?: string;
  lv?: string;
  guest?: string;
}

export function listBackups(db: Db, f: BackupFilter = {}): BackupRecord[] {
  const where: string[] = [];
  const args: string[] = [];
  if (f.host) { where.push('(host = ? OR target_host = ?)'); args.push(f.host, f.host); }
  if (f.vg) { where.push('vg = ?'); args.push(f.vg); }
  if (f.lv) { where.push('lv = ?'); args.push(f.lv); }
  if (f.guest) { where.push('(guest_name = ? OR guest_uuid = ?)'); args.push(f.guest, f.guest); }
  const sql = `SELECT * FROM backups ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT 1000`;
  return (db.prepare(sql).all(...args) as RawBackup[]).map(toRecord);
}

export function getBackup(db: Db, id: number): BackupRecord | undefined {
  const r = db.prepare('SELECT * FROM backups WHERE id = ?').get(id) as RawBackup | undefined;
  return r ? toRecord(r) : undefined;
}

export function deleteBackupRow(db: Db, id: number): void {
  db.prepare('DELETE FROM backups WHERE id = ?').run(id);
}

/** Protect a backup from every policy's pruning, or lift that (issue 12). False when there is no such backup. */
export function setBackupProtected(db: Db, id: number, value: boolean): boolean {
  return db.prepare('UPDATE backups SET protected = ? WHERE id = ?').run(value ? 1 : 0, id).changes > 0;
}

/** The backups a policy made (its series, every volume), newest first. */
export function policyBackups(db: Db, policyId: number): BackupRecord[] {
  return (db.prepare('SELECT * FROM backups WHERE policy_id = ? ORDER BY created_at DESC, id DESC').all(policyId) as RawBackup[]).map(toRecord);
}

export function markVerified(db: Db, id: number, ok: boolean, at = new Date().toISOString()): void {
  db.prepare('UPDATE backups SET last_verified_at = ?, last_verify_ok = ? WHERE id = ?').run(at, ok ? 1 : 0, id);
}

const stepOut = (steps: JobStepRow[], title: (t: string) => boolean) => steps.find((s) => title(s.title) && s.status === 'succeeded')?.stdout ?? '';

/**
 * What a job that ended changes in the catalogue. backup-volume (succeeded): a new row from its verify and rename
 * steps' output. verify-backup: the outcome (a file checksum that differs is a failed verification). delete-backup
 * (succeeded): the row goes.
 */
export function recordJobOutcome(db: Db, job: JobRow & { steps: JobStepRow[] }): void {
  const p = job.params as { backupId?: number; backup?: BackupJobFacts; vg?: string; lv?: string; format?: 'qcow2' | 'raw'; policyId?: number };
  if (job.operation === 'backup-volume' && job.status === 'succeeded' && p.backup && p.vg && p.lv && p.format) {
    const verify = parseKeyLines(stepOut(job.steps, (t) => t.startsWith('Verify the backup')));
    const renamed = parseKeyLines(stepOut(job.steps, (t) => t.startsWith('Rename the verified backup')));
    if (!verify.volume || !verify.file) return;
    // The copy, and for a qcow2 backup to another host the conversion on the target after the raw stream.
    const copyMs = job.steps
      .filter((s) => s.title.startsWith('Copy ') || s.title.startsWith('Convert '))
      .reduce((ms, s) => ms + (s.startedAt && s.endedAt ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : 0), 0);
    const durationMs = job.startedAt && job.endedAt ? Date.parse(job.endedAt) - Date.parse(job.startedAt) : copyMs;
    insertBackup(db, {
      host: job.host,
      vg: p.vg,
      lv: p.lv,
      guestName: p.backup.guestName,
      guestUuid: p.backup.guestUuid,
      targetHost: p.backup.targetHost,
      file: p.backup.file,
      format: p.format,
      logicalSizeBytes: p.backup.sizeBytes,
      sizeOnDiskBytes: Number(renamed.size ?? 0),
      volumeSha256: verify.volume,
      fileSha256: verify.file,
      consistency: p.backup.consistency,
      createdAt: job.startedAt ?? job.createdAt,
      durationMs,
      throughputBps: copyMs > 0 ? p.backup.sizeBytes / (copyMs / 1000) : 0,
      jobId: job.id,
      // Issue 12: a backup policy's job carries its id (set by the policy, never by the API's schema).
      policyId: typeof p.policyId === 'number' ? p.policyId : null,
    });
  } else if (job.operation === 'verify-backup' && p.backupId) {
    const b = getBackup(db, p.backupId);
    if (!b) return;
    const out = parseKeyLines(job.steps.find((s) => s.title.startsWith('Re-read '))?.stdout ?? '');
    markVerified(db, b.id, job.status === 'succeeded' && out.file === b.fileSha256);
  } else if (job.operation === 'delete-backup' && job.status === 'succeeded' && p.backupId) {
    deleteBackupRow(db, p.backupId);
  }
}

/** Files in a backupDir listing ("<size> <name>" lines) that the catalogue does not know: shown, never deleted. */
export function unknownFiles(db: Db, targetHost: string, dir: string, listing: string): { name: string; sizeBytes: number }[] {
  const known = new Set(
    (db.prepare('SELECT file FROM backups WHERE target_host = ?').all(targetHost) as { file: string }[]).map((r) => r.file),
  );
  const out: { name: string; sizeBytes: number }[] = [];
  for (const line of listing.split('\n')) {
    const m = /^(\d+) (.+)$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const full = `${dir.replace(/\/$/, '')}/${m[2]}`;
    if (!known.has(full)) out.push({ name: m[2], sizeBytes: Number(m[1]) });
  }
  return out;
}

/** The newest backup of each volume (for /metrics): host, VG, LV, when, and its size on disk. */
export function newestBackups(db: Db): { host: string; vg: string; lv: string; createdAt: string; sizeOnDiskBytes: number }[] {
  return db
    .prepare(
      `SELECT host, vg, lv, created_at AS createdAt, size_on_disk AS sizeOnDiskBytes FROM backups b
       WHERE created_at = (SELECT max(created_at) FROM backups c WHERE c.host = b.host AND c.vg = b.vg AND c.lv = b.lv)
       GROUP BY host, vg, lv`,
    )
    .all() as { host: string; vg: string; lv: string; createdAt: string; sizeOnDiskBytes: number }[];
}
