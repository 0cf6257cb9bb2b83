import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { HostInventoryResponse } from '../lib/inventory/view';
import type { InventoryDomain, InventoryLv } from '../lib/inventory/types';
import { domState, labLv, labSsh as labSshOnce } from './lab';

// Inventory and live COW monitoring, against the lab. Only LVs named e2einv_* are created here (the lab is
// shared), and every test removes them again.

const HOST = 'Cowherd lab';
/**
 * COWHERD_POLL_MS in playwright.config.ts is 2 s, but one inventory read of the lab (a qemu TCG VM that other
 * test runs use at the same time) takes from 0.5 s to over 30 s. "Within one poll" is therefore: as soon as the
 * page shows an inventory collected after the change, and no later than this.
 */
const REFRESH_MS = 90_000;

test.describe.configure({ timeout: 300_000 });

const SCREENSHOTS = path.resolve(import.meta.dirname, '../screenshots');
async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * labSsh, tried again when ssh could not even connect (the lab VM is shared and sometimes too busy to answer
 * sshd's banner in time). The command did not run then, so running it again is safe.
 */
function labSsh(command: string): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return labSshOnce(command);
    } catch (e) {
      const { stderr, message } = e as { stderr?: string | Buffer; message: string };
      const text = `${stderr?.toString() ?? ''} ${message}`;
      if (attempt >= 3 || !/banner exchange|kex_exchange_identification|Connection (timed out|refused|reset)/.test(text)) throw e;
    }
  }
}

function removeTestLvs(): void {
  labSsh(
    'for lv in $(lvs --noheadings -o lv_name vg0 vg1 2>/dev/null | tr -d " " | grep "^e2einv_"); do ' +
      'lvremove -y "vg0/$lv" >/dev/null 2>&1 || lvremove -y "vg1/$lv" >/dev/null 2>&1; done; true',
  );
}

test.beforeAll(removeTestLvs);
test.afterEach(removeTestLvs);

