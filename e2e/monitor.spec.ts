import { expect, test, type APIRequestContext } from '@playwright/test';
import { BASE_URL, E2E_ADMIN_PASSWORD } from './env';
import { labLv, labSsh } from './lab';

// The device-mapper fast path, on the real lab (issue: monitoring at the kernel's cost). Snapshots here are of
// vg0/db (no running guest uses it) and named e2emon_*; they are removed at the end.
// The server polls every 2 s and reads the full inventory at least every 30 s (playwright.config.ts).

const MiB = 1024 * 1024;
const POLL_MS = 2000;
const INVENTORY_MS = 30_000;

interface Lv { vg: string; name: string; sizeBytes: number; cowPercent: number | null; invalid: boolean }
interface Inv { collectedAt: string; fullReadAt?: string; lvs: Lv[] }

const inventory = async (request: APIRequestContext, fresh = false): Promise<Inv> =>
  (await (await request.get(`/api/hosts/lab/inventory${fresh ? '?fresh=1' : ''}`)).json()) as Inv;
const findLv = (inv: Inv, vg: string, name: string) => inv.lvs.find((l) => l.vg === vg && l.name === name);
const put = (request: APIRequestContext, url: string, data: unknown) => request.put(url, { headers: { Origin: BASE_URL }, data });

function dropMonLvs() {
  labSsh(
    'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / vg0 2>/dev/null | tr -d " " | grep "^vg0/e2emon_"); ' +
      'do lvremove -y "$lv" >/dev/null 2>&1; done; true',
  );
}

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 600_000 });

test.beforeAll(() => dropMonLvs());
test.afterAll(() => dropMonLvs());

test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

test('a snapshot made outside Cowherd appears at the next poll, and its bar follows writes without a full read', async ({ page }) => {
  const snap = 'e2emon_bar';
  labSsh(`lvcreate -q -s -L 32M -n ${snap} vg0/db >/dev/null`);
  // A new device: the next poll sees a changed device set and reads the host in full.
  await expect.poll(async () => !!findLv(await inventory(page.request), 'vg0', snap), { timeout: 60_000, intervals: [500] }).toBe(true);

  // Wait for the start of a slow-interval window, so that a full read in the next seconds can only be the slow one.
  const before = await inventory(page.request);
  const fullBefore = before.fullReadAt;
  expect(fullBefore).toBeTruthy();

  labSsh('dd if=/dev/urandom of=/dev/vg0/db bs=1M count=8 oflag=direct conv=notrunc status=none');
  const written = Date.now();
  const truth = Number(labLv(`vg0/${snap}`)?.data_percent);
  expect(truth).toBeGreaterThan(20);

  // Within one poll (plus the poll itself, slow on the emulated lab), the API shows exactly what lvs says.
  await expect
    .poll(async () => findLv(await inventory(page.request), 'vg0', snap)?.cowPercent, { timeout: 30_000, intervals: [250] })
    .toBe(truth);
  const after = await inventory(page.request);
  const tookMs = Date.now() - written;
  console.log(`fill visible ${tookMs} ms after the write; collectedAt ${after.collectedAt}, full read ${after.fullReadAt}`);
  // From device-mapper, not a full read: fullReadAt did not move (unless the 30 s slow interval came due meanwhile).
  if (Date.parse(after.collectedAt) - Date.parse(fullBefore ?? '') < INVENTORY_MS - 2 * POLL_MS) {
    expect(after.fullReadAt).toBe(fullBefore);
    expect(Date.parse(after.collectedAt)).toBeGreaterThan(Date.parse(fullBefore ?? ''));
  }

  // The page's bar shows it too.
  await page.goto('/snapshots');
  await expect(page.getByRole('progressbar', { name: `COW usage of vg0/${snap}` }).first()).toHaveAttribute('aria-valuenow', String(truth), { timeout: 30_000 });
});

test('an LV that makes no device (inactive) appears at once on refresh, and within the slow interval without one', async ({ page }) => {
  const lv = 'e2emon_quiet';
  // -an -Zn: created inactive, so device-mapper's device set does not change; only lvs can tell.
  labSsh(`lvcreate -q -an -Zn -L 4M -n ${lv} vg0 >/dev/null 2>&1`);
  expect(labLv(`vg0/${lv}`)).not.toBeNull();
  const created = Date.now();
  // Polls go on with device-mapper figures; the slow interval brings it without anyone asking.
  await expect.poll(async () => !!findLv(await inventory(page.request), 'vg0', lv), { timeout: INVENTORY_MS + 30_000, intervals: [1000] }).toBe(true);
  console.log(`inactive LV seen ${Date.now() - created} ms after lvcreate (slow interval ${INVENTORY_MS} ms)`);

  const lv2 = 'e2emon_quiet2';
  labSsh(`lvcreate -q -an -Zn -L 4M -n ${lv2} vg0 >/dev/null 2>&1`);
  // The Refresh (?fresh=1) reads in full at once.
  expect(findLv(await inventory(page.request, true), 'vg0', lv2)).toBeDefined();
});

test('auto-extend on the fast path saves a 16 MiB snapshot written at about 1 MiB/s', async ({ page }) => {
  const snap = 'e2emon_auto';
  const policy = { host: 'lab', vg: 'vg0', snapshot: snap, enabled: true, thresholdPercent: 50, growPercent: 100, maxSizeBytes: null };
  const off = { enabled: false, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null };
  const res = await put(page.request, '/api/alerts/policies', { default: off, snapshots: [policy] });
  expect(res.ok(), await res.text()).toBe(true);
  try {
    labSsh(`lvcreate -q -s -L 16M -n ${snap} vg0/db >/dev/null`);
    await expect.poll(async () => !!findLv(await inventory(page.request), 'vg0', snap), { timeout: 60_000, intervals: [500] }).toBe(true);
    // 40 MiB, one MiB about every second, each MiB new (40 MiB of COW into a 16 MiB area).
    const t0 = Date.now();
    labSsh(
      'i=0; while [ $i -lt 40 ]; do dd if=/dev/urandom of=/dev/vg0/db bs=1M seek=$((64 + i)) count=1 oflag=direct conv=notrunc status=none; ' +
        'sleep 0.8; i=$((i + 1)); done',
      { timeoutMs: 300_000 },
    );
    console.log(`40 MiB written in ${Math.round((Date.now() - t0) / 1000)} s`);
    const final = labLv(`vg0/${snap}`);
    expect(final?.lv_attr?.[4], JSON.stringify(final)).toBe('a');
    expect(Number(final?.lv_size)).toBeGreaterThanOrEqual(64 * MiB);

    interface JobSummary { id: number; operation: string; username: string; status: string; createdAt?: string; params: { snapshot?: string } }
    const jobs = ((await (await page.request.get('/api/jobs?limit=200')).json()) as { jobs: JobSummary[] }).jobs.filter(
      (j) => j.operation === 'extend-snapshot' && j.params.snapshot === snap,
    );
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const j of jobs) expect(j.username).toBe('cowherd-autoextend');
  } finally {
    await put(page.request, '/api/alerts/policies', { default: off, snapshots: [] });
  }
});
