import { expect, test, type Page } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD, E2E_PORT, LAB_DIR } from './env';
import { killServer, startServer } from './server';

// The security headers of the production build, and the proof that the app still works under its own policy: the
// pages hydrate, client navigation works and the browser reports no CSP violation on any main page.

// Our own session (the shared storage state is rewritten by concurrent runs); the login test starts signed out.
test.use({ storageState: { cookies: [], origins: [] } });

const MAIN_PAGES = ['/', '/snapshots', '/guests', '/vgs', '/vgs/lab/vg0', '/jobs', '/audit', '/alerts', '/settings', '/hosts/lab/create-snapshot'];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name ?? '', values]),
  );
}

/** The nonce in a CSP header, after checking the script policy has one and no 'unsafe-inline'. */
function scriptNonce(csp: string | undefined): string {
  expect(csp, 'Content-Security-Policy header').toBeTruthy();
  const scriptSrc = directives(csp ?? '').get('script-src') ?? [];
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  expect(scriptSrc).not.toContain("'unsafe-eval'");
  const nonces = scriptSrc.filter((v) => /^'nonce-[A-Za-z0-9+/=]{16,}'$/.test(v));
  expect(nonces, `script-src ${scriptSrc.join(' ')}`).toHaveLength(1);
  return (nonces[0] ?? '').slice("'nonce-".length, -1);
}

/** Collects what the browser reports about CSP: violation events and the console errors Chromium logs for them. */
function watchViolations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect)/i.test(m.text())) seen.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => seen.push(`${page.url()}: page error ${e.message}`));
  page.on('response', (r) => {
    if (r.status() === 404) seen.push(`${page.url()}: 404 for ${r.url()}`);
  });
  return seen;
}

async function signIn(page: Page) {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
}

test('every page carries a fresh script nonce, no unsafe-inline, and its inline scripts carry that nonce', async ({ page }) => {
  const a = await page.request.get('/login');
  const b = await page.request.get('/login');
  expect(a.status()).toBe(200);
  const nonceA = scriptNonce(a.headers()['content-security-policy']);
  expect(nonceA).not.toBe(scriptNonce(b.headers()['content-security-policy']));
  // Every <script> Next rendered into this response carries this response's nonce.
  const html = await a.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const s of scripts) expect(s).toContain(`nonce="${nonceA}"`);
  const h = a.headers();
  expect(h['x-frame-options']).toBe('DENY');
  expect(h['x-content-type-options']).toBe('nosniff');
  // Plain http: no HSTS unless COWHERD_SECURE_COOKIES=1 (see the last test).
  expect(h['strict-transport-security']).toBeUndefined();

  // The redirect of a signed-out visitor and an API 401 carry the policy too.
  const redirect = await page.request.get('/snapshots', { maxRedirects: 0 });
  expect(redirect.status()).toBe(307);
  scriptNonce(redirect.headers()['content-security-policy']);
  const api = await page.request.get('/api/hosts');
  expect(api.status()).toBe(401);
  scriptNonce(api.headers()['content-security-policy']);
});

test('an inline script injected into a page is refused, and the browser says so', async ({ page }) => {
  const violations = watchViolations(page);
  await page.goto('/login');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  // What an HTML injection would add: an inline script without this response's nonce.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.cowherdInjected = true';
    document.body.append(s);
  });
  await expect.poll(() => violations.join('\n')).toMatch(/violates the following Content Security Policy directive 'script-src/);
  expect(await page.evaluate(() => (window as unknown as { cowherdInjected?: boolean }).cowherdInjected)).toBeUndefined();
});

test('signing in through the form and navigating on the client work under the policy', async ({ page }) => {
  const violations = watchViolations(page);
  await page.goto('/snapshots');
  await expect(page).toHaveURL(/\/login/);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/snapshots$/, { timeout: 60_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Snapshots' })).toBeVisible();

  // A client-side navigation keeps the JavaScript state of the page; a full reload (what a page whose scripts were
  // blocked would do on a link) loses it. So this passes only if React hydrated and the router runs.
  await page.evaluate(() => ((window as unknown as { cowherdMarker: string }).cowherdMarker = 'still here'));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs' }).click();
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Jobs' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { cowherdMarker?: string }).cowherdMarker)).toBe('still here');
  expect(violations).toEqual([]);
});

test('no CSP violation, script error or 404 on any main page', async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page);
  const violations = watchViolations(page);
  for (const p of MAIN_PAGES) {
    const res = await page.goto(p);
    expect(res?.status(), p).toBe(200);
    scriptNonce(res?.headers()['content-security-policy']);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible({ timeout: 60_000 });
    // Hydrated: Next's router is running on the page.
    await expect.poll(() => page.evaluate(() => typeof (window as unknown as { next?: unknown }).next), { message: p }).toBe('object');
    // Give lazily loaded chunks (charts) and the first client poll their chance to be refused.
    await page.waitForLoadState('networkidle').catch(() => undefined);
  }
  expect(violations).toEqual([]);
});

test('the favicon and the app icon are served, signed out too', async ({ page }) => {
  const ico = await page.request.get('/favicon.ico');
  expect(ico.status()).toBe(200);
  expect(ico.headers()['content-type']).toMatch(/image\/(x-icon|vnd\.microsoft\.icon)/);
  expect((await ico.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0])); // ICO magic
  await page.goto('/login');
  const href = await page.locator('link[rel="icon"][type="image/svg+xml"]').getAttribute('href');
  expect(href).toMatch(/^\/icon\.svg/);
  const svg = await page.request.get(href ?? '');
  expect(svg.status()).toBe(200);
  expect(await svg.text()).toContain('<svg');
});

test('HSTS is sent when COWHERD_SECURE_COOKIES=1', async () => {
  test.setTimeout(180_000);
  const port = E2E_PORT + 1000;
  const dataDir = path.join(LAB_DIR, `e2e-hsts-${port}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let server: ChildProcess | undefined;
  try {
    server = await startServer({
      port,
      dataDir,
      config: path.join(LAB_DIR, 'cowherd.config.json'),
      env: { COWHERD_SECURE_COOKIES: '1' },
    });
    const res = await fetch(`http://127.0.0.1:${port}/login`);
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    scriptNonce(res.headers.get('content-security-policy') ?? undefined);
  } finally {
    killServer(server, 'SIGTERM');
  }
});
