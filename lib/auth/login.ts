import 'server-only';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { z } from 'zod';
import type { Db } from '@/lib/store/db';
import { recordSecurityEvent } from '@/lib/store/security-events';
import { addressKey } from './address';
import { beginLoginAttempt, LOGIN_WINDOW_MS, loginSucceeded, MAX_LOGIN_FAILURES, tooManyAttemptsMessage } from './rate-limit';
import { createSession, type NewSession } from './sessions';
import { normalizeUsername, verifyLogin, type User } from './users';

// Deliberately looser than usernameSchema/passwordSchema: a malformed name is just a failed login (and counted).
export const loginInputSchema = z.object({
  username: z.string().min(1, 'username is required').max(256),
  password: z.string().min(1, 'password is required').max(1024),
});
export type LoginInput = z.infer<typeof loginInputSchema>;

export type LoginResult =
  | { ok: true; user: User; session: NewSession }
  | { ok: false; status: 401 | 429; error: string; retryAfterS?: number };

export type PasswordCheck = { ok: true; user: User } | { ok: false; status: 401 | 429; error: string; retryAfterS?: number };

export const INVALID_LOGIN = 'Invalid username or password';

export interface LoginDeps {
  /** How the slow-down waits (tests pass a recorder). */
  sleep: (ms: number) => Promise<unknown>;
}

const defaultDeps: LoginDeps = { sleep: (ms) => sleepMs(ms) };

// Attempts held back for one username run one after the other: a username under attack from many addresses gets
// guesses at the pace of the slow-down, however many addresses send them (in memory: one server process).
const g = globalThis as { __cowherdLoginGates?: Map<string, Promise<unknown>> };
const gates: Map<string, Promise<unknown>> = (g.__cowherdLoginGates ??= new Map<string, Promise<unknown>>());

async function slowDown(username: string, ms: number, sleep: LoginDeps['sleep']): Promise<void> {
  if (ms <= 0) return;
  const mine = (gates.get(username) ?? Promise.resolve()).then(() => sleep(ms));
  gates.set(username, mine);
  try {
    await mine;
  } finally {
    if (gates.get(username) === mine) gates.delete(username);
  }
}

/**
 * Check a password under the login limits (the login form, JSON login and "change your password" all come here).
 * Audits failures and the lock; the caller audits what a success leads to.
 */
export async function checkPasswordLimited(
  db: Db,
  input: LoginInput,
  address: string,
  now: number = Date.now(),
  deps: LoginDeps = defaultDeps,
): Promise<PasswordCheck & { keys: { username: string; address: string }; rowids: number[] }> {
  const keys = { username: normalizeUsername(input.username).slice(0, 64), address: addressKey(address) };
  const attempt = beginLoginAttempt(db, keys, now);
  if (!attempt.ok) {
    const error = tooManyAttemptsMessage(attempt.retryAfterS);
    return { ok: false, status: 429, error, retryAfterS: attempt.retryAfterS, keys, rowids: [] };
  }
  await slowDown(keys.username, attempt.delayMs, deps.sleep);
  const user = await verifyLogin(db, input.username, input.password);
  const at = new Date(now);
  if (!user) {
    recordSecurityEvent(db, {
      event: 'login-failure',
      username: keys.username,
      detail: attempt.delayMs > 0 ? `wrong username or password (held back ${attempt.delayMs} ms)` : 'wrong username or password',
      address,
      at,
    });
    if (attempt.reachesLimit) {
      recordSecurityEvent(db, {
        event: 'login-lock',
        username: keys.username,
        detail: `${MAX_LOGIN_FAILURES} failed sign-ins from ${keys.address} in ${LOGIN_WINDOW_MS / 60_000} min: that address must wait`,
        address,
        at,
      });
    }
    return { ok: false, status: 401, error: INVALID_LOGIN, keys, rowids: attempt.rowids };
  }
  loginSucceeded(db, keys, attempt.rowids, now);
  return { ok: true, user, keys, rowids: attempt.rowids };
}

/** Check a username and password under the rate limit; on success a new session exists (set its cookie). */
export async function login(
  db: Db,
  input: LoginInput,
  address: string,
  now: number = Date.now(),
  deps: LoginDeps = defaultDeps,
): Promise<LoginResult> {
  const checked = await checkPasswordLimited(db, input, address, now, deps);
  if (!checked.ok) {
    const { status, error, retryAfterS } = checked;
    return retryAfterS === undefined ? { ok: false, status, error } : { ok: false, status, error, retryAfterS };
  }
  const session = createSession(db, checked.user.id, now);
  recordSecurityEvent(db, { event: 'login-success', username: checked.user.username, detail: 'signed in with a password', address, at: new Date(now) });
  return { ok: true, user: checked.user, session };
}
