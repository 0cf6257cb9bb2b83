import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DataDirError, dbFile, openDb, prepareDataDir } from './sqlite';

// Real files in real temporary directories: the modes are what the kernel reports, not what the code meant.
const mode = (p: string) => statSync(p).mode & 0o777;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

let tmp: string | undefined;
const fresh = (): string => (tmp = mkdtempSync(path.join(os.tmpdir(), 'cw-db-')));
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('openDb file permissions', () => {
  it('creates the data directory 0700 and the database, -wal and -shm 0600 even under a lax umask', () => {
    const dir = path.join(fresh(), 'data');
    const old = process.umask(0o022);
    try {
      const db = openDb(dbFile(dir));
      db.prepare('CREATE TABLE IF NOT EXISTS t (x)').run();
      db.prepare('INSERT INTO t VALUES (1)').run();
      const file = dbFile(dir);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      expect(mode(dir)).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      db.close();
    } finally {
      process.umask(old);
    }
  });

  it('tightens a database and WAL left world-readable by an older version, and a 0755 directory', () => {
    const dir = path.join(fresh(), 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = dbFile(dir);
    openDb(file).close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      writeFileSync(f, '', { flag: 'a' });
      chmodSync(f, 0o644);
    }
    openDb(file).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
    for (const f of [`${file}-wal`, `${file}-shm`]) if (existsSync(f)) expect(mode(f)).toBe(0o600);
  });

  it.each([0o777, 0o775, 0o757, 0o1777])('refuses a data directory writable by group or others (mode %o)', (m) => {
    const dir = path.join(fresh(), 'data');
    mkdirSync(dir);
    chmodSync(dir, m);
    expect(() => openDb(dbFile(dir))).toThrow(DataDirError);
    expect(() => prepareDataDir(dir)).toThrow(/writable by group or others .*chmod 700/);
    expect(existsSync(dbFile(dir))).toBe(false);
  });

  it.skipIf(!isRoot)('refuses a data directory owned by another user', () => {
    const dir = path.join(fresh(), 'data');
    mkdirSync(dir, { mode: 0o700 });
    chownSync(dir, 4242, 4242);
    expect(() => openDb(dbFile(dir))).toThrow(/owned by uid 4242, not by this process/);
  });

  it('refuses a data directory that is a symlink, and a database that is a symlink', () => {
    const base = fresh();
    const real = path.join(base, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, path.join(base, 'link'));
    expect(() => prepareDataDir(path.join(base, 'link'))).toThrow(/is a symlink/);

    const dir = path.join(base, 'data');
    mkdirSync(dir, { mode: 0o700 });
    symlinkSync(path.join(base, 'elsewhere.sqlite'), dbFile(dir));
    expect(() => openDb(dbFile(dir))).toThrow(/not a regular file/);
    expect(existsSync(path.join(base, 'elsewhere.sqlite'))).toBe(false);
  });

  it('leaves an in-memory database alone', () => {
    expect(() => openDb(':memory:').close()).not.toThrow();
  });
});