test('a new snapshot appears on /snapshots, and its COW bar follows lvs while the page polls', async ({ page }) => {
  await page.goto('/snapshots');
  await expect(page.getByRole('heading', { name: 'Snapshots', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New snapshot' })).toHaveAttribute('href', '/hosts/lab/create-snapshot');

  labSsh('lvcreate -s -L 32M -n e2einv_snap vg0/web');
  const bar = page.getByRole('progressbar', { name: 'COW usage of vg0/e2einv_snap' });
  // No reload: the page's polling brings the new snapshot in.
  await expect(bar).toBeVisible({ timeout: REFRESH_MS });

  labSsh('dd if=/dev/urandom of=/dev/vg0/web bs=1M count=10 oflag=direct status=none');
  const wroteAt = Date.now();
  const lvsPercent = () => Number(labLv('vg0/e2einv_snap')?.data_percent);
  expect(lvsPercent()).toBeGreaterThan(25); // 10 MiB into a 32 MiB COW area
  // As soon as the page shows an inventory collected after the write, its bar must equal the latest lvs value
  // (read again on every attempt: the page must catch up with the host, not with a number read once).
  const collectedAt = page.getByRole('list', { name: 'Hosts' }).locator('time').first();
  await expect(async () => {
    expect(Date.parse((await collectedAt.getAttribute('datetime')) ?? '')).toBeGreaterThan(wroteAt);
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(lvsPercent());
  }).toPass({ timeout: REFRESH_MS, intervals: [500] });
  await expect(bar).toHaveAttribute('aria-valuemin', '0');
  await expect(bar).toHaveAttribute('aria-valuemax', '100');

  const row = page.getByRole('row').filter({ has: bar });
  await expect(row).toContainText(`${lvsPercent().toFixed(2)}%`);
  await expect(row.getByRole('cell', { name: 'web01' })).toBeVisible(); // the guest using the origin
  await expect(row.getByRole('link', { name: 'Extend vg0/e2einv_snap' })).toHaveAttribute(
    'href',
    '/hosts/lab/extend?vg=vg0&snapshot=e2einv_snap',
  );
  await expect(row.getByRole('link', { name: 'Remove vg0/e2einv_snap' })).toHaveAttribute(
    'href',
    '/hosts/lab/remove?vg=vg0&snapshot=e2einv_snap',
  );

  // The guest's disk lists the snapshot with the same fill.
  await page.goto('/guests');
  const web01 = page.getByRole('article', { name: 'web01' });
  await expect(web01.getByRole('progressbar', { name: 'COW usage of vg0/e2einv_snap' })).toHaveAttribute(
    'aria-valuenow',
    String(lvsPercent()),
  );
});

test('a snapshot that overflows shows as INVALID, and the Overview raises an alert', async ({ page }) => {
  labSsh('lvcreate -s -L 8M -n e2einv_full vg0/db');
  labSsh('dd if=/dev/urandom of=/dev/vg0/db bs=1M count=16 oflag=direct status=none');
  await expect.poll(() => labLv('vg0/e2einv_full')?.lv_attr).toMatch(/^s...I/);

  await page.goto('/snapshots');
  const bar = page.getByRole('progressbar', { name: 'COW usage of vg0/e2einv_full' });
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: REFRESH_MS });
  const row = page.getByRole('row').filter({ has: bar });
  await expect(row.getByText('INVALID — lost')).toBeVisible();
  // A lost snapshot can only be removed.
  await expect(row.getByRole('link', { name: 'Remove vg0/e2einv_full' })).toBeVisible();
  await expect(row.getByRole('link', { name: 'Extend vg0/e2einv_full' })).toHaveCount(0);

  // Sorting by fill: the invalid snapshot is "fuller" than any valid one.
  const fill = page.getByRole('columnheader', { name: 'Fill' });
  await expect(fill).toHaveAttribute('aria-sort', 'descending');
  await fill.getByRole('button').click();
  await expect(fill).toHaveAttribute('aria-sort', 'ascending');
  await fill.getByRole('button').click();
  await expect(fill).toHaveAttribute('aria-sort', 'descending');
  await expect(page.getByRole('progressbar').first()).toHaveAccessibleName('COW usage of vg0/e2einv_full');

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  const lab = page.getByRole('region', { name: HOST });
  const alerts = lab.getByRole('list', { name: 'Alerts' });
  const alert = alerts.getByRole('listitem').filter({ hasText: 'vg0/e2einv_full is INVALID' });
  await expect(alert).toBeVisible({ timeout: REFRESH_MS });
  await expect(alert.getByRole('link', { name: 'Remove' })).toHaveAttribute('href', '/hosts/lab/remove?vg=vg0&snapshot=e2einv_full');
});

test('the guests page shows each domain, its state and its disks as LVs', async ({ page }) => {
  await page.goto('/guests');
  const lab = page.getByRole('region', { name: HOST });
  const web01 = lab.getByRole('article', { name: 'web01' });
  await expect(web01).toBeVisible();
  // The lab's seed state is web01 running and db01 shut off; compare with virsh in case another run changed it.
  await expect(web01.getByText(domState('web01'), { exact: true })).toBeVisible();
  const vda = web01.getByRole('row').filter({ has: page.getByRole('cell', { name: 'vda', exact: true }) });
  await expect(vda.getByRole('cell', { name: '/dev/vg0/web' })).toBeVisible();
  await expect(vda.getByRole('link', { name: 'vg0/web', exact: true })).toHaveAttribute('href', '/vgs/lab/vg0');

  const db01 = lab.getByRole('article', { name: 'db01' });
  await expect(db01.getByText(domState('db01'), { exact: true })).toBeVisible();
  await expect(db01.getByRole('link', { name: 'vg0/db', exact: true })).toBeVisible();
});

test('the overview lists every VG with its LVs; the VG page hides internal LVs behind a toggle', async ({ page }) => {
  // Server and browser render the same markup: no hydration errors (times and ages are client-only).
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  const lab = page.getByRole('region', { name: HOST });
  await expect(lab.getByText('vg0', { exact: true }).first()).toBeVisible();
  await expect(lab.getByText('web', { exact: true }).first()).toBeVisible();
  await expect(lab.getByText('db', { exact: true }).first()).toBeVisible();
  await expect(lab.getByRole('meter', { name: 'Capacity of vg0' })).toBeVisible();
  await expect(lab.getByText(/collected \d\d:\d\d:\d\d \(.+ ago\)/)).toBeVisible();

  await page.goto('/vgs');
  await page.getByRole('link', { name: 'vg1', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Volume group vg1', level: 1 })).toBeVisible();
  const table = page.getByRole('table', { name: 'Logical volumes in vg1' });
  await expect(table.getByRole('row', { name: /^pool thin pool/ })).toBeVisible();
  await expect(table.getByText('[pool_tmeta]')).toHaveCount(0);
  await page.getByRole('checkbox', { name: /show internal volumes/ }).check();
  await expect(table.getByText('[pool_tmeta]')).toBeVisible();
  await expect(table.getByRole('link', { name: 'Create snapshot of vg1/thin1' })).toHaveAttribute(
    'href',
    '/hosts/lab/create-snapshot?vg=vg1&origin=thin1',
  );
  for (const p of ['/snapshots', '/guests']) {
    await page.goto(p);
    await expect(page.getByRole('list', { name: 'Hosts' }).or(page.getByRole('region', { name: HOST })).first()).toBeVisible();
    await page.waitForTimeout(1000);
  }
  expect(errors).toEqual([]);
});

// --- the browser side, with the API answer replaced ---------------------------------------------------------------

async function realInventory(page: Page): Promise<HostInventoryResponse> {
  const res = await page.request.get('/api/hosts/lab/inventory', { timeout: REFRESH_MS });
  expect(res.ok(), `GET /api/hosts/lab/inventory: ${res.status()} ${await res.text()}`).toBe(true);
  return (await res.json()) as HostInventoryResponse;
}

function syntheticInventory(base: HostInventoryResponse, lvCount: number, domainCount: number): HostInventoryResponse {
  const now = Date.now();
  const lv = (i: number, over: Partial<InventoryLv>): InventoryLv => ({
    vg: 'vg0',
    name: `lv${i}`,
    path: `/dev/vg0/lv${i}`,
    sizeBytes: 64 * 1024 * 1024,
    attr: '-wi-a-----',
    kind: 'plain',
    origin: null,
    pool: null,
    cowPercent: null,
    active: true,
    open: false,
    merging: false,
    invalid: false,
    mergeFailed: false,
    skipActivation: false,
    createdAt: new Date(now - i * 60_000).toISOString(),
    uuid: `uuid-${i}`,
    hidden: false,
    dataPercent: null,
    ...over,
  });
  const lvs: InventoryLv[] = [];
  const trends: HostInventoryResponse['trends'] = {};
  const origins = Math.floor(lvCount / 2);
  for (let i = 0; i < origins; i++) lvs.push(lv(i, { name: `disk${i}`, kind: 'origin', attr: 'owi-aos---', open: true }));
  for (let i = 0; i < lvCount - origins; i++) {
    const pct = (i * 7.31) % 100;
    const uuid = `snap-${i}`;
    lvs.push(lv(origins + i, { name: `snap${i}`, kind: 'snapshot', attr: 'swi-a-s---', origin: `disk${i % origins}`, cowPercent: Number(pct.toFixed(2)), dataPercent: Number(pct.toFixed(2)), uuid }));
    trends[uuid] = {
      ratePerHour: 2,
      hoursToFull: (100 - pct) / 2,
      samples: Array.from({ length: 30 }, (_, k) => [now - (30 - k) * 60_000, Math.max(0, pct - (30 - k) / 30)] as [number, number]),
    };
  }
  const domains: InventoryDomain[] = Array.from({ length: domainCount }, (_, i) => ({
    name: `guest${String(i).padStart(3, '0')}`,
    state: i % 3 === 0 ? 'shut off' : 'running',
    agent: i % 2 === 0,
    disks: [
      { target: 'vda', source: `/dev/vg0/disk${i}`, vg: 'vg0', lv: `disk${i}` },
      { target: 'vdb', source: `/dev/vg0/disk${(i + 1) % origins}`, vg: 'vg0', lv: `disk${(i + 1) % origins}` },
    ],
  }));
  return {
    ...base,
    vgs: [{ ...(base.vgs[0] ?? { name: 'vg0', extentSizeBytes: 4194304, pvCount: 1 }), name: 'vg0', sizeBytes: 2 ** 40, freeBytes: 2 ** 39, lvCount: lvCount, snapCount: lvCount - origins, pvCount: 4, extentSizeBytes: 4194304 }],
    lvs,
    domains,
    trends,
    collectedAt: new Date().toISOString(),
    reachable: true,
  };
}

test('a host with 1000 LVs and 200 guests renders without freezing', async ({ page }) => {
  const big = syntheticInventory(await realInventory(page), 1000, 200);
  await page.route('**/api/hosts/lab/inventory', (route) => route.fulfill({ json: big }));

  // The longest main-thread task while the big inventory arrives and renders.
  const longestTask = async () =>
    page.evaluate(() => (window as unknown as { __longest?: number }).__longest ?? 0);
  await page.addInitScript(() => {
    const w = window as unknown as { __longest?: number };
    w.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longest = Math.max(w.__longest ?? 0, e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });

  await page.goto('/snapshots');
  await expect(page.getByText('500 snapshots')).toBeVisible({ timeout: 15_000 });
  // Virtualised: far fewer rows in the DOM than snapshots.
  const rendered = await page.getByRole('progressbar').count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(100);
  // The fullest first; the table scrolls to the last one.
  const fill = page.getByRole('columnheader', { name: 'Fill' });
  await fill.getByRole('button').click(); // ascending: the emptiest first
  await expect(page.getByRole('progressbar').first()).toHaveAttribute('aria-valuenow', '0');
  await page.getByRole('table', { name: 'Snapshots' }).locator('..').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(page.getByRole('progressbar').last()).toHaveAttribute('aria-valuenow', /^9\d/);
  await page.waitForTimeout(500); // the sparklines' chart library arrives
  await screenshot(page, 'snapshots-1000-lvs');
  expect(await longestTask()).toBeLessThan(1500);

  await page.goto('/vgs/lab/vg0');
  await expect(page.getByRole('heading', { name: /Logical volumes \(1000\)/ })).toBeVisible({ timeout: 15_000 });
  expect(await page.getByRole('table', { name: 'Logical volumes in vg0' }).getByRole('row').count()).toBeLessThan(120);

  await page.goto('/guests');
  const lab = page.getByRole('region', { name: HOST });
  await expect(lab.getByText('1–50 of 200')).toBeVisible({ timeout: 15_000 });
  await expect(lab.getByRole('article')).toHaveCount(50);
  await lab.getByRole('button', { name: 'Next' }).click();
  await expect(lab.getByRole('article', { name: 'guest050' })).toBeVisible();
  await lab.getByRole('searchbox').fill('guest199');
  await expect(lab.getByRole('article')).toHaveCount(1);

  await screenshot(page, 'guests-200-domains');

  await page.goto('/');
  await expect(page.getByRole('region', { name: HOST }).getByText('and 988 more in vg0 →')).toBeVisible({ timeout: 15_000 });
  await screenshot(page, 'overview-1000-lvs');
  expect(await longestTask()).toBeLessThan(1500);
});

test('the first-load JavaScript of every page stays under 250 KB gzipped, without the chart library', async ({ page }) => {
  const sizes: Record<string, number> = {};
  for (const p of ['/', '/snapshots', '/vgs', '/vgs/lab/vg0', '/guests']) {
    const html = await (await page.request.get(p, { timeout: REFRESH_MS })).text();
    const scripts = [...new Set([...html.matchAll(/(?:src|href)="(\/_next\/static\/[^"]+\.js)"/g)].map((m) => m[1] ?? ''))];
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const src of scripts) {
      const body = await (await page.request.get(src)).body();
      total += gzipSync(body).length;
      // uPlot (its canvas overlay class is "u-over") must only come with the first sparkline.
      expect(body.toString('utf8').includes('u-over'), `${src} on ${p} holds uPlot`).toBe(false);
    }
    sizes[p] = Math.round(total / 1024);
  }
  test.info().annotations.push({ type: 'first-load JS (KiB gzipped)', description: JSON.stringify(sizes) });
  for (const [p, kib] of Object.entries(sizes)) expect(kib, `first-load JS of ${p}`).toBeLessThan(250);
});
