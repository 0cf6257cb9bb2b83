// A consistent copy of Cowherd's own state (users, tokens, jobs, audit log, alerts, policies, backup catalogue),
// safe while the server runs:
//   npm run state:backup [-- <file>]
// Default file: <COWHERD_DATA_DIR>/state-backups/cowherd-<UTC time>.sqlite. Restore: README, "Cowherd's own state".
import path from 'node:path';
import { loadEnv } from '@/lib/env';
import { backupState, describeSchema, stateBackupName } from '@/lib/store/state-backup';
import { dbFile } from '@/lib/store/sqlite';

async function main(): Promise<void> {
  const env = loadEnv();
  const db = dbFile(env.COWHERD_DATA_DIR);
  const arg = process.argv[2];
  if (arg === '-h' || arg === '--help') {
    console.log('usage: npm run state:backup [-- <file>]   (default: <COWHERD_DATA_DIR>/state-backups/cowherd-<time>.sqlite)');
    return;
  }
  const dest = path.resolve(arg ?? path.join(env.COWHERD_DATA_DIR, 'state-backups', stateBackupName()));
  const t0 = performance.now();
  const b = await backupState(db, dest);
  console.log(`state backup: ${b.file}`);
  console.log(`  ${(b.bytes / 1024).toFixed(0)} KiB in ${((performance.now() - t0) / 1000).toFixed(2)} s, integrity ok, ${describeSchema(b.schemaVersion)}`);
  console.log(`  rows: ${Object.entries(b.rows).map(([t, n]) => `${t} ${n}`).join(', ')}`);
}

main().catch((e: unknown) => {
  console.error(`state:backup: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
