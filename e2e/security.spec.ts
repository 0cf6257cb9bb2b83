import { expect, request, test, type APIRequestContext } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, existsSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BASE_URL, E2E_ADMIN_PASSWORD, E2E_PORT, LAB_DIR } from './env';
import { FORGED_FORWARDING_HEADERS, HOSTILE_FILES, HOSTILE_NAMES, RESERVED_LV_NAMES } from './hostile-inputs';
import { killServer, startServer } from './server';

// The sweep: every route handler, page and server action of the build, without a session, as a viewer, and with
// hostile inputs. Routes and pages are found on disk, server actions in the build's manifest, so a new one is
// covered without editing this file.
const ROOT = path.resolve(import.meta.dirname, '..');
const APP = path.join(ROOT, 'app');
const DIST = path.join(ROOT, process.env.COWHERD_DIST_DIR ?? '.next');
const SAMPLE: Record<string, string> = { host: 'lab', id: '1', vg: 'vg0', lv: 'web', snapshot: 'web' };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function urlOf(file: string): string {
  const rel = path.relative(APP, path.dirname(file)).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
  return '/' + rel.map((s) => s.replace(/^\[(.+)\]$/, (_, k: string) => SAMPLE[k] ?? 'x')).join('/');
}

const routes = walk(APP)
  .filter((f) => f.endsWith('route.ts'))
  .flatMap((f) => {
    const src = readFileSync(f, 'utf8');
    const methods = [...src.matchAll(/export (?:const|async function|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1] as string);
    return methods.map((method) => ({ method, url: urlOf(f) }));
  });
const pages = walk(APP).filter((f) => f.endsWith('page.tsx')).map(urlOf);

function serverActions(): { id: string; name: string; file: string }[] {
  const manifest = path.join(DIST, 'server', 'server-reference-manifest.json');
  if (!existsSync(manifest)) throw new Error(`${manifest} missing: build first`);
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { node: Record<string, { filename?: string; exportedName?: string }> };
  return Object.entries(m.node).map(([id, v]) => ({ id, name: v.exportedName ?? '?', file: v.filename ?? '?' }));
}

// Public by design: the health check, the login form and JSON login, logging out.
const PUBLIC = new Set(['GET /api/health', 'POST /api/session', 'DELETE /api/session']);

// Commands run on hosts only: security events (this file's own sign-ins) are counted apart.
async function auditCount(api: APIRequestContext): Promise<number> {
  const r = await api.get('/api/audit?limit=1000&kind=command');
  expect(r.status()).toBe(200);
  return ((await r.json()) as { entries: unknown[] }).entries.length;
}

test.describe('authentication sweep', () => {
  test('the sweep found the app\'s routes, pages and actions', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(pages).toEqual(expect.arrayContaining(['/', '/snapshots', '/guests', '/jobs', '/audit', '/login']));
    expect(serverActions().length).toBeGreaterThan(3);
  });

  test('without a session: 401 on every API route, login redirect on every page, and no action runs', async ({ request: admin }) => {
    const before = await auditCount(admin);
    const anon = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
    for (const r of routes) {
      if (PUBLIC.has(`${r.method} ${r.url}`)) continue;
      const res = await anon.fetch(r.url, { method: r.method, data: r.method === 'GET' ? undefined : {}, maxRedirects: 0 });
      expect(res.status(), `${r.method} ${r.url}`).toBe(401);
    }
    for (const p of pages) {
      if (p === '/login') continue;
      const res = await anon.get(p, { maxRedirects: 0 });
      expect(res.status(), p).toBe(307);
      expect(res.headers().location, p).toMatch(/\/login/);
    }
    for (const a of serverActions()) {
      const res = await anon.post('/', {
        headers: { 'Next-Action': a.id, 'Content-Type': 'text/plain;charset=UTF-8', Origin: BASE_URL },
        data: JSON.stringify(['lab', { operation: 'create-snapshot', params: { vg: 'vg0', origin: 'web' } }]),
        maxRedirects: 0,
      });
      expect([307, 401], `${a.name} in ${a.file}`).toContain(res.status());
    }
    const bearer = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { Authorization: 'Bearer cowherd_not-a-real-token' } });
    expect((await bearer.get('/api/hosts')).status()).toBe(401);
    await anon.dispose();
    await bearer.dispose();
    expect(await auditCount(admin)).toBe(before);
  });

  test('a viewer reads everything and changes nothing', async ({ request: admin }) => {
    const name = `viewer${Date.now() % 100000}`;
    const created = await admin.post('/api/users', { data: { username: name, password: 'viewer-password-1', role: 'viewer' }, headers: { Origin: BASE_URL } });
    expect(created.status()).toBe(201);
    const tok = await admin.post('/api/tokens', { data: { name: `${name}-token`, role: 'viewer' }, headers: { Origin: BASE_URL } });
    expect(tok.status()).toBe(201);
    const { token } = (await tok.json()) as { token: string };
    const before = await auditCount(admin);

    const viaToken = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
    expect((await viaToken.get('/api/hosts')).status()).toBe(200);
    expect((await viaToken.get('/api/hosts/lab/inventory')).status()).toBe(200);
    for (const r of routes) {
      if (r.method === 'GET' || PUBLIC.has(`${r.method} ${r.url}`)) continue;
      const res = await viaToken.fetch(r.url, { method: r.method, data: { operation: 'create-snapshot', params: { vg: 'vg0', origin: 'web' }, dryRun: false } });
      expect(res.status(), `${r.method} ${r.url}`).toBe(403);
    }

    const viaSession = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
    expect((await viaSession.post('/api/session', { data: { username: name, password: 'viewer-password-1' }, headers: { Origin: BASE_URL } })).status()).toBe(200);
    for (const a of serverActions()) {
      const res = await viaSession.post('/', {
        headers: { 'Next-Action': a.id, 'Content-Type': 'text/plain;charset=UTF-8', Origin: BASE_URL },
        data: JSON.stringify(['lab', { operation: 'create-snapshot', params: { vg: 'vg0', origin: 'web', name: 'viewer_snap' } }]),
        maxRedirects: 0,
      });
      expect(res.status(), `${a.name}`).toBeLessThan(500);
    }
    await viaToken.dispose();
    await viaSession.dispose();
    expect(await auditCount(admin)).toBe(before);
    const jobs = (await (await admin.get('/api/jobs')).json()) as { jobs: { params: Record<string, unknown> }[] };
    expect(jobs.jobs.some((j) => j.params.name === 'viewer_snap')).toBe(false);
  });
});

