import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { createApiToken, generateToken, hashToken, listApiTokens, lookupApiToken, revokeApiToken } from './tokens';
import { createUser } from './users';

let db: Db;
let adminId: number;
beforeEach(async () => {
  db = openDb(':memory:');
  const r = await createUser(db, { username: 'admin', password: 'admin-password', role: 'admin' });
  if (!r.ok) throw new Error(r.error);
  adminId = r.value.id;
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
    const r = createApiToken(db, { name: 'ci', role: 'operator' }, adminId);
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toMatchObject({ name: 'ci', role: 'operator' });
    const dump = JSON.stringify(db.prepare('SELECT * FROM api_tokens').all());
    expect(dump).not.toContain(r.value.token);
    expect(dump).toContain(hashToken(r.value.token));
    const listed = listApiTokens(db);
    expect(listed).toEqual([
      { id: r.value.id, name: 'ci', role: 'operator', createdBy: 'admin', createdAt: expect.any(String) as unknown, lastUsedAt: null },
    ]);
    expect(JSON.stringify(listed)).not.toContain(r.value.token);
  });

  it('authenticate, record their last use (at most once a minute) and can be revoked', () => {
    const r = createApiToken(db, { name: 'grafana', role: 'viewer' }, adminId);
    if (!r.ok) throw new Error(r.error);
    const t0 = Date.parse('2030-01-01T00:00:00Z');
    expect(lookupApiToken(db, r.value.token, t0)).toEqual({ id: r.value.id, name: 'grafana', role: 'viewer' });
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    lookupApiToken(db, r.value.token, t0 + 30_000);
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:00:00.000Z');
    lookupApiToken(db, r.value.token, t0 + 61_000);
    expect(listApiTokens(db)[0]?.lastUsedAt).toBe('2030-01-01T00:01:01.000Z');
    expect(revokeApiToken(db, r.value.id)).toBe(true);
    expect(lookupApiToken(db, r.value.token, t0)).toBeNull();
    expect(revokeApiToken(db, r.value.id)).toBe(false);
  });

  it('reject unknown and malformed tokens', () => {
    expect(lookupApiToken(db, generateToken())).toBeNull();
    expect(lookupApiToken(db, '')).toBeNull();
    expect(lookupApiToken(db, 'cowherd_short')).toBeNull();
  });

  it('validate name and role', () => {
    expect(createApiToken(db, { name: '', role: 'viewer' }, adminId)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: 'x'.repeat(65), role: 'viewer' }, adminId)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: '<script>', role: 'viewer' }, adminId)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: 'ok', role: 'god' as unknown as 'admin' }, adminId)).toMatchObject({ ok: false });
    expect(createApiToken(db, { name: '  backup job  ', role: 'viewer' }, null)).toMatchObject({
      ok: true,
      value: { name: 'backup job' },
    });
  });
});
