import 'server-only';
import { env } from '@/lib/env';
import { dbFile, openDb, type Db } from './sqlite';

export { migrate, openDb, type Db } from './sqlite';

// One connection per server process; kept on globalThis so Next.js dev reloads don't open a new one each time.
const g = globalThis as { __cowherdDb?: Db };

export function db(): Db {
  g.__cowherdDb ??= openDb(dbFile(env().COWHERD_DATA_DIR));
  return g.__cowherdDb;
}