test.describe('hostile input corpus', () => {
  const total = HOSTILE_NAMES.length * 3 + RESERVED_LV_NAMES.length * 2 + HOSTILE_FILES.length;
  test(`${total} hostile inputs are refused with a clear error and run nothing`, async ({ request: admin }) => {
    expect(HOSTILE_NAMES.length + RESERVED_LV_NAMES.length + HOSTILE_FILES.length).toBeGreaterThanOrEqual(60);
    const before = await auditCount(admin);
    const post = (operation: string, params: Record<string, unknown>) =>
      admin.post('/api/hosts/lab/jobs', { data: { operation, params, dryRun: false }, headers: { Origin: BASE_URL } });
    for (const bad of [...HOSTILE_NAMES, ...RESERVED_LV_NAMES]) {
      const cases: [string, Record<string, unknown>, string][] = [
        ['create-snapshot', { vg: 'vg0', origin: 'web', name: bad }, 'name'],
        ['remove-snapshot', { vg: 'vg0', snapshot: bad, confirmName: bad }, 'snapshot'],
      ];
      if (!RESERVED_LV_NAMES.includes(bad)) cases.push(['extend-snapshot', { vg: bad, snapshot: 'web', addBytes: 4194304 }, 'vg']);
      for (const [op, params, field] of cases) {
        const res = await post(op, params);
        const body = (await res.json()) as { error?: string };
        expect(res.status(), `${op} ${JSON.stringify(bad)}`).toBe(400);
        expect(body.error, `${op} ${JSON.stringify(bad)}`).toMatch(new RegExp(`invalid parameters: .*${field}`));
      }
    }
    for (const bad of HOSTILE_FILES) {
      const res = await post('export-snapshot', { vg: 'vg0', snapshot: 'web', file: bad });
      expect(res.status(), JSON.stringify(bad)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/file/);
    }
    expect(await auditCount(admin)).toBe(before);
  });
});

/**
 * POST /api/session from a chosen loopback address (Linux routes all of 127/8 to lo): the socket address the
 * server sees, which Playwright's request API cannot choose.
 */
function loginFrom(
  localAddress: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
  base: string = BASE_URL,
): Promise<{ status: number; body: string; ms: number; setCookie: string[] }> {
  const url = new URL('/api/session', base);
  const data = JSON.stringify({ username, password });
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data), ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - t0, setCookie: res.headers['set-cookie'] ?? [] }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

type SecurityEntry = { id: number; operation: string; username: string; address: string | null; detail: string | null; kind: string; tokenId: number | null };

async function securityEvents(api: APIRequestContext, query: string): Promise<SecurityEntry[]> {
  const r = await api.get(`/api/audit?kind=security&limit=1000${query}`);
  expect(r.status()).toBe(200);
  return ((await r.json()) as { entries: SecurityEntry[] }).entries;
}

