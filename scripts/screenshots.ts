// `npm run screenshots [-- OUT_DIR]`: sign in to a running Cowherd and write a full-page PNG of every page, for a person
// to look at. Not a test, but it fails loudly: a page that does not answer 200 or never shows its heading stops the run
// with a non-zero exit. Pages with parameters (a volume group, a job, the wizards) are found by following the links
// the app itself shows, so nothing is created on the host for the pictures.
//
// The server must be running (e.g. the e2e one: `npx playwright test` leaves none; `npm run build && npm start`).
//   COWHERD_URL       where it answers (default http://127.0.0.1:$E2E_PORT, or :3100)
//   COWHERD_USER      who signs in (default admin)
//   COWHERD_PASSWORD  their password (default $E2E_ADMIN_PASSWORD, then the e2e default)
import { chromium, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const BASE = (process.env.COWHERD_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? '3100'}`).replace(/\/+$/, '');
const USER = process.env.COWHERD_USER ?? 'admin';
const PASSWORD = process.env.COWHERD_PASSWORD ?? process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password';
const OUT = path.resolve(process.argv[2] ?? 'screenshots');
/** The lab is a TCG VM: one inventory read can take tens of seconds under load. */
const PAGE_TIMEOUT_MS = 90_000;

const FIXED = ['/', '/snapshots', '/vgs', '/guests', '/jobs', '/audit', '/alerts', '/settings'];

/** Links worth a picture, one per kind of page: the first volume group, job and wizard of each type. */
const DISCOVER: { kind: (u: URL) => string | null }[] = [
  { kind: (u) => (/^\/vgs\/[^/]+\/[^/]+$/.test(u.pathname) ? 'vg' : null) },
  { kind: (u) => (/^\/jobs\/\d+$/.test(u.pathname) ? 'job' : null) },
  { kind: (u) => /^\/hosts\/[^/]+\/([a-z-]+)$/.exec(u.pathname)?.[1] ?? null },
];

class ScreenshotError extends Error {}

function fileName(p: string): string {
  const u = new URL(p, BASE);
  const name = `${u.pathname}${u.search}`.replace(/^\/+/, '').replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${name || 'overview'}.png`;
}

/** Open one page, check it answered 200 and shows its heading, and take the picture. */
async function shoot(page: Page, p: string): Promise<void> {
  const res = await page.goto(p, { timeout: PAGE_TIMEOUT_MS });
  if (!res) throw new ScreenshotError(`${p}: no response`);
  if (res.status() !== 200) throw new ScreenshotError(`${p}: HTTP ${res.status()} (expected 200)`);
  if (new URL(page.url()).pathname === '/login' && p !== '/login') throw new ScreenshotError(`${p}: sent to the login page`);
  try {
    await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible', timeout: PAGE_TIMEOUT_MS });
    // Client components hydrate, the first poll lands and lazy charts load; polling pages never go fully idle.
    await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
    await page.waitForTimeout(1000);
  } catch (e) {
    throw new ScreenshotError(`${p}: the page never showed its heading: ${(e as Error).message.split('\n')[0]}`);
  }
  const file = path.join(OUT, fileName(p));
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshots: ${p} -> ${path.relative(process.cwd(), file)}`);
}

async function links(page: Page): Promise<URL[]> {
  const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return hrefs.map((h) => new URL(h, BASE));
}

async function main(): Promise<void> {
  const health = await fetch(`${BASE}/api/health`).catch((e: unknown) => e as Error);
  if (health instanceof Error || !health.ok) {
    throw new ScreenshotError(`no Cowherd at ${BASE} (${health instanceof Error ? health.message : `HTTP ${health.status}`}); start one or set COWHERD_URL`);
  }
  mkdirSync(OUT, { recursive: true });
  // The same browser and flags as the e2e tests (playwright.config.ts): Debian's Chromium, never a downloaded one.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const signedOut = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
    await shoot(await signedOut.newPage(), '/login');
    await signedOut.close();

    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL: BASE });
    const login = await ctx.request.post('/api/session', { data: { username: USER, password: PASSWORD } });
    if (!login.ok()) throw new ScreenshotError(`sign-in as ${USER} failed: HTTP ${login.status()} ${await login.text()}`);
    const page = await ctx.newPage();
    const found = new Map<string, string>();
    for (const p of FIXED) {
      await shoot(page, p);
      for (const u of await links(page)) {
        for (const d of DISCOVER) {
          const kind = d.kind(u);
          if (kind && !found.has(kind)) found.set(kind, `${u.pathname}${u.search}`);
        }
      }
    }
    for (const p of found.values()) await shoot(page, p);
    console.log(`screenshots: ${FIXED.length + found.size + 1} pages in ${OUT}`);
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error(`screenshots: FAILED: ${e instanceof ScreenshotError ? e.message : String((e as Error).stack ?? e)}`);
  process.exit(1);
});
