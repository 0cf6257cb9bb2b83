import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { beginLoginAttempt, LOGIN_WINDOW_MS, loginSucceeded, MAX_LOGIN_FAILURES, tooManyAttemptsMessage } from './rate-limit';

let db: Db;
const T0 = Date.parse('2030-01-01T00:00:00Z');
beforeEach(() => {
  db = openDb(':memory:');
});

function fail(username: string, ip: string, now: number) {
  return beginLoginAttempt(db, { username, ip }, now);
}

describe('login rate limit', () => {
  it('allows 10 failures per username in 10 minutes, then tells how long to wait', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(fail('admin', `10.0.0.${i}`, T0 + i * 1000).ok).toBe(true);
    const blocked = fail('admin', '10.0.1.1', T0 + 10_000);
    // The first failure (at T0) leaves the window at T0 + 600 s.
    expect(blocked).toEqual({ ok: false, retryAfterS: 590 });
    // Other users are not affected.
    expect(fail('bob', '10.0.1.1', T0 + 10_000).ok).toBe(true);
  });

  it('allows 10 failures per address across usernames', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(fail(`user${i}`, '192.0.2.7', T0).ok).toBe(true);
    expect(fail('someone-else', '192.0.2.7', T0 + 1)).toEqual({ ok: false, retryAfterS: 600 });
    expect(fail('someone-else', '192.0.2.8', T0 + 1).ok).toBe(true);
  });

  it('frees up as failures leave the window, and blocked attempts do not extend it', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) fail('admin', '10.0.0.1', T0 + i * 60_000);
    for (let i = 0; i < 5; i++) expect(fail('admin', '10.0.0.1', T0 + 9 * 60_000 + i).ok).toBe(false);
    expect(fail('admin', '10.0.0.1', T0 + LOGIN_WINDOW_MS - 1)).toEqual({ ok: false, retryAfterS: 1 });
    expect(fail('admin', '10.0.0.1', T0 + LOGIN_WINDOW_MS).ok).toBe(true);
    // and now it is full again until the second failure (at T0 + 60 s) leaves
    expect(fail('admin', '10.0.0.1', T0 + LOGIN_WINDOW_MS + 1)).toEqual({ ok: false, retryAfterS: 60 });
  });

  it('forgets the username failures on success, not the address ones', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) fail('admin', '10.0.0.1', T0);
    const ok = fail('admin', '10.0.0.1', T0);
    if (!ok.ok) throw new Error('blocked');
    loginSucceeded(db, { username: 'admin', ip: '10.0.0.1' }, ok.rowids);
    expect(fail('admin', '10.0.0.2', T0).ok).toBe(true);
    // the address had 9 failures; the successful attempt was taken back, the new one above came from elsewhere
    expect(fail('other', '10.0.0.1', T0).ok).toBe(true);
    expect(fail('other', '10.0.0.1', T0).ok).toBe(false);
  });

  it('says how long to wait', () => {
    expect(tooManyAttemptsMessage(42)).toBe('Too many attempts, try again in 42 s');
  });
});
