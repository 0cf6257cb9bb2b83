import 'server-only';
import type { Db } from '@/lib/store/db';

/** At most this many failed logins per window, counted separately per username and per client address. */
export const MAX_LOGIN_FAILURES = 10;
export const LOGIN_WINDOW_MS = 10 * 60 * 1000;

export interface AttemptKeys {
  username: string;
  ip: string;
}

export type AttemptStart =
  | { ok: true; /** rowids of the attempt, to forget it when the password was right */ rowids: number[] }
  | { ok: false; retryAfterS: number };

function keysOf({ username, ip }: AttemptKeys): string[] {
  return [`user:${username}`, `ip:${ip}`];
}

/** Seconds until `key` is below the limit again, or 0 when it is below now. */
function retryAfter(db: Db, key: string, now: number): number {
  const since = now - LOGIN_WINDOW_MS;
  const times = (
    db.prepare('SELECT at FROM login_attempts WHERE key = ? AND at > ? ORDER BY at').all(key, since) as { at: number }[]
  ).map((r) => r.at);
  if (times.length < MAX_LOGIN_FAILURES) return 0;
  // Below the limit again once enough of the oldest failures have left the window.
  const freeing = times[times.length - MAX_LOGIN_FAILURES] ?? now;
  return Math.max(1, Math.ceil((freeing + LOGIN_WINDOW_MS - now) / 1000));
}

/**
 * Begin a login attempt: refused when the username or the address is over the limit, else counted as a failure
 * right away, before the password is checked, so that parallel guesses cannot all slip in under the limit.
 * A successful login then calls loginSucceeded to take it back.
 */
export function beginLoginAttempt(db: Db, keys: AttemptKeys, now: number = Date.now()): AttemptStart {
  return db.transaction((): AttemptStart => {
    db.prepare('DELETE FROM login_attempts WHERE at <= ?').run(now - LOGIN_WINDOW_MS);
    const wait = Math.max(...keysOf(keys).map((k) => retryAfter(db, k, now)));
    if (wait > 0) return { ok: false, retryAfterS: wait };
    const insert = db.prepare('INSERT INTO login_attempts (key, at) VALUES (?, ?)');
    return { ok: true, rowids: keysOf(keys).map((k) => Number(insert.run(k, now).lastInsertRowid)) };
  })();
}

/**
 * The password was right: forget this attempt and the username's earlier failures. The address keeps its count,
 * or anyone with one account could reset their address's budget between guesses at other accounts.
 */
export function loginSucceeded(db: Db, keys: AttemptKeys, rowids: readonly number[]): void {
  db.transaction(() => {
    const del = db.prepare('DELETE FROM login_attempts WHERE rowid = ?');
    for (const id of rowids) del.run(id);
    db.prepare('DELETE FROM login_attempts WHERE key = ?').run(`user:${keys.username}`);
  })();
}

export function tooManyAttemptsMessage(retryAfterS: number): string {
  return `Too many attempts, try again in ${retryAfterS} s`;
}
