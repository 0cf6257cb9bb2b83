import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from './migrations';
import { dbFile, openDb, SchemaVersionError } from './sqlite';
import { backupState, stateBackupName } from './state-backup';

let tmp: string | undefined;
const fresh = (): string => (tmp = mkdtempSync(path.join(os.tmpdir(), 'cw-state-')));
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

const users = (db: Database.Database) => db.prepare('SELECT username FROM users ORDER BY username').pluck().all();
function addUser(db: Database.Database, name: string) {
  db.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES (?, 'x', 'viewer', '2026-11-30')").run(name);
}

describe('state backup', () => {
  it('copies the live database (WAL included) consistently, 0600, and the copy opens as Cowherd state', async () => {
    const dir = fresh();
    const db = openDb(dbFile(dir));
    addUser(db, 'alice');
    // Still in the write-ahead log, not yet in the main file: a plain cp of cowherd.sqlite would miss it.
    addUser(db, 'bob');
    const dest = path.join(dir, 'state-backups', stateBackupName(new Date('2026-11-30T18:45:00.123Z')));
    expect(path.basename(dest)).toBe('cowherd-20261130T184500Z.sqlite');
    const b = await backupState(dbFile(dir), dest);
    expect(b.schemaVersion).toBe(MIGRATIONS.length);
    expect(b.rows.users).toBe(2);
    expect(statSync(dest).mode & 0o777).toBe(0o600);
    expect(readdirSync(path.dirname(dest))).toEqual([path.basename(dest)]);
    db.close();
    const copy = openDb(dest);
    expect(users(copy)).toEqual(['alice', 'bob']);
    copy.close();
  });

  it('never overwrites an existing file', async () => {
    const dir = fresh();
    openDb(dbFile(dir)).close();
    const dest = path.join(dir, 'b.sqlite');
    await backupState(dbFile(dir), dest);
    await expect(backupState(dbFile(dir), dest)).rejects.toThrow(/exists/);
    await expect(backupState(path.join(dir, 'none.sqlite'), path.join(dir, 'c.sqlite'))).rejects.toThrow(/no database/);
  });

  it('runs as `npm run state:backup` with COWHERD_DATA_DIR', () => {
    const dir = fresh();
    const db = openDb(dbFile(dir));
    addUser(db, 'carol');
    const out = execFileSync('npx', ['tsx', 'scripts/state-backup.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { ...process.env, COWHERD_DATA_DIR: dir },
      encoding: 'utf8',
    });
    db.close();
    const file = /state backup: (\S+)/.exec(out)?.[1] ?? '';
    expect(out).toMatch(/integrity ok/);
    expect(existsSync(file)).toBe(true);
    const copy = new Database(file, { readonly: true });
    expect(users(copy)).toEqual(['carol']);
    copy.close();
  }, 60_000);
});

describe('migrations run forward only', () => {
  it('refuse a database written by a newer Cowherd, and change nothing in it', () => {
    const dir = fresh();
    const file = dbFile(dir);
    const db = openDb(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDb(file)).toThrow(SchemaVersionError);
    expect(() => openDb(file)).toThrow(new RegExp(`schema version ${MIGRATIONS.length + 1}, newer than this Cowherd knows \\(${MIGRATIONS.length}\\)`));
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    raw.close();
  });
});
