import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '@/lib/store/db';
import { cookieFromHeader, isSameOrigin, principalFrom, withApi, type Principal } from './guard';
import { createSession } from './sessions';
import { createApiToken } from './tokens';
import { createUser } from './users';

// db() keeps its connection on globalThis; the guards use it, so give them an in-memory one.
const g = globalThis as { __cowherdDb?: Db };
let db: Db;
let viewerCookie: string;
let adminCookie: string;
let operatorToken: string;
let operatorTokenId: number;
let expiredToken: string;

beforeAll(async () => {
  db = openDb(':memory:');
  g.__cowherdDb = db;
  const viewer = await createUser(db, { username: 'vic', password: 'vic-password', role: 'viewer' });
  const admin = await createUser(db, { username: 'ada', password: 'ada-password', role: 'admin' });
  if (!viewer.ok || !admin.ok) throw new Error('setup');
  viewerCookie = createSession(db, viewer.value.id).id;
  adminCookie = createSession(db, admin.value.id).id;
  const t = createApiToken(db, { name: 'ci', role: 'operator' }, { userId: admin.value.id, role: 'admin' });
  if (!t.ok) throw new Error(t.error);
  operatorToken = t.value.token;
  operatorTokenId = t.value.id;
  const old = createApiToken(db, { name: 'old', role: 'admin', expiresInDays: 7 }, { userId: admin.value.id, role: 'admin' }, new Date(Date.now() - 8 * 24 * 3_600_000));
  if (!old.ok) throw new Error(old.error);
  expiredToken = old.value.token;
});
afterAll(() => {
  delete g.__cowherdDb;
  db.close();
});

function req(method: string, headers: Record<string, string> = {}): Request {
  return new Request('http://cowherd.local:3000/api/thing', { method, headers: { host: 'cowherd.local:3000', ...headers } });
}

const echo = withApi('operator', (_req, _ctx, principal: Principal) => Response.json({ principal }));

describe('cookieFromHeader', () => {
  it('finds the session cookie among others', () => {
    expect(cookieFromHeader('a=1; cowherd_session=abc; b=2')).toBe('abc');
    expect(cookieFromHeader('xcowherd_session=abc')).toBeUndefined();
    expect(cookieFromHeader(null)).toBeUndefined();
  });
});

describe('principalFrom', () => {
  it('knows sessions and tokens', () => {
    expect(principalFrom(db, null, adminCookie)).toEqual({ kind: 'session', username: 'ada', role: 'admin', userId: 2, tokenId: null });
    expect(principalFrom(db, `Bearer ${operatorToken}`, undefined)).toEqual({
      kind: 'token',
      username: `token:ci#${operatorTokenId}`,
      role: 'operator',
      userId: null,
      tokenId: operatorTokenId,
    });
  });
  it('does not fall back to the cookie when a bad Authorization header is sent', () => {
    expect(principalFrom(db, 'Bearer cowherd_nope', adminCookie)).toBeNull();
    expect(principalFrom(db, `Basic ${operatorToken}`, undefined)).toBeNull();
    expect(principalFrom(db, null, undefined)).toBeNull();
  });
});

describe('isSameOrigin', () => {
  it('compares Origin with Host or X-Forwarded-Host', () => {
    expect(isSameOrigin(req('POST', { origin: 'http://cowherd.local:3000' }))).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'https://cowherd.example', 'x-forwarded-host': 'cowherd.example' }))).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'http://evil.example' }))).toBe(false);
    expect(isSameOrigin(req('POST', { origin: 'http://cowherd.local:3001' }))).toBe(false);
    expect(isSameOrigin(req('POST', { origin: 'null' }))).toBe(false);
    expect(isSameOrigin(req('POST'))).toBe(false);
    expect(isSameOrigin(req('POST', { 'sec-fetch-site': 'same-origin' }))).toBe(true);
    expect(isSameOrigin(req('POST', { 'sec-fetch-site': 'cross-site' }))).toBe(false);
  });
});

describe('withApi', () => {
  it('answers 401 without credentials', async () => {
    const res = await echo(req('GET'), {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'authentication required' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect((await echo(req('GET', { cookie: 'cowherd_session=forged' }), {})).status).toBe(401);
  });

  it('answers 403 for a lower role', async () => {
    const res = await echo(req('GET', { cookie: `cowherd_session=${viewerCookie}` }), {});
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'forbidden: needs role operator' });
  });

  it('passes the principal of a session or a token', async () => {
    const bySession = await echo(req('GET', { cookie: `cowherd_session=${adminCookie}` }), {});
    expect(await bySession.json()).toEqual({ principal: { kind: 'session', username: 'ada', role: 'admin', userId: 2, tokenId: null } });
    const byToken = await echo(req('POST', { authorization: `Bearer ${operatorToken}` }), {});
    expect(byToken.status).toBe(200);
    expect(await byToken.json()).toMatchObject({ principal: { kind: 'token', role: 'operator' } });
  });

  it('refuses cross-origin mutations authenticated by cookie', async () => {
    const cookie = `cowherd_session=${adminCookie}`;
    const cross = await echo(req('DELETE', { cookie, origin: 'http://evil.example' }), {});
    expect(cross.status).toBe(403);
    expect(await cross.json()).toEqual({ error: 'forbidden: cross-origin request' });
    expect((await echo(req('POST', { cookie }), {})).status).toBe(403);
    expect((await echo(req('POST', { cookie, origin: 'http://cowherd.local:3000' }), {})).status).toBe(200);
    expect((await echo(req('GET', { cookie, origin: 'http://evil.example' }), {})).status).toBe(200);
  });
});

describe('refused tokens', () => {
  it.each([
    ['an expired token', () => `Bearer ${expiredToken}`, 'token expired'],
    ['an unknown token', () => 'Bearer cowherd_nope', 'invalid token'],
    ['another scheme', () => `Basic ${operatorToken}`, 'invalid Authorization header: expected Bearer <token>'],
  ])('%s: 401 saying why', async (_what, authorization, error) => {
    const res = await echo(req('GET', { authorization: authorization() }), {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error });
    expect(res.headers.get('www-authenticate')).toBe(`Bearer error="invalid_token", error_description="${error}"`);
  });
});
