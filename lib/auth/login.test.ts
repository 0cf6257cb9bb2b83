import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { INVALID_LOGIN, login } from './login';
import { MAX_LOGIN_FAILURES } from './rate-limit';
import { lookupSession } from './sessions';
import { createUser } from './users';

let db: Db;
const T0 = Date.parse('2030-01-01T00:00:00Z');
beforeEach(async () => {
  db = openDb(':memory:');
  await createUser(db, { username: 'heidi', password: 'heidi-password', role: 'operator' });
});

describe('login', () => {
  it('creates a session for the right password', async () => {
    const r = await login(db, { username: 'heidi', password: 'heidi-password' }, '127.0.0.1', T0);
    if (!r.ok) throw new Error(r.error);
    expect(r.user).toMatchObject({ username: 'heidi', role: 'operator' });
    expect(lookupSession(db, r.session.id, T0)?.user.username).toBe('heidi');
  });

  it('fails alike for a wrong password and an unknown user', async () => {
    expect(await login(db, { username: 'heidi', password: 'nope' }, '127.0.0.1', T0)).toEqual({
      ok: false,
      status: 401,
      error: INVALID_LOGIN,
    });
    expect(await login(db, { username: 'ivan', password: 'heidi-password' }, '127.0.0.1', T0)).toEqual({
      ok: false,
      status: 401,
      error: INVALID_LOGIN,
    });
  });

  it('refuses even the right password after 10 failures, with 429 and the wait', async () => {
    for (let i = 0; i < MAX_LOGIN_FAILURES; i++) {
      expect(await login(db, { username: 'HEIDI', password: `guess-${i}` }, `10.1.0.${i}`, T0)).toMatchObject({ status: 401 });
    }
    expect(await login(db, { username: 'heidi', password: 'heidi-password' }, '10.2.0.1', T0 + 1000)).toEqual({
      ok: false,
      status: 429,
      error: 'Too many attempts, try again in 599 s',
      retryAfterS: 599,
    });
  });

  it('counts parallel guesses before checking them', async () => {
    const guesses = Array.from({ length: 15 }, (_, i) =>
      login(db, { username: 'heidi', password: `parallel-${i}` }, '10.3.0.1', T0),
    );
    const results = await Promise.all(guesses);
    expect(results.filter((r) => !r.ok && r.status === 401)).toHaveLength(MAX_LOGIN_FAILURES);
    expect(results.filter((r) => !r.ok && r.status === 429)).toHaveLength(5);
  });
});
