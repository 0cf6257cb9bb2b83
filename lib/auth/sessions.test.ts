import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { SESSION_TTL_MS } from './constants';
import { sha256Hex } from './secrets';
import { createSession, deleteSession, deleteUserSessions, lookupSession } from './sessions';
import { createUser, deleteUser, setUserRole, type User } from './users';

let db: Db;
let user: User;
const T0 = Date.parse('2030-01-01T08:00:00Z');

beforeEach(async () => {
  db = openDb(':memory:');
  await createUser(db, { username: 'first', password: 'first-password', role: 'admin' });
  const r = await createUser(db, { username: 'grace', password: 'grace-password', role: 'operator' });
  if (!r.ok) throw new Error(r.error);
  user = r.value;
});

describe('sessions', () => {
  it('use a random 32-byte id and store only its sha256', () => {
    const s = createSession(db, user.id, T0);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(s.id, 'base64url')).toHaveLength(32);
    expect(createSession(db, user.id, T0).id).not.toBe(s.id);
    const rows = db.prepare('SELECT id_hash FROM sessions').all() as { id_hash: string }[];
    expect(rows.map((r) => r.id_hash)).toContain(sha256Hex(s.id));
    expect(JSON.stringify(rows)).not.toContain(s.id);
  });

  it('expire after 12 hours', () => {
    const s = createSession(db, user.id, T0);
    expect(s.expiresAt.getTime()).toBe(T0 + 12 * 3600 * 1000);
    expect(lookupSession(db, s.id, T0 + SESSION_TTL_MS - 1)?.user).toMatchObject({ username: 'grace' });
    expect(lookupSession(db, s.id, T0 + SESSION_TTL_MS)).toBeNull();
    // and the expired row is gone
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  });

  it('reflect the current role of the user and die with the user', () => {
    const s = createSession(db, user.id, T0);
    setUserRole(db, user.id, 'viewer');
    expect(lookupSession(db, s.id, T0)?.user.role).toBe('viewer');
    deleteUser(db, user.id);
    expect(lookupSession(db, s.id, T0)).toBeNull();
  });

  it('end on logout', () => {
    const s = createSession(db, user.id, T0);
    expect(deleteSession(db, s.id)).toBe(true);
    expect(lookupSession(db, s.id, T0)).toBeNull();
    expect(deleteSession(db, s.id)).toBe(false);
    createSession(db, user.id, T0);
    expect(deleteUserSessions(db, user.id)).toBe(1);
  });

  it('ignore missing or malformed ids', () => {
    expect(lookupSession(db, undefined)).toBeNull();
    expect(lookupSession(db, '')).toBeNull();
    expect(lookupSession(db, 'x'.repeat(42))).toBeNull();
    expect(lookupSession(db, "' OR 1=1 --")).toBeNull();
    expect(lookupSession(db, 'A'.repeat(43))).toBeNull();
  });

  it('clean up expired rows on login', () => {
    createSession(db, user.id, T0);
    createSession(db, user.id, T0 + SESSION_TTL_MS + 1);
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 1 });
  });
});
