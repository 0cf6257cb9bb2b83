import 'server-only';
import type { Db } from '@/lib/store/db';

/**
 * Hard limit: at most this many failed logins per window for one username from one client address (an IPv6 /64).
 * Keyed on the pair, so failures from elsewhere never lock a user out: issue 10 showed that a per-username limit
 * lets anyone who reaches the login page lock out the admin.
 */
export const MAX_LOGIN_FAILURES = 10;
/** Hard limit per client address across usernames (one client guessing at many accounts). */
export const MAX_ADDRESS_FAILURES = 30;
export const LOGIN_WINDOW_MS = 10 * 60 * 1000;
/** Failures of one username (from all addresses) after which attempts from addresses new to it are slowed down. */
export const SLOWDOWN_AFTER = 10;
export const SLOWDOWN_STEP_MS = 250;
export const MAX_SLOWDOWN_MS = 5000;
/** An address a user signed in from is "known" (never slowed down) for this long. */
export const KNOWN_ADDRESS_MS = 90 * 24 * 3_600_000;

export interface AttemptKeys {
  /** Normalised username (at most 64 characters). */
  username: string;
  /** The client's addressKey (an IPv4 address, an IPv6 /64, or "unknown"). */
  address: string;
}

export type AttemptStart =
  | {
      ok: true;
      /** rowids of the attempt, to forget it when the password was right */
      rowids: number[];
      /** How long to hold this attempt back before checking the password (a username under attack). */
      delayMs: number;
      /** Whether this attempt, if it fails, is the one that reaches the hard limit of its (username, address). */
      reachesLimit: boolean;
    }
  | { ok: false; retryAfterS: number };

const pairKey = ({ username, address }: AttemptKeys) => `pair:${username}|${address}`;
const addressKeyOf = ({ address }: AttemptKeys) => `addr:${address}`;
const userKey = ({ username }: AttemptKeys) => `user:${username}`;

/** The slow-down for a username with `failures` recent failures, for an address it never signed in from. */
export function slowdownMs(failures: number): number {
  if (failures < SLOWDOWN_AFTER) return 0;
  return Math.min(MAX_SLOWDOWN_MS, (failures - SLOWDOWN_AFTER + 1) * SLOWDOWN_STEP_MS);
}

function times(db: Db, key: string, now: number): number[] {
  return (
    db.prepare('SELECT at FROM login_attempts WHERE key = ? AND at > ? ORDER BY at').all(key, now - LOGIN_WINDOW_MS) as {
      at: number;
    }[]
  ).map((r) => r.at);
}

/** Seconds until `key` is below `max` again, or 0 when it is below now. */
function retryAfter(db: Db, key: string, max: number, now: number): number {
  const t = times(db, key, now);
  if (t.length < max) return 0;
  // Below the limit again once enough of the oldest failures have left the window.
  const freeing = t[t.length - max] ?? now;
  return Math.max(1, Math.ceil((freeing + LOGIN_WINDOW_MS - now) / 1000));
}

export function isKnownAddress(db: Db, keys: AttemptKeys, now: number): boolean {
  return !!db
    .prepare('SELECT 1 FROM login_known_addresses WHERE username = ? AND address = ? AND at > ?')
    .get(keys.username, keys.address, now - KNOWN_ADDRESS_MS);
}

/**
 * Begin a login attempt: refused when the (username, address) pair or the address is over its limit, else counted
 * as a failure right away, before the password is checked, so that parallel guesses cannot all slip in under the
 * limit. A successful login then calls loginSucceeded to take it back. Failures of the username from other
 * addresses never refuse: they only slow down attempts from addresses the user never signed in from.
 */
export function beginLoginAttempt(db: Db, keys: AttemptKeys, now: number = Date.now()): AttemptStart {
  return db.transaction((): AttemptStart => {
    db.prepare('DELETE FROM login_attempts WHERE at <= ?').run(now - LOGIN_WINDOW_MS);
    const wait = Math.max(
      retryAfter(db, pairKey(keys), MAX_LOGIN_FAILURES, now),
      retryAfter(db, addressKeyOf(keys), MAX_ADDRESS_FAILURES, now),
    );
    if (wait > 0) return { ok: false, retryAfterS: wait };
    const ownFailures = times(db, pairKey(keys), now).length;
    const userFailures = times(db, userKey(keys), now).length;
    const delayMs = isKnownAddress(db, keys, now) ? 0 : slowdownMs(userFailures);
    const insert = db.prepare('INSERT INTO login_attempts (key, at) VALUES (?, ?)');
    const rowids = [pairKey(keys), addressKeyOf(keys), userKey(keys)].map((k) => Number(insert.run(k, now).lastInsertRowid));
    return { ok: true, rowids, delayMs, reachesLimit: ownFailures + 1 === MAX_LOGIN_FAILURES };
  })();
}

/**
 * The password was right: forget this attempt and this client's earlier failures for the username, and remember
 * the address as known. The username's failures from other addresses stay (the real user signing in must not
 * reset an attacker's slow-down), and so does the address's count across usernames (or anyone with one account
 * could reset their address's budget between guesses at other accounts).
 */
export function loginSucceeded(db: Db, keys: AttemptKeys, rowids: readonly number[], now: number = Date.now()): void {
  db.transaction(() => {
    const del = db.prepare('DELETE FROM login_attempts WHERE rowid = ?');
    for (const id of rowids) del.run(id);
    db.prepare('DELETE FROM login_attempts WHERE key = ?').run(pairKey(keys));
    db.prepare(
      `INSERT INTO login_known_addresses (username, address, at) VALUES (?, ?, ?)
       ON CONFLICT (username, address) DO UPDATE SET at = excluded.at`,
    ).run(keys.username, keys.address, now);
  })();
}

export function tooManyAttemptsMessage(retryAfterS: number): string {
  return `Too many attempts, try again in ${retryAfterS} s`;
}
