// Users: the core (no 'server-only', see password.ts) shared by the app and scripts/user-add.ts.
// Every function takes the database, so tests use openDb(':memory:') and the script its own connection.
import { z } from 'zod';
import type { Db } from '@/lib/store/db';
import { hashPassword, verifyPassword } from './password';
import { roleAtLeast, roleSchema, type Role } from './roles';

export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9._-]{1,32}$/, 'username must be 1 to 32 characters of a-z, 0-9, dot, underscore or hyphen');

export const passwordSchema = z
  .string()
  .min(8, 'password must be at least 8 characters')
  .max(1024, 'password must be at most 1024 characters');

export const newUserSchema = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });
export type NewUser = z.infer<typeof newUserSchema>;

export interface User {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  created_at: string;
}

function toUser(row: UserRow): User {
  return { id: row.id, username: row.username, role: row.role, createdAt: row.created_at };
}

function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'invalid input';
}

/** Login input is forgiving about case and surrounding blanks; stored usernames are always lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export async function createUser(db: Db, input: NewUser, now: Date = new Date()): Promise<Result<User>> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const { username, password, role } = parsed.data;
  if (getUserByUsername(db, username)) return { ok: false, error: `user ${username} already exists` };
  const hash = await hashPassword(password);
  try {
    const info = db
      .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)')
      .run(username, hash, role, now.toISOString());
    return { ok: true, value: { id: Number(info.lastInsertRowid), username, role, createdAt: now.toISOString() } };
  } catch (err) {
    // Two concurrent creations of the same name: the UNIQUE constraint decides.
    if (err instanceof Error && 'code' in err && err.code === 'SQLITE_CONSTRAINT_UNIQUE') {
      return { ok: false, error: `user ${username} already exists` };
    }
    throw err;
  }
}

export function getUserById(db: Db, id: number): User | null {
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  return row ? toUser(row) : null;
}

export function getUserByUsername(db: Db, username: string): User | null {
  const row = db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
  return row ? toUser(row) : null;
}

export function listUsers(db: Db): User[] {
  return (db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
}

export function countUsers(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
}

// Computed once, so that a login for an unknown user costs as much as one for a known user (no timing oracle).
let dummyHash: Promise<string> | undefined;

/** The user if `password` is theirs, else null (unknown user and wrong password are indistinguishable). */
export async function verifyLogin(db: Db, username: string, password: string): Promise<User | null> {
  const name = normalizeUsername(username);
  const row = usernameSchema.safeParse(name).success
    ? (db.prepare('SELECT * FROM users WHERE username = ?').get(name) as UserRow | undefined)
    : undefined;
  if (!row) {
    dummyHash ??= hashPassword('not a password of anyone');
    await verifyPassword(password, await dummyHash);
    return null;
  }
  return (await verifyPassword(password, row.password_hash)) ? toUser(row) : null;
}

/** Set a new password and end the user's sessions (all of them, or all but `keepSessionHash`). */
export async function setUserPassword(
  db: Db,
  userId: number,
  password: string,
  keepSessionHash?: string,
): Promise<Result<null>> {
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) return { ok: false, error: firstIssue(parsed.error) };
  const hash = await hashPassword(parsed.data);
  const changed = db.transaction(() => {
    const info = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(hash, userId);
    db.prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?').run(userId, keepSessionHash ?? null);
    return info.changes;
  })();
  return changed ? { ok: true, value: null } : { ok: false, error: 'no such user' };
}

function otherAdmins(db: Db, userId: number): number {
  return (
    db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND id != ?").get(userId) as { n: number }
  ).n;
}

/** A user after a change, with what the change took away. */
export interface UserChange extends User {
  previousRole: Role;
  /** API tokens of the user revoked by the change (deletion or demotion). */
  revokedTokens: number;
}

// Tokens die with their creator's trust: a deleted or demoted user's tokens must not keep working.
function revokeTokensOf(db: Db, userId: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE created_by = ?').run(userId).changes;
}

/**
 * Change a user's role; the last admin cannot be demoted (nobody could manage users any more). A demotion revokes
 * every API token the user created.
 */
export function setUserRole(db: Db, userId: number, role: Role): Result<UserChange> {
  return db.transaction((): Result<UserChange> => {
    const user = getUserById(db, userId);
    if (!user) return { ok: false, error: 'no such user' };
    if (user.role === 'admin' && role !== 'admin' && otherAdmins(db, userId) === 0) {
      return { ok: false, error: 'the last admin cannot be demoted' };
    }
    db.prepare('UPDATE users SET role = ? WHERE id = ?').run(role, userId);
    const demoted = !roleAtLeast(role, user.role);
    const revokedTokens = demoted ? revokeTokensOf(db, userId) : 0;
    return { ok: true, value: { ...user, role, previousRole: user.role, revokedTokens } };
  })();
}

/** Delete a user (their sessions and API tokens go with them); the last admin cannot be deleted. */
export function deleteUser(db: Db, userId: number): Result<UserChange> {
  return db.transaction((): Result<UserChange> => {
    const user = getUserById(db, userId);
    if (!user) return { ok: false, error: 'no such user' };
    if (user.role === 'admin' && otherAdmins(db, userId) === 0) {
      return { ok: false, error: 'the last admin cannot be deleted' };
    }
    const revokedTokens = revokeTokensOf(db, userId);
    db.prepare('DELETE FROM users WHERE id = ?').run(userId);
    return { ok: true, value: { ...user, previousRole: user.role, revokedTokens } };
  })();
}

/**
 * Create the user `admin` with `password` when there is no user at all. Idempotent: returns whether it created it.
 * Without a password (COWHERD_ADMIN_PASSWORD unset) nothing is created.
 */
export async function createInitialAdmin(db: Db, password: string | undefined, now: Date = new Date()): Promise<boolean> {
  if (!password || countUsers(db) > 0) return false;
  const parsed = passwordSchema.safeParse(password);
  if (!parsed.success) throw new Error(`COWHERD_ADMIN_PASSWORD: ${firstIssue(parsed.error)}`);
  const hash = await hashPassword(parsed.data);
  // Check again inside the transaction: another process may have created a user while we hashed.
  return db.transaction(() => {
    if (countUsers(db) > 0) return false;
    db.prepare("INSERT INTO users (username, password_hash, role, created_at) VALUES ('admin', ?, 'admin', ?)").run(
      hash,
      now.toISOString(),
    );
    return true;
  })();
}
