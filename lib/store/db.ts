import 'server-only';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/env';
import { MIGRATIONS } from './migrations';

export type Db = Database.Database;

/** Apply every migration not yet applied (tracked by PRAGMA user_version), each in its own transaction. */
export function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}

export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

// One connection per server process; kept on globalThis so Next.js dev reloads don't open a new one each time.
const g = globalThis as { __cowherdDb?: Db };

export function db(): Db {
  g.__cowherdDb ??= openDb(path.resolve(env().COWHERD_DATA_DIR, 'cowherd.sqlite'));
  return g.__cowherdDb;
}
