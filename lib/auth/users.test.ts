import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { createSession, lookupSession } from './sessions';
import {
  countUsers,
  createInitialAdmin,
  createUser,
  deleteUser,
  getUserByUsername,
  listUsers,
  setUserPassword,
  setUserRole,
  usernameSchema,
  verifyLogin,
} from './users';

let db: Db;
beforeEach(() => {
  db = openDb(':memory:');
});

describe('usernameSchema', () => {
  it.each(['a', 'admin', 'ops.team_1-x', 'a'.repeat(32), '0'])('accepts %s', (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(true);
  });
  it.each(['', 'Admin', 'a b', 'a'.repeat(33), 'root;', 'é', 'user@host', ' admin'])('rejects %j', (name) => {
    expect(usernameSchema.safeParse(name).success).toBe(false);
  });
});

describe('createUser', () => {
  it('stores a hash, never the password', async () => {
    const r = await createUser(db, { username: 'alice', password: 'alice-password', role: 'operator' });
    expect(r).toMatchObject({ ok: true, value: { username: 'alice', role: 'operator' } });
    const row = db.prepare('SELECT password_hash FROM users WHERE username = ?').get('alice') as { password_hash: string };
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('alice-password');
  });

  it('returns errors as values: bad name, short password, bad role, duplicate', async () => {
    expect(await createUser(db, { username: 'Bad Name', password: 'long enough', role: 'viewer' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('username') as unknown,
    });
    expect(await createUser(db, { username: 'bob', password: 'short', role: 'viewer' })).toEqual({
      ok: false,
      error: 'password must be at least 8 characters',
    });
    expect(
      await createUser(db, { username: 'bob', password: 'long enough', role: 'root' as unknown as 'admin' }),
    ).toMatchObject({ ok: false });
    await createUser(db, { username: 'bob', password: 'long enough', role: 'viewer' });
    expect(await createUser(db, { username: 'bob', password: 'other password', role: 'admin' })).toEqual({
      ok: false,
      error: 'user bob already exists',
    });
    expect(countUsers(db)).toBe(1);
  });
});

describe('verifyLogin', () => {
  beforeEach(async () => {
    await createUser(db, { username: 'carol', password: 'carol-password', role: 'viewer' });
  });
  it('returns the user for the right password, ignoring case and blanks around the name', async () => {
    expect(await verifyLogin(db, 'carol', 'carol-password')).toMatchObject({ username: 'carol', role: 'viewer' });
    expect(await verifyLogin(db, ' Carol ', 'carol-password')).toMatchObject({ username: 'carol' });
  });
  it('returns null for a wrong password, an unknown or malformed user', async () => {
    expect(await verifyLogin(db, 'carol', 'wrong-password')).toBeNull();
    expect(await verifyLogin(db, 'dave', 'carol-password')).toBeNull();
    expect(await verifyLogin(db, "carol' OR 1=1 --", 'x')).toBeNull();
  });
});

describe('roles and deletion', () => {
  it('never leaves the system without an admin', async () => {
    const admin = await createUser(db, { username: 'root1', password: 'password1', role: 'admin' });
    if (!admin.ok) throw new Error(admin.error);
    expect(setUserRole(db, admin.value.id, 'viewer')).toEqual({ ok: false, error: 'the last admin cannot be demoted' });
    expect(deleteUser(db, admin.value.id)).toEqual({ ok: false, error: 'the last admin cannot be deleted' });
    const second = await createUser(db, { username: 'root2', password: 'password2', role: 'admin' });
    if (!second.ok) throw new Error(second.error);
    expect(setUserRole(db, admin.value.id, 'operator')).toMatchObject({ ok: true, value: { role: 'operator' } });
    expect(deleteUser(db, admin.value.id)).toMatchObject({ ok: true });
    expect(listUsers(db).map((u) => u.username)).toEqual(['root2']);
    expect(deleteUser(db, 999)).toEqual({ ok: false, error: 'no such user' });
  });
});

describe('setUserPassword', () => {
  it('changes the password and ends other sessions', async () => {
    const u = await createUser(db, { username: 'erin', password: 'first-password', role: 'viewer' });
    if (!u.ok) throw new Error(u.error);
    const keep = createSession(db, u.value.id);
    const other = createSession(db, u.value.id);
    expect(await setUserPassword(db, u.value.id, 'second-password', keep.idHash)).toEqual({ ok: true, value: null });
    expect(await verifyLogin(db, 'erin', 'first-password')).toBeNull();
    expect(await verifyLogin(db, 'erin', 'second-password')).not.toBeNull();
    expect(lookupSession(db, keep.id)).not.toBeNull();
    expect(lookupSession(db, other.id)).toBeNull();
    expect(await setUserPassword(db, u.value.id, 'short')).toMatchObject({ ok: false });
  });
});

describe('createInitialAdmin', () => {
  it('creates admin once, only when there is no user and a password', async () => {
    expect(await createInitialAdmin(db, undefined)).toBe(false);
    expect(countUsers(db)).toBe(0);
    expect(await createInitialAdmin(db, 'bootstrap-pw')).toBe(true);
    expect(getUserByUsername(db, 'admin')).toMatchObject({ role: 'admin' });
    expect(await verifyLogin(db, 'admin', 'bootstrap-pw')).not.toBeNull();
    expect(await createInitialAdmin(db, 'another-pw')).toBe(false);
    expect(await verifyLogin(db, 'admin', 'bootstrap-pw')).not.toBeNull();
    expect(countUsers(db)).toBe(1);
  });

  it('does nothing when some user exists', async () => {
    await createUser(db, { username: 'frank', password: 'frank-password', role: 'viewer' });
    expect(await createInitialAdmin(db, 'bootstrap-pw')).toBe(false);
    expect(getUserByUsername(db, 'admin')).toBeNull();
  });

  it('is safe when called concurrently', async () => {
    const results = await Promise.all([createInitialAdmin(db, 'bootstrap-pw'), createInitialAdmin(db, 'bootstrap-pw')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(countUsers(db)).toBe(1);
  });
});
