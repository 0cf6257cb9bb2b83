import { beforeEach, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { listAudit } from '@/lib/store/jobs';
import {
  auditSettingChange,
  changeOwnPassword,
  createTokenAudited,
  createUserAudited,
  deleteUserAudited,
  revokeTokenAudited,
  setUserRoleAudited,
  webhookForAudit,
  type Actor,
} from './accounts';
import type { Principal } from './guard';
import { lookupApiToken } from './tokens';
import { createUser } from './users';

let db: Db;
let admin: Actor;
const tokenActor = (tokenId: number): Actor => ({
  principal: { kind: 'token', username: `token:ci#${tokenId}`, role: 'admin', userId: null, tokenId },
  address: '192.0.2.9',
});

beforeEach(async () => {
  db = openDb(':memory:');
  const a = await createUser(db, { username: 'ada', password: 'ada-password', role: 'admin' });
  if (!a.ok) throw new Error(a.error);
  const principal: Principal = { kind: 'session', username: 'ada', role: 'admin', userId: a.value.id, tokenId: null };
  admin = { principal, address: '198.51.100.7' };
});

const security = () =>
  listAudit(db, { kind: 'security' })
    .reverse()
    .map((e) => ({ event: e.operation, by: e.username, detail: e.detail, address: e.address, tokenId: e.tokenId, host: e.host, argv: e.argv }));

describe('account changes are audited as security events', () => {
  it('user creation, role change, deletion (with the tokens they revoke)', async () => {
    const u = await createUserAudited(db, admin, { username: 'olga', password: 'olga-password', role: 'admin' });
    if (!u.ok) throw new Error(u.error);
    const olga: Actor = { principal: { kind: 'session', username: 'olga', role: 'admin', userId: u.value.id, tokenId: null }, address: '203.0.113.1' };
    const t = createTokenAudited(db, olga, { name: 'olga-ci', role: 'operator', expiresInDays: 30 });
    if (!t.ok) throw new Error(t.error);
    expect(setUserRoleAudited(db, admin, u.value.id, 'operator')).toMatchObject({ ok: true, value: { revokedTokens: 1 } });
    expect(lookupApiToken(db, t.value.token)).toEqual({ ok: false, error: 'invalid token' });
    expect(deleteUserAudited(db, admin, u.value.id)).toMatchObject({ ok: true, value: { revokedTokens: 0 } });
    expect(security()).toEqual([
      { event: 'user-create', by: 'ada', detail: 'created user olga (admin)', address: '198.51.100.7', tokenId: null, host: '', argv: [] },
      {
        event: 'token-create',
        by: 'olga',
        detail: `created token olga-ci #${t.value.id} (operator, expires ${t.value.expiresAt.slice(0, 10)})`,
        address: '203.0.113.1',
        tokenId: t.value.id,
        host: '',
        argv: [],
      },
      { event: 'user-role', by: 'ada', detail: 'olga: admin -> operator; revoked 1 API token', address: '198.51.100.7', tokenId: null, host: '', argv: [] },
      { event: 'user-delete', by: 'ada', detail: 'deleted user olga (operator)', address: '198.51.100.7', tokenId: null, host: '', argv: [] },
    ]);
  });

  it.each([
    ['change your own role', () => setUserRoleAudited(db, admin, admin.principal.userId ?? 0, 'viewer'), 'you cannot change your own role'],
    ['delete yourself', () => deleteUserAudited(db, admin, admin.principal.userId ?? 0), 'you cannot delete yourself'],
    ['create a token with a token', () => createTokenAudited(db, tokenActor(5), { name: 'x', role: 'viewer' }), 'API tokens cannot create tokens: sign in to create one'],
  ])('refuses to %s, and audits nothing', (_what, act, error) => {
    expect(act()).toEqual({ ok: false, error });
    expect(security()).toEqual([]);
  });

  it('token revocation records the token id, and the acting token', () => {
    const t = createTokenAudited(db, admin, { name: 'grafana', role: 'viewer' });
    if (!t.ok) throw new Error(t.error);
    expect(revokeTokenAudited(db, tokenActor(77), t.value.id)).toBe(true);
    expect(revokeTokenAudited(db, admin, t.value.id)).toBe(false);
    expect(security().at(-1)).toMatchObject({ event: 'token-revoke', by: 'token:ci#77', detail: `revoked token grafana #${t.value.id} (viewer)`, tokenId: t.value.id });
  });

  it('password changes check the current password under the login limits', async () => {
    expect(await changeOwnPassword(db, admin, { current: 'wrong-password', next: 'new-password-1' })).toEqual({
      ok: false,
      error: 'Your current password is not correct.',
    });
    expect(await changeOwnPassword(db, admin, { current: 'ada-password', next: 'new-password-1' })).toEqual({ ok: true, value: null });
    expect(security().map((e) => e.event)).toEqual(['login-failure', 'user-password']);
  });

  it.each([
    ['https://hooks.example.org/services/T000/SECRET', 'set the webhook to https://hooks.example.org/…'],
    [null, 'removed the webhook'],
    ['', 'removed the webhook'],
  ])('webhook %j is audited without its secret path: %s', (url, detail) => {
    auditSettingChange(db, admin, 'alert-webhook-change', webhookForAudit(url));
    expect(security()).toEqual([expect.objectContaining({ event: 'alert-webhook-change', detail })]);
    expect(JSON.stringify(listAudit(db))).not.toContain('SECRET');
  });

  it('security events and commands are filtered apart', () => {
    auditSettingChange(db, admin, 'alert-rules-change', 'changed alert rules');
    db.prepare(`INSERT INTO audit (at, host, operation, username, argv) VALUES ('2030-01-01T00:00:00Z', 'lab', 'create-snapshot', 'ada', '["lvcreate"]')`).run();
    expect(listAudit(db, { kind: 'command' }).map((e) => e.kind)).toEqual(['command']);
    expect(listAudit(db, { kind: 'security' }).map((e) => e.operation)).toEqual(['alert-rules-change']);
    expect(listAudit(db, { operation: 'alert-rules-change' })).toHaveLength(1);
    expect(listAudit(db)).toHaveLength(2);
  });
});
