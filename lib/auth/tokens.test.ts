import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import type { Role } from './roles';
import { createApiToken, generateToken, hashToken, listApiTokens, lookupApiToken, revokeApiToken } from './tokens';
import { createUser, deleteUser, setUserRole } from './users';

let db: Db;
let adminId: number;
let admin: { userId: number; role: Role };
beforeEach(async () => {
  db = openDb(':memory:');
  const r = await createUser(db, { username: 'admin', password: 'admin-password', role: 'admin' });
  if (!r.ok) throw new Error(r.error);
  adminId = r.value.id;
  admin = { userId: adminId, role: 'admin' };
});

describe('API tokens', () => {
  it('look like cowherd_<43 base64url chars> and hash with sha256', () => {
    const t = generateToken();
    expect(t).toMatch(/^cowherd_[A-Za-z0-9_-]{43}$/);
    expect(hashToken(t)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(t)).toBe(hashToken(t));
    expect(hashToken(generateToken())).not.toBe(hashToken(t));
  });

  it('are shown once and stored as a hash only', () => {
    const r = createApiToken(db, { name: 'ci', role: 'operator' }, admin);
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toMatchObject({ name: 'ci', role: 'operator' });
    const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
    expect(dump).not.toContain(r.value.token);
    expect(dump).toContain(hashToken(r.value.token));
    const listed = listApiTokens(db);
    expect(listed).toEqual([
      { id: r.value.id, name: 'ci', role: 'operator', createdBy: 'admin', createdAt: expect.any(String) as unknown, lastUsedAt: null, expiresAt: expect.any(String) as unknown, expired: false },
    ]);
    expect(JSON.stringify(listed)).not.toContain(r.value.token);
  });

  it('authenticate, record their last use (at most once a minute) and can be revoked', () => {
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    const r = createApiToken(db, { name: 'grafana', role: 'viewer' }, admin, new Date(t0 - 60_000));
    if (!r.ok) throw new Error(r.error);
    expect(lookupApiToken(db, r.value.token, t0)).toEqual({ ok: true, id: r.value.id, name: 'grafana', role: 'viewer' });
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    lookupApiToken(db, r.value.token, t0 + 30_000);
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    lookupApiToken(db, r.value.token, t0 + 61_000);
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:01:01.000Z');
    expect(revokeApiToken(db, r.value.id)).toBe(true);
    expect(lookupApiToken(db, r.value.token, t0)).toEqual({ ok: false, error: 'invalid token' });
    expect(revokeApiToken(db, r.value.id)).toBe(false);
  });

  it('reject unknown and malformed tokens', () => {
    for (const t of [generateToken(), '', 'cowherd_short']) expect(lookupApiToken(db, t)).toEqual({ ok: false, error: 'invalid token' });
  });

  it('validate name and role', () => {
    expect(createApiToken(db, { name: '', role: 'viewer' }, admin)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: 'x'.repeat(65), role: 'viewer' }, admin)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: '<script>', role: 'viewer' }, admin)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: 'ok', role: 'god' as unknown as 'admin' }, admin)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: '  backup job  ', role: 'viewer' }, admin)).toMatchObject({
      ok: true,
      value: { name: 'backup job' },
    });
  });

  const T0 = new Date('2030-01-01T00:00:00Z');
  const DAY = 24 * 3_600_000;

  it.each([
    [undefined, '2030-04-01T00:00:00.000Z'], // default 90 days
    [7, '2030-01-08T00:00:00.000Z'],
    [30, '2030-01-31T00:00:00.000Z'],
    ['365', '2031-01-01T00:00:00.000Z'], // a form sends a string
  ])('expire after the chosen days (%s): %s', (days, expiresAt) => {
    const r = createApiToken(db, { name: 'x', role: 'viewer', expiresInDays: days }, admin, T0);
    expect(r).toMatchObject({ ok: true, value: { expiresAt } });
  });

  it.each([0, 1, 89, 'never', -7, 36500])('refuse the lifetime %j', (days) => {
    expect(createApiToken(db, { name: 'x', role: 'viewer', expiresInDays: days }, admin, T0)).toEqual({
      ok: false,
      error: 'expiresInDays must be one of 7, 30, 90, 365',
    });
  });

  it('are refused once expired, saying so, and are listed as expired', () => {
    const r = createApiToken(db, { name: 'short', role: 'viewer', expiresInDays: 7 }, admin, T0);
    if (!r.ok) throw new Error(r.error);
    expect(lookupApiToken(db, r.value.token, T0.getTime() + 7 * DAY - 1)).toMatchObject({ ok: true });
    expect(lookupApiToken(db, r.value.token, T0.getTime() + 7 * DAY)).toEqual({ ok: false, error: 'token expired' });
    expect(listApiTokens(db, T0.getTime() + 7 * DAY)[0]).toMatchObject({ expired: true, expiresAt: '2030-01-08T00:00:00.000Z' });
  });

  it.each<[Role, Role, boolean]>([
    ['admin', 'admin', true],
    ['operator', 'operator', true],
    ['operator', 'viewer', true],
    ['operator', 'admin', false],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
  ])('a %s may create a %s token: %s', (creatorRole, tokenRole, allowed) => {
    const r = createApiToken(db, { name: 't', role: tokenRole }, { userId: adminId, role: creatorRole });
    expect(r.ok).toBe(allowed);
    if (!r.ok) expect(r.error).toBe(`a token cannot have a higher role than its creator (${creatorRole})`);
  });

  it.each<[string, (userId: number) => unknown, number]>([
    ['deleted', (id) => deleteUser(db, id), 0],
    ['demoted', (id) => setUserRole(db, id, 'viewer'), 0],
    ['promoted', (id) => setUserRole(db, id, 'admin'), 2],
    ['left at the same role', (id) => setUserRole(db, id, 'operator'), 2],
  ])('are revoked when their creator is %s', async (_what, change, left) => {
    const u = await createUser(db, { username: 'olga', password: 'olga-password', role: 'operator' });
    if (!u.ok) throw new Error(u.error);
    const mine = [1, 2].map((i) => createApiToken(db, { name: `olga-${i}`, role: 'viewer' }, { userId: u.value.id, role: 'operator' }));
    const other = createApiToken(db, { name: 'admins', role: 'viewer' }, admin);
    change(u.value.id);
    const alive = mine.filter((t) => t.ok && lookupApiToken(db, t.value.token).ok);
    expect(alive).toHaveLength(left);
    expect(other.ok && lookupApiToken(db, other.value.token).ok).toBe(true);
  });
});
