import 'server-only';
import { env } from '@/lib/env';
import { db, type Db } from '@/lib/store/db';
import { countUsers, createInitialAdmin } from './users';

/**
 * At start-up (instrumentation.ts): create the user `admin` from COWHERD_ADMIN_PASSWORD when no user exists.
 * Idempotent; returns whether it created the user.
 */
export async function ensureInitialAdmin(
  database: Db = db(),
  password: string | undefined = env().COWHERD_ADMIN_PASSWORD,
): Promise<boolean> {
  const created = await createInitialAdmin(database, password);
  if (created) {
    console.info('cowherd: created the user "admin" from COWHERD_ADMIN_PASSWORD');
  } else if (countUsers(database) === 0) {
    console.warn(
      'cowherd: no user exists, so nobody can sign in. Set COWHERD_ADMIN_PASSWORD and restart, or run ' +
        '`npx tsx scripts/user-add.ts <username> admin`.',
    );
  }
  return created;
}