test.describe('login cannot be turned against the admin (issue 10)', () => {
  // Loopback addresses of their own per run: the limits last 10 minutes, and the server may be reused.
  const octet = () => 2 + Math.floor(Math.random() * 250);
  const attacker = `127.${octet()}.${octet()}.${octet()}`;
  const admin = `127.${octet()}.${octet()}.1`;

  test(`${FORGED_FORWARDING_HEADERS.length} forged forwarding headers: one client, locked alone; the admin still signs in`, async ({ request: api }) => {
    expect(FORGED_FORWARDING_HEADERS.length).toBeGreaterThan(10);
    const since = (await securityEvents(api, ''))[0]?.id ?? 0;
    const statuses: number[] = [];
    for (const [i, headers] of FORGED_FORWARDING_HEADERS.entries()) {
      statuses.push((await loginFrom(attacker, 'admin', `wrong-password-${i}`, headers)).status);
    }
    // Every attempt counted for the socket address: ten failures, then this client (only) must wait.
    expect(statuses).toEqual(FORGED_FORWARDING_HEADERS.map((_, i) => (i < 10 ? 401 : 429)));
    const refused = await loginFrom(attacker, 'admin', E2E_ADMIN_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatch(/Too many attempts, try again in \d+ s/);

    // The right password from another client is never refused (it may be held back a little).
    const ok = await loginFrom(admin, 'admin', E2E_ADMIN_PASSWORD, { 'X-Forwarded-For': attacker });
    expect(ok.status, ok.body).toBe(200);

    // The audit log has the failures and the lock under the socket address, never a forged one.
    const events = (await securityEvents(api, '')).filter((e) => e.id > since);
    const failures = events.filter((e) => e.operation === 'login-failure');
    expect(failures).toHaveLength(10);
    expect(new Set(failures.map((e) => e.address))).toEqual(new Set([attacker]));
    expect(events.filter((e) => e.operation === 'login-lock').map((e) => [e.username, e.address])).toEqual([['admin', attacker]]);
    expect(events.filter((e) => e.operation === 'login-success').map((e) => [e.username, e.address])).toEqual([['admin', admin]]);
    // and the Audit page filters them
    const filtered = await securityEvents(api, '&operation=login-lock');
    expect(filtered.every((e) => e.operation === 'login-lock')).toBe(true);
  });

  test('the Audit page shows the lock, filtered by kind and event', async ({ page }) => {
    await page.goto('/audit');
    await page.getByLabel('Kind').selectOption('security');
    await expect(page).toHaveURL(/[?&]kind=security/);
    await page.getByLabel('Operation or event').selectOption('login-lock');
    await expect(page).toHaveURL(/[?&]operation=login-lock/);
    const row = page.getByRole('row').filter({ hasText: `from ${attacker}` });
    await expect(row.first()).toContainText('Sign-in locked');
    await expect(row.first()).toContainText('10 failed sign-ins');
    await expect(page.getByRole('cell', { name: 'Failed sign-in', exact: true })).toHaveCount(0);
    await expect(page.getByRole('cell', { name: 'Sign-in locked', exact: true }).first()).toBeVisible();
  });
});

test('the login form (a server action) counts the socket address too', async ({ browser, request: api }) => {
  const since = (await securityEvents(api, ''))[0]?.id ?? 0;
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { 'X-Forwarded-For': '10.9.9.9' } });
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.getByLabel('Username').fill('nobody-e2e'); // not admin: the shared server's admin must not collect failures from 127.0.0.1
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Invalid username or password.')).toBeVisible();
  await ctx.close();
  const failures = (await securityEvents(api, '&operation=login-failure')).filter((e) => e.id > since);
  expect(failures.map((e) => e.address)).toEqual(['127.0.0.1']);
});

