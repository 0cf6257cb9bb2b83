/**
 * Parameters of the backup operations (issue 11). Browser-safe like lib/ops/schemas.ts (zod and LVM's naming
 * rules only): the API validates with them and the wizards check their inputs with the very same schemas.
 */
import { z } from 'zod';
import { lvNameSchema as lvName, vgNameSchema as vgName } from '@/lib/lvm/name-schemas';

/** A configured host's id has this shape (lib/config/hosts.ts); whether it is configured is checked by the plan. */
const hostId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a host id of 1-32 characters of a-z, 0-9 and "-"');
const backupId = z.number().int().positive().max(2 ** 31);

export const backupVolumeParams = z
  .object({
    vg: vgName,
    lv: lvName,
    /** Where the file goes (that host's backupDir); default the same host. */
    target: z.object({ host: hostId }).strict().optional(),
    format: z.enum(['qcow2', 'raw']).default('qcow2'),
    consistency: z.enum(['auto', 'freeze', 'suspend', 'none']).default('auto'),
    /** The classic snapshot's COW area (default as create-snapshot: 20% of the volume, at least 4 MiB). */
    snapshotSizeBytes: z.number().int().positive().max(2 ** 53).optional(),
  })
  .strict();

export const restoreBackupParams = z
  .object({
    backupId,
    target: z.union([
      z.object({ host: hostId.optional(), vg: vgName, name: lvName }).strict(),
      z.object({ overwrite: z.literal(true), confirmName: z.string() }).strict(),
    ]),
  })
  .strict();

export const deleteBackupParams = z.object({ backupId, confirmName: z.string() }).strict();
export const verifyBackupParams = z.object({ backupId }).strict();

export const BACKUP_OPERATION_SCHEMAS = {
  'backup-volume': backupVolumeParams,
  'restore-backup': restoreBackupParams,
  'delete-backup': deleteBackupParams,
  'verify-backup': verifyBackupParams,
} as const;

export type BackupVolumeParams = z.infer<typeof backupVolumeParams>;
export type RestoreBackupParams = z.infer<typeof restoreBackupParams>;
export type DeleteBackupParams = z.infer<typeof deleteBackupParams>;
export type VerifyBackupParams = z.infer<typeof verifyBackupParams>;

/** How consistent a backup is, as the catalogue shows it. */
export type BackupConsistency = 'frozen' | 'suspended' | 'crash-consistent' | 'offline';

/** A backup as the catalogue and GET /api/backups serve it (browser-safe type). */
export interface BackupRecord {
  id: number;
  host: string;
  vg: string;
  lv: string;
  guestName: string | null;
  guestUuid: string | null;
  targetHost: string;
  file: string;
  format: 'qcow2' | 'raw';
  logicalSizeBytes: number;
  sizeOnDiskBytes: number;
  volumeSha256: string;
  fileSha256: string;
  consistency: BackupConsistency;
  createdAt: string;
  durationMs: number;
  throughputBps: number;
  lastVerifiedAt: string | null;
  lastVerifyOk: boolean | null;
  jobId: number | null;
  /** The backup policy that made it (issue 12), or null for a manual backup: retention prunes only its own. */
  policyId: number | null;
  /** Never pruned by any policy. */
  protected: boolean;
}
