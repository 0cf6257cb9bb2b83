import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { listAudit } from '@/lib/store/jobs';
import { resolveClientAddress } from './address';
import { INVALID_LOGIN, login, type LoginDeps } from './login';
import { hashingStats, MAX_CONCURRENT_HASHES } from './password';
import { MAX_LOGIN_FAILURES, slowdownMs } from './rate-limit';
import { lookupSession } from './sessions';
import { createUser } from './users';

let db: Db;
let slept: number[];
let deps: LoginDeps;
const T0 = Date.parse('2030-01-01T00:00:00Z');
beforeEach(async () => {
  db = openDb(':memory:');
  slept = [];
  deps = { sleep: (ms) => Promise.resolve(void slept.push(ms)) };
  await createUser(db, { username: 'heidi', password: 'heidi-password', role: 'operator' });
  await createUser(db, { username: 'admin', password: 'admin-password', role: 'admin' });
});

const events = () => listAudit(db, { kind: 'security' }).map((e) => [e.operation, e.username, e.address]);

describe('login', () => {
  it('creates a session for the right password, and audits it', async () => {
    const r = await login(db, { username: 'heidi', password: 'heidi-password' }, '127.0.0.1', T0, deps);
    if (!r.ok) throw new Error(r.error);
    expect(r.user).toMatchObject({ username: 'heidi', role: 'operator' });
    expect(lookupSession(db, r.session.id, T0)?.user.username).toBe('heidi');
    expect(events()).toEqual([['login-success', 'heidi', '127.0.0.1']]);
  });

  it('fails alike for a wrong password and an unknown user, and audits both', async () => {
    for (const username of ['heidi', 'ivan']) {
      expect(await login(db, { username, password: 'nope-nope' }, '127.0.0.1', T0, deps)).toEqual({
        ok: false,
        status: 401,
        error: INVALID_LOGIN,
      });
    }
    expect(events()).toEqual([
      ['login-failure', 'ivan', '127.0.0.1'],
      ['login-failure', 'heidi', '127.0.0.1'],
    ]);
  });

  it('issue 10: eleven wrong passwords for admin with forged X-Forwarded-For, then the right one is accepted', async () => {
    // The attacker connects directly (no trusted proxy) from 192.0.2.66 and makes up a new X-Forwarded-For each time.
    const attacker = (i: number) => resolveClientAddress({ peer: '192.0.2.66', forwardedFor: `10.9.0.${i}`, realIp: null }, []);
    const results = [];
    for (let i = 0; i < 11; i++) results.push(await login(db, { username: 'admin', password: `wrong-${i}` }, attacker(i), T0, deps));
    // All eleven came from one client: ten failures, then that client (only) is refused.
    expect(results.map((r) => (r.ok ? 200 : r.status))).toEqual([...Array<number>(10).fill(401), 429]);
    expect(events().filter(([e]) => e === 'login-lock')).toEqual([['login-lock', 'admin', '192.0.2.66']]);
    // The admin, from their own address, signs in.
    const admin = await login(db, { username: 'admin', password: 'admin-password' }, '198.51.100.1', T0 + 1000, deps);
    expect(admin.ok).toBe(true);
  });

  it('never refuses the right password because of failures from many addresses; slows down new addresses', async () => {
    const known = await login(db, { username: 'admin', password: 'admin-password' }, '198.51.100.1', T0, deps);
    expect(known.ok).toBe(true);
    for (let i = 0; i < 2 * MAX_LOGIN_FAILURES; i++) {
      expect(await login(db, { username: 'ADMIN', password: `guess-${i}` }, `10.1.0.${i}`, T0, deps)).toMatchObject({ status: 401 });
    }
    slept = [];
    // from the address it signed in from: at once
    expect((await login(db, { username: 'admin', password: 'admin-password' }, '198.51.100.1', T0 + 1000, deps)).ok).toBe(true);
    expect(slept).toEqual([]);
    // from a new address: held back, not refused
    expect((await login(db, { username: 'admin', password: 'admin-password' }, '203.0.113.5', T0 + 2000, deps)).ok).toBe(true);
    expect(slept).toEqual([slowdownMs(2 * MAX_LOGIN_FAILURES)]);
  });

  it('holds back attempts on a username under attack one after the other, whatever their addresses', async () => {
    for (let i = 0; i < 2 * MAX_LOGIN_FAILURES; i++) await login(db, { username: 'admin', password: `guess-${i}` }, `10.1.1.${i}`, T0, deps);
    const waits: { ms: number; release: () => void }[] = [];
    const gated: LoginDeps = { sleep: (ms) => new Promise<void>((release) => waits.push({ ms, release })) };
    const a = login(db, { username: 'admin', password: 'guess-a' }, '10.4.0.1', T0, gated);
    const b = login(db, { username: 'admin', password: 'admin-password' }, '10.4.0.2', T0, gated);
    await new Promise((r) => setTimeout(r, 20));
    expect(waits).toHaveLength(1); // the second waits for the first's delay to end before starting its own
    waits[0]?.release();
    await new Promise((r) => setTimeout(r, 20));
    expect(waits).toHaveLength(2);
    waits[1]?.release();
    expect((await a).ok).toBe(false);
    expect((await b).ok).toBe(true);
  });

  it('counts an IPv6 /64 as one client', async () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      await login(db, { username: 'heidi', password: `guess-${i}` }, `2001:db8:1:2::${(i + 1).toString(16)}`, T0, deps);
    }
    expect(await login(db, { username: 'heidi', password: 'heidi-password' }, '2001:db8:1:2:ffff::1', T0, deps)).toMatchObject({
      ok: false,
      status: 429,
    });
    expect((await login(db, { username: 'heidi', password: 'heidi-password' }, '2001:db8:1:3::1', T0, deps)).ok).toBe(true);
  });

  it('refuses the client itself after 10 failures, with 429 and the wait', async () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      expect(await login(db, { username: 'HEIDI', password: `guess-${i}` }, '10.2.0.1', T0, deps)).toMatchObject({ status: 401 });
    }
    expect(await login(db, { username: 'heidi', password: 'heidi-password' }, '10.2.0.1', T0 + 1000, deps)).toEqual({
      ok: false,
      status: 429,
      error: 'Too many attempts, try again in 599 s',
      retryAfterS: 599,
    });
  });

  it('counts parallel guesses before checking them, and hashes at most two at a time', async () => {
    const guesses = Array.from({ length: 15 }, (_, i) =>
      login(db, { username: 'heidi', password: `parallel-${i}` }, '10.3.0.1', T0, deps),
    );
    const results = await Promise.all(guesses);
    expect(results.filter((r) => !r.ok && r.status === 401)).toHaveLength(MAX_LOGIN_FAILURES);
    expect(results.filter((r) => !r.ok && r.status === 429)).toHaveLength(5);
    expect(hashingStats().peak).toBe(MAX_CONCURRENT_HASHES);
    expect(hashingStats().active).toBe(0);
  });
});
