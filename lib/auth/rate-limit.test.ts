import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import {
  beginLoginAttempt,
  LOGIN_WINDOW_MS,
  loginSucceeded,
  MAX_ADDRESS_FAILURES,
  MAX_LOGIN_FAILURES,
  MAX_SLOWDOWN_MS,
  slowdownMs,
  tooManyAttemptsMessage,
} from './rate-limit';

let db: Db;
const T0 = Date.parse('2030-01-01T00:00:00Z');
beforeEach(() => {
  db = openDb(':memory:');
});

function fail(username: string, address: string, now: number) {
  return beginLoginAttempt(db, { username, address }, now);
}

describe('login rate limit', () => {
  it('allows 10 failures per (username, address) in 10 minutes, then tells how long to wait', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(fail('admin', '10.0.0.1', T0 + i * 1000).ok).toBe(true);
    // The first failure (at T0) leaves the window at T0 + 600 s.
    expect(fail('admin', '10.0.0.1', T0 + 10_000)).toEqual({ ok: false, retryAfterS: 590 });
    // The same username from another address, and another username from this one, are not refused.
    expect(fail('admin', '10.0.1.1', T0 + 10_000).ok).toBe(true);
    expect(fail('bob', '10.0.0.1', T0 + 10_000).ok).toBe(true);
  });

  it('never refuses a username because of failures from many addresses (issue 10)', () => {
    for (let i = 0; i < 200; i++) expect(fail('admin', `10.0.${i >> 8}.${i & 255}`, T0).ok).toBe(true);
    expect(fail('admin', '192.0.2.1', T0 + 1).ok).toBe(true);
  });

  it('says which failure reaches the limit (to audit the lock once)', () => {
    const flags = Array.from({ length: MAX_LOGIN_FAILURES }, () => {
      const a = fail('admin', '10.0.0.1', T0);
      return a.ok && a.reachesLimit;
    });
    expect(flags.indexOf(true)).toBe(MAX_LOGIN_FAILURES - 1);
    expect(flags.filter(Boolean)).toHaveLength(1);
  });

  it('allows 30 failures per address across usernames', () => {
    for (let i = 0; i < MAX_ADDRESS_FAILURES; i++) expect(fail(`user${i}`, '192.0.2.7', T0).ok).toBe(true);
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

  it('forgets this client\'s failures for the username on success, not the address\'s nor other clients\'', () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES - 1; i++) fail('admin', '10.0.0.1', T0);
    for (let i = 0; i < 20; i++) fail('admin', `10.5.0.${i}`, T0);
    const ok = fail('admin', '10.0.0.1', T0);
    if (!ok.ok) throw new Error('blocked');
    loginSucceeded(db, { username: 'admin', address: '10.0.0.1' }, ok.rowids, T0);
    // the pair starts over: 10 more failures are allowed
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) expect(fail('admin', '10.0.0.1', T0 + 1).ok).toBe(true);
    // the username is still under attack: a new address is slowed down
    const fresh = fail('admin', '10.7.0.1', T0 + 1);
    expect(fresh.ok && fresh.delayMs).toBeGreaterThan(0);
  });

  it('slows down (never blocks) a username under attack, except from addresses it signed in from', () => {
    const ok = fail('admin', '10.0.0.1', T0);
    if (!ok.ok) throw new Error('blocked');
    loginSucceeded(db, { username: 'admin', address: '10.0.0.1' }, ok.rowids, T0);
    for (let i = 0; i < 15; i++) fail('admin', `10.6.0.${i}`, T0 + 1);
    const known = fail('admin', '10.0.0.1', T0 + 2);
    const unknown = fail('admin', '10.8.0.1', T0 + 2);
    expect(known).toMatchObject({ ok: true, delayMs: 0 });
    expect(unknown).toMatchObject({ ok: true, delayMs: slowdownMs(16) });
  });

  it.each([
    [0, 0],
    [9, 0],
    [10, 250],
    [11, 500],
    [29, 5000],
    [1000, MAX_SLOWDOWN_MS],
  ])('slowdownMs(%i) = %i', (failures, ms) => expect(slowdownMs(failures)).toBe(ms));

  it('says how long to wait', () => {
    expect(tooManyAttemptsMessage(42)).toBe('Too many attempts, try again in 42 s');
  });
});
