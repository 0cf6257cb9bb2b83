import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SshRunner } from '../lib/host/ssh';
import { BIG_VG, buildBigHost, createBigVg, removeBigHost, type LabRun } from '../lib/test/big-host';
import { labRunner } from '../lib/test/lab';
import { domState, labLv, labSsh } from './lab';

// Inventory and live COW monitoring, against the lab. Only LVs named e2einv_* in vg0/vg1 are created here, plus the
// big host (VG vgbench on the spare disk /dev/vdc, domains bench-*) of the 1000-LV test; the lab is shared, and every
// test removes what it created again.

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

// --- a real host of 1000 LVs -------------------------------------------------------------------------------------
// VG vgbench on the lab's spare disk /dev/vdc: 500 one-extent origins, each with a classic snapshot, and 200 libvirt
// domains bench-* on the first 200 origins (lib/test/big-host.ts, shared with `npm run bench`). The lab is shared:
// nothing else is touched, and all of it is removed again, before and after.

const BIG = { lvs: 1000, snapshots: 500, domains: 200 } as const;

let bigRunner: SshRunner | undefined;
/** Runs a bash script in the lab as root over ssh (one reused connection) and resolves to its standard output. */
const bigRun: LabRun = async (script, input) => {
  bigRunner ??= labRunner();
  return (await bigRunner.run(['bash', '-c', script], { input, timeoutMs: 600_000 })).stdout;
};

/** data_percent of every snapshot in vgbench, as lvs reports it. */
async function vgbenchFills(): Promise<Map<string, number>> {
  const out = await bigRun(`lvs --reportformat json -o lv_name,lv_attr,data_percent ${BIG_VG}`);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_attr: string; data_percent: string }[] }[] }).report[0]?.lv ?? [];
  return new Map(rows.filter((r) => r.lv_attr.startsWith('s')).map((r) => [r.lv_name, Number(r.data_percent)]));
}

