import 'server-only';
import { z } from 'zod';
import type { Db } from '@/lib/store/db';
import { beginLoginAttempt, loginSucceeded, tooManyAttemptsMessage } from './rate-limit';
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

export const INVALID_LOGIN = 'Invalid username or password';

/** Check a username and password under the rate limit; on success a new session exists (set its cookie). */
export async function login(db: Db, input: LoginInput, ip: string, now: number = Date.now()): Promise<LoginResult> {
  const keys = { username: normalizeUsername(input.username).slice(0, 64), ip };
  const attempt = beginLoginAttempt(db, keys, now);
  if (!attempt.ok) {
    return { ok: false, status: 429, error: tooManyAttemptsMessage(attempt.retryAfterS), retryAfterS: attempt.retryAfterS };
  }
  const user = await verifyLogin(db, input.username, input.password);
  if (!user) return { ok: false, status: 401, error: INVALID_LOGIN };
  loginSucceeded(db, keys, attempt.rowids);
  return { ok: true, user, session: createSession(db, user.id, now) };
}
