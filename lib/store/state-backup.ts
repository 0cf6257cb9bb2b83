import Database from 'better-sqlite3';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS } from './migrations';

// Deliberately without 'server-only': `npm run state:backup` (scripts/state-backup.ts) runs it from the CLI.

export interface StateBackup {
  file: string;
  bytes: number;
  schemaVersion: number;
  /** Rows per table in the copy, so the operator sees what it holds. */
  rows: Record<string, number>;
}

/** A file name for a backup made at `at`: cowherd-20261130T184500Z.sqlite. */
export function stateBackupName(at = new Date()): string {
  return `cowherd-${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}.sqlite`;
}

/**
 * A consistent copy of Cowherd's database while the server runs: SQLite's online backup API (better-sqlite3's
 * db.backup), which copies pages under SQLite's own locking, so a write in progress is either in the copy or not,
 * never half (a `cp` of the file and its -wal can be torn). The copy is written 0600 under a temporary name,
 * checked with `PRAGMA integrity_check`, and renamed into place only then; an existing file is never overwritten.
 */
export async function backupState(dbPath: string, dest: string): Promise<StateBackup> {
  if (!existsSync(dbPath)) throw new Error(`no database at ${dbPath} (is COWHERD_DATA_DIR right?)`);
  if (existsSync(dest)) throw new Error(`${dest} exists; choose another file`);
  mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
  const tmp = `${dest}.partial`;
  rmSync(tmp, { force: true });
  // 0600 before SQLite writes a byte: the copy holds session and token hashes, as the database does.
  closeSync(openSync(tmp, 'wx', 0o600));
  const src = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    await src.backup(tmp);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    src.close();
  }
  // The copy keeps the source's WAL mode: switch it to a rollback journal, so that it is one self-contained file
  // (no -wal or -shm beside it, now or when it is opened later).
  const copy = new Database(tmp, { fileMustExist: true });
  let schemaVersion: number;
  const rows: Record<string, number> = {};
  try {
    copy.pragma('journal_mode = DELETE');
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`the copy failed SQLite's integrity check: ${String(check)}`);
    schemaVersion = copy.pragma('user_version', { simple: true }) as number;
    const tables = copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    for (const t of tables) rows[t] = copy.prepare(`SELECT count(*) FROM "${t.replaceAll('"', '""')}"`).pluck().get() as number;
  } catch (e) {
    copy.close();
    rmSync(tmp, { force: true });
    throw e;
  }
  copy.close();
  for (const f of [`${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  chmodSync(tmp, 0o600);
  renameSync(tmp, dest);
  return { file: dest, bytes: statSync(dest).size, schemaVersion, rows };
}

/** What a restore must know: a copy from a newer Cowherd is refused at start (migrate), so say it before. */
export function describeSchema(version: number): string {
  return version > MIGRATIONS.length
    ? `schema ${version}: newer than this Cowherd (${MIGRATIONS.length}); it will refuse to start on it`
    : `schema ${version} of ${MIGRATIONS.length}${version < MIGRATIONS.length ? ' (older: migrated forward at start)' : ''}`;
}
