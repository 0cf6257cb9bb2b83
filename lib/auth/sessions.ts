import 'server-only';
import type { Db } from '@/lib/store/db';
import { SESSION_TTL_MS } from './constants';
import { randomSecret, sha256Hex } from './secrets';
import type { User } from './users';

export interface NewSession {
  /** The secret for the cookie; never stored. */
  id: string;
  idHash: string;
  expiresAt: Date;
}

export interface SessionInfo {
  idHash: string;
  user: User;
  expiresAt: Date;
}

const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export function createSession(db: Db, userId: number, now: number = Date.now()): NewSession {
  const id = randomSecret(32);
  const idHash = sha256Hex(id);
  const expiresAt = new Date(now + SESSION_TTL_MS);
  db.transaction(() => {
    // Housekeeping on login: expired rows are useless and login is rare enough to pay for it.
    db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(new Date(now).toISOString());
    db.prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)').run(
      idHash,
      userId,
      new Date(now).toISOString(),
      expiresAt.toISOString(),
    );
  })();
  return { id, idHash, expiresAt };
}

/** The live session with this cookie value and its user (with the user's current role), or null. */
export function lookupSession(db: Db, id: string | undefined, now: number = Date.now()): SessionInfo | null {
  if (!id || !SESSION_ID.test(id)) return null;
  const idHash = sha256Hex(id);
  const row = db
    .prepare(
      `SELECT s.expires_at, u.id, u.username, u.role, u.created_at
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.id_hash = ?`,
    )
    .get(idHash) as
    | { expires_at: string; id: number; username: string; role: User['role']; created_at: string }
    | undefined;
  if (!row) return null;
  const expiresAt = new Date(row.expires_at);
  if (!(expiresAt.getTime() > now)) {
    db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
    return null;
  }
  return {
    idHash,
    user: { id: row.id, username: row.username, role: row.role, createdAt: row.created_at },
    expiresAt,
  };
}

/** Log out: the session row is deleted, so the cookie is worthless even if it was copied. */
export function deleteSession(db: Db, id: string | undefined): boolean {
  if (!id || !SESSION_ID.test(id)) return false;
  return db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(sha256Hex(id)).changes > 0;
}

export function deleteUserSessions(db: Db, userId: number): number {
  return db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId).changes;
}
