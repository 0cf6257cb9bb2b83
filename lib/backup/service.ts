import 'server-only';
import { config } from '@/lib/config/hosts';
import { runnerFor } from '@/lib/host';
import { db } from '@/lib/store/db';
import { getBackup, unknownFiles } from './catalogue';
import { listBackupDirArgv, parseTargetProbe, targetProbeArgv } from './commands';
import type { BackupPlanContext } from './plans';

export interface UnknownFilesOfHost {
  host: string;
  dir: string;
  files: { name: string; sizeBytes: number }[];
  error?: string;
}

/**
 * The files in each host's backupDir that the catalogue does not know (issue 11): listed so an administrator can
 * decide, never deleted by Cowherd. Temporary ".part" files of a running backup are listed too.
 */
export async function scanUnknownFiles(hostId?: string): Promise<UnknownFilesOfHost[]> {
  const hosts = config().hosts.filter((h) => !hostId || h.id === hostId);
  return Promise.all(
    hosts.map(async (h): Promise<UnknownFilesOfHost> => {
      try {
        const r = await runnerFor(h).run(listBackupDirArgv(h.backupDir), { timeoutMs: 30_000 });
        return { host: h.id, dir: h.backupDir, files: unknownFiles(db(), h.id, h.backupDir, r.stdout) };
      } catch (e) {
        return { host: h.id, dir: h.backupDir, files: [], error: (e as Error).message };
      }
    }),
  );
}

/**
 * The preflight's look at another host's backupDir before a backup to it (issue 11, between hosts): writable, and
 * how much is free. Read-only; a host that does not answer is reported, and the plan refuses.
 */
export async function probeBackupTarget(hostId: string): Promise<NonNullable<BackupPlanContext['targetProbe']>> {
  const h = config().hosts.find((x) => x.id === hostId);
  if (!h) return { host: hostId, availBytes: null, writable: false, error: 'not configured' };
  try {
    const r = await runnerFor(h).run(targetProbeArgv(h.backupDir), { timeoutMs: 30_000 });
    return { host: hostId, ...parseTargetProbe(r.stdout) };
  } catch (e) {
    return { host: hostId, availBytes: null, writable: false, error: (e as Error).message };
  }
}

/**
 * Where an operation is planned when that is not the host it was asked on: a restore to a new volume on another
 * host (`target.host`) is planned on that host, from a fresh read of it, and a restore over the original volume on
 * the host of that volume (the backup is streamed from the host that holds it).
 */
export function planningHost(operation: string, params: unknown, askedOn: string): string {
  if (operation !== 'restore-backup') return askedOn;
  const p = params as { backupId?: unknown; target?: { host?: unknown; overwrite?: unknown } } | undefined;
  const t = p?.target;
  if (t && typeof t.host === 'string') return t.host;
  // Over the original volume: on the host the backup was taken of (the file may be on another one).
  if (t?.overwrite === true && typeof p?.backupId === 'number') return getBackup(db(), p.backupId)?.host ?? askedOn;
  return askedOn;
}