test.describe('a real host of 1000 LVs', () => {
  test.afterAll(async () => {
    test.setTimeout(600_000);
    const t0 = Date.now();
    await removeBigHost(bigRun);
    console.log(`big host removed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test('a host with 1000 LVs, 500 snapshots and 200 guests renders without freezing', async ({ page }) => {
    test.setTimeout(600_000);
    const base = await createBigVg(bigRun); // removes what an earlier run left first
    const built = await buildBigHost(bigRun, base, BIG);
    console.log(
      `big host: ${built.lvs} LVs (${built.snapshots} snapshots), ${built.domains} domains built in ${built.seconds.toFixed(1)} s` +
        ` (${built.zeroedCowHeaders} COW headers zeroed)`,
    );
    test.info().annotations.push({ type: 'big host build (s)', description: built.seconds.toFixed(1) });

    // Real snapshots, with what lvm2 reports for them; three of them take some writes to their origins.
    await bigRun(
      [1, 2, 3].map((mib) => `dd if=/dev/zero of=/dev/${BIG_VG}/lv000${mib} bs=1M count=${mib} oflag=direct status=none`).join('\n'),
    );
    const fills = await vgbenchFills();
    expect(fills.size).toBe(BIG.snapshots);
    const snap = labLv(`${BIG_VG}/snap0000`, 'lv_name,lv_attr,origin,data_percent');
    expect(snap).toEqual({ lv_name: 'snap0000', lv_attr: 'swi-a-s---', origin: 'lv0000', data_percent: '0.00' });
    const emptiest = Math.min(...fills.values());
    const fullest = Math.max(...fills.values());
    expect(fills.get('snap0003')).toBe(fullest);
    expect(fullest).toBeGreaterThan(70); // 3 MiB into a 4 MiB COW area

    // The longest main-thread task while the big inventory arrives and renders (per page load).
    const longestTask = async () => page.evaluate(() => (window as unknown as { __longest?: number }).__longest ?? 0);
    await page.addInitScript(() => {
      const w = window as unknown as { __longest?: number };
      w.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longest = Math.max(w.__longest ?? 0, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    const longest: Record<string, number> = {};

    // Snapshots: all of them (other test runs may add their own in vg0), then the 500 of vgbench.
    await page.goto('/snapshots');
    const counter = page.getByText(/^\d+ (of \d+ )?snapshots$/);
    await expect(async () => {
      expect(Number(/^\d+/.exec((await counter.textContent()) ?? '')?.[0])).toBeGreaterThanOrEqual(BIG.snapshots);
    }).toPass({ timeout: REFRESH_MS, intervals: [500] });
    await page.getByRole('searchbox').fill(`${BIG_VG}/`);
    await expect(counter).toHaveText(/^500( of \d+)? snapshots$/);
    // Virtualised: far fewer rows in the DOM than snapshots.
    const table = page.getByRole('table', { name: 'Snapshots' });
    const rendered = await table.getByRole('progressbar').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(100);
    // The fullest first, as lvs reports it (the page polls until it has an inventory read after the writes).
    await expect(table.getByRole('progressbar').first()).toHaveAccessibleName(`COW usage of ${BIG_VG}/snap0003`, { timeout: REFRESH_MS });
    await expect(table.getByRole('progressbar').first()).toHaveAttribute('aria-valuenow', String(fullest));
    // Ascending: the emptiest first; the table scrolls to the last one, the fullest.
    const fill = page.getByRole('columnheader', { name: 'Fill' });
    await fill.getByRole('button').click();
    await expect(fill).toHaveAttribute('aria-sort', 'ascending');
    await expect(table.getByRole('progressbar').first()).toHaveAttribute('aria-valuenow', String(emptiest));
    await table.locator('..').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(table.getByRole('progressbar').last()).toHaveAccessibleName(`COW usage of ${BIG_VG}/snap0003`);
    await expect(table.getByRole('progressbar').last()).toHaveAttribute('aria-valuenow', String(fullest));
    await page.waitForTimeout(1000); // the sparklines' chart library arrives
    await screenshot(page, 'snapshots-1000-lvs');
    longest['/snapshots'] = await longestTask();

    // The VG page: 1000 LVs, rendered virtualised.
    await page.goto(`/vgs/lab/${BIG_VG}`);
    await expect(page.getByRole('heading', { name: /Logical volumes \(1000\)/ })).toBeVisible({ timeout: REFRESH_MS });
    const lvTable = page.getByRole('table', { name: `Logical volumes in ${BIG_VG}` });
    await expect(lvTable.getByRole('row').first()).toBeVisible();
    expect(await lvTable.getByRole('row').count()).toBeLessThan(120);
    await expect(page.locator('dl > div').filter({ has: page.locator('dt', { hasText: /^Snapshots$/ }) }).locator('dd')).toHaveText('500');
    longest[`/vgs/lab/${BIG_VG}`] = await longestTask();

    // Guests: 50 per page, searchable; each bench-* guest's disk is an origin with its snapshot.
    await page.goto('/guests');
    const lab = page.getByRole('region', { name: HOST });
    const range = lab.getByText(/^1–50 of \d+$/);
    await expect(range).toBeVisible({ timeout: REFRESH_MS });
    expect(Number(/of (\d+)$/.exec((await range.textContent()) ?? '')?.[1])).toBeGreaterThanOrEqual(BIG.domains + 2);
    await expect(lab.getByRole('article')).toHaveCount(50);
    await lab.getByRole('button', { name: 'Next' }).click();
    await expect(lab.getByText(/^51–100 of \d+$/)).toBeVisible();
    await expect(lab.getByRole('article', { name: 'bench-50', exact: true })).toBeVisible();
    await screenshot(page, 'guests-200-domains');
    await lab.getByRole('searchbox').fill('bench-199');
    await expect(lab.getByRole('article')).toHaveCount(1);
    const guest = lab.getByRole('article', { name: 'bench-199' });
    await expect(guest.getByText('shut off', { exact: true })).toBeVisible();
    await expect(guest.getByRole('link', { name: `${BIG_VG}/lv0199`, exact: true })).toHaveAttribute('href', `/vgs/lab/${BIG_VG}`);
    await expect(guest.getByRole('progressbar', { name: `COW usage of ${BIG_VG}/snap0199` })).toHaveAttribute('aria-valuenow', '0');
    longest['/guests'] = await longestTask();

    // The overview lists the first 12 LVs of vgbench, its snapshots fullest first, and links to the rest.
    await page.goto('/');
    const overview = page.getByRole('region', { name: HOST });
    await expect(overview.getByRole('link', { name: `and 988 more in ${BIG_VG} →` })).toHaveAttribute('href', `/vgs/lab/${BIG_VG}`, { timeout: REFRESH_MS });
    const vgbench = overview.getByRole('article', { name: BIG_VG });
    await expect(vgbench.getByText('500 volumes · 500 snapshots')).toBeVisible();
    await expect(vgbench.getByRole('progressbar').first()).toHaveAccessibleName(`COW usage of ${BIG_VG}/snap0003`);
    await screenshot(page, 'overview-1000-lvs');
    longest['/'] = await longestTask();

    console.log(`longest main-thread task per page (ms): ${JSON.stringify(longest)}`);
    test.info().annotations.push({ type: 'longest main-thread task (ms)', description: JSON.stringify(longest) });
    for (const [p, ms] of Object.entries(longest)) expect(ms, `longest task on ${p}`).toBeLessThan(1500);
  });
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