test.describe('behind a trusted proxy, with secure cookies', () => {
  // A second server of the build: COWHERD_TRUSTED_PROXIES=127.0.0.1 (the "proxy" is this test on 127.0.0.1) and
  // COWHERD_SECURE_COOKIES=1.
  const PORT = E2E_PORT + 100;
  const BASE = `http://127.0.0.1:${PORT}`;
  const DATA = `/tmp/cowherd-proxy-${PORT}`;
  let server: ChildProcess | undefined;
  test.afterAll(() => killServer(server, 'SIGTERM'));

  test('forwarded addresses are believed from the proxy only, and the cookie is __Host- with Secure', async () => {
    test.setTimeout(240_000);
    rmSync(DATA, { recursive: true, force: true });
    mkdirSync(DATA, { recursive: true });
    server = await startServer({
      port: PORT,
      dataDir: DATA,
      config: path.join(LAB_DIR, 'cowherd.config.json'),
      env: { COWHERD_TRUSTED_PROXIES: '127.0.0.1/32', COWHERD_SECURE_COOKIES: '1', COWHERD_SSH_CONTROL_DIR: path.join(DATA, 'ssh') },
    });
    // Through the proxy, the client is the rightmost address the proxy appended; what the client prepended is ignored.
    const viaProxy = (client: string, password: string) =>
      loginFrom('127.0.0.1', 'admin', password, { 'X-Forwarded-For': `6.6.6.6, ${client}` }, BASE);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await viaProxy('203.0.113.9', `wrong-${i}`)).status);
    expect(statuses).toEqual([...Array<number>(10).fill(401), 429]);
    // Another client behind the same proxy is another client.
    const ok = await viaProxy('198.51.100.1', E2E_ADMIN_PASSWORD);
    expect(ok.status, ok.body).toBe(200);
    // A client that is not the proxy is itself, whatever it forwards.
    for (let i = 0; i < 10; i++) await loginFrom('127.0.0.9', 'nobody', `x-${i}`, { 'X-Forwarded-For': `203.0.113.${i}` }, BASE);
    expect((await loginFrom('127.0.0.9', 'nobody', 'x', { 'X-Forwarded-For': '203.0.113.200' }, BASE)).status).toBe(429);

    // __Host-: Secure, Path=/, no Domain (browsers refuse the name otherwise).
    const cookie = ok.setCookie.find((c) => c.startsWith('__Host-cowherd_session='));
    expect(cookie, ok.setCookie.join(' | ')).toBeDefined();
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).toMatch(/; Secure(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(ok.setCookie.some((c) => c.startsWith('cowherd_session='))).toBe(false);
  });
});

test.describe('tokens end', () => {
  test('a token has a 90-day expiry by default, refuses other lifetimes, and dies with its creator', async ({ request: admin }) => {
    const name = `tokadmin${Date.now() % 100000}`;
    const created = await admin.post('/api/users', { data: { username: name, password: 'tokadmin-password', role: 'admin' }, headers: { Origin: BASE_URL } });
    expect(created.status()).toBe(201);
    const userId = ((await created.json()) as { user: { id: number } }).user.id;

    const asUser = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
    expect((await asUser.post('/api/session', { data: { username: name, password: 'tokadmin-password' }, headers: { Origin: BASE_URL } })).status()).toBe(200);
    expect((await asUser.post('/api/tokens', { data: { name: 'forever', role: 'viewer', expiresInDays: 36500 }, headers: { Origin: BASE_URL } })).status()).toBe(400);
    const tok = await asUser.post('/api/tokens', { data: { name: `${name}-ci`, role: 'operator' }, headers: { Origin: BASE_URL } });
    expect(tok.status()).toBe(201);
    const { token, id, expiresAt } = (await tok.json()) as { token: string; id: number; expiresAt: string };
    expect(Math.round((Date.parse(expiresAt) - Date.now()) / 86_400_000)).toBe(90);
    const listed = ((await (await admin.get('/api/tokens')).json()) as { tokens: { id: number; expiresAt: string; expired: boolean }[] }).tokens;
    expect(listed.find((t) => t.id === id)).toMatchObject({ expiresAt, expired: false });

    const viaToken = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] }, extraHTTPHeaders: { Authorization: `Bearer ${token}` } });
    expect((await viaToken.get('/api/hosts')).status()).toBe(200);
    // A token cannot mint tokens (they would belong to nobody).
    expect((await viaToken.post('/api/tokens', { data: { name: 'child', role: 'viewer' } })).status()).toBe(403);

    const deleted = await admin.delete(`/api/users/${userId}`, { headers: { Origin: BASE_URL } });
    expect(await deleted.json()).toEqual({ ok: true, revokedTokens: 1 });
    const after = await viaToken.get('/api/hosts');
    expect(after.status()).toBe(401);
    expect(after.headers()['www-authenticate']).toContain('invalid_token');

    const events = await securityEvents(admin, '');
    expect(events.find((e) => e.operation === 'token-create' && e.tokenId === id)?.username).toBe(name);
    expect(events.find((e) => e.operation === 'user-delete' && e.detail?.includes(name))?.detail).toContain('revoked 1 API token');
    await asUser.dispose();
    await viaToken.dispose();
  });
});

test.describe('fresh inventory reads', () => {
  test('parallel ?fresh=1 requests share one read of the host', async ({ request: api }) => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.get('/api/hosts/lab/inventory?fresh=1')));
    const times = await Promise.all(answers.map(async (r) => {
      expect(r.status()).toBe(200);
      return ((await r.json()) as { collectedAt: string }).collectedAt;
    }));
    expect(new Set(times).size).toBe(1);
  });
});
