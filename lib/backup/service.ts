import 'server-only';
import { config } from '@/lib/config/hosts';
import { runnerFor } from '@/lib/host';
import { db } from '@/lib/store/db';
import { unknownFiles } from './catalogue';
import { listBackupDirArgv } from './commands';

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
