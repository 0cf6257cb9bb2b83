import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { BASE_URL } from './env';
import { HOSTILE_FILES, HOSTILE_NAMES, RESERVED_LV_NAMES } from './hostile-inputs';

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

async function auditCount(api: APIRequestContext): Promise<number> {
  const r = await api.get('/api/audit?limit=1000');
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
