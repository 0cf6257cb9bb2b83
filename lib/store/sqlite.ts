import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { lstatOrNull, myUid, octal } from '@/lib/fs/private';
import { MIGRATIONS } from './migrations';

// Deliberately without 'server-only': CLI scripts (tsx) open the same database through this module.
export type Db = Database.Database;

/** The database was written by a newer Cowherd: its schema has migrations this version does not know. */
export class SchemaVersionError extends Error {
  override name = 'SchemaVersionError';
}

/**
 * Apply every migration not yet applied (tracked by PRAGMA user_version), each in its own transaction. Forward
 * only: a database from a newer version (after a downgrade, or a state backup restored into an older install) is
 * refused before anything is read or written, since this version would misread tables it does not know.
 */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new SchemaVersionError(
      `the database has schema version ${current}, newer than this Cowherd knows (${MIGRATIONS.length}): ` +
        'run the Cowherd version that wrote it, or restore a state backup made by this version',
    );
  }
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}

/** The data directory cannot be trusted: refuse to start rather than keep sessions and audit where others can reach. */
export class DataDirError extends Error {
  override name = 'DataDirError';
}



/**
 * Make sure the data directory is ours alone: created 0700 when missing; refused when it is a symlink, not a
 * directory, owned by another user, or writable by group or others (anyone who can write there can swap the
 * database); tightened to 0700 when it is ours but readable by others (the database holds session and token hashes).
 */
export function prepareDataDir(dir: string): void {
  const abs = path.resolve(dir);
  // Parents are created as usual; only the last component is the data directory itself.
  if (lstatOrNull(abs) === null) mkdirSync(abs, { recursive: true, mode: 0o700 });
  const st = lstatOrNull(abs);
  if (st === null) throw new DataDirError(`data directory ${abs} could not be created`);
  if (st.isSymbolicLink()) {
    throw new DataDirError(`data directory ${abs} is a symlink; point COWHERD_DATA_DIR at the real directory`);
  }
  if (!st.isDirectory()) throw new DataDirError(`data directory ${abs} is not a directory`);
  const uid = myUid();
  if (uid !== null && st.uid !== uid) {
    throw new DataDirError(
      `data directory ${abs} is owned by uid ${st.uid}, not by this process (uid ${uid}); refusing to start. ` +
        `Fix: chown ${uid} ${abs} && chmod 700 ${abs}`,
    );
  }
  if ((st.mode & 0o022) !== 0) {
    throw new DataDirError(
      `data directory ${abs} is writable by group or others (mode ${octal(st.mode)}); refusing to start. ` +
        `Fix: chmod 700 ${abs}`,
    );
  }
  if ((st.mode & 0o077) !== 0) chmodSync(abs, 0o700);
}

/** The database and the files SQLite keeps beside it (write-ahead log, shared memory index). */
export function dbFiles(file: string): string[] {
  return [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
}

/**
 * Create the database file 0600 before SQLite does (it would use 0644 minus the umask): SQLite then gives the
 * -wal and -shm files it creates the database file's mode. Files left by an older version are tightened to 0600.
 */
function secureDbFiles(file: string): void {
  const st = lstatOrNull(file);
  if (st === null) {
    closeSync(openSync(file, 'wx', 0o600));
  } else if (!st.isFile()) {
    throw new DataDirError(`database ${file} is not a regular file (a symlink?); refusing to open it`);
  }
  for (const f of dbFiles(file)) {
    const s = lstatOrNull(f);
    if (s === null) continue;
    if (!s.isFile()) throw new DataDirError(`${f} is not a regular file (a symlink?); refusing to open the database`);
    if ((s.mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

export function openDb(file: string): Db {
  if (file !== ':memory:') {
    prepareDataDir(path.dirname(file));
    secureDbFiles(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

export function dbFile(dataDir: string): string {
  return path.resolve(dataDir, 'cowherd.sqlite');
}
