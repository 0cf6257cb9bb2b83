import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { BASE_URL, E2E_ADMIN_PASSWORD } from './env';
import { labLv, labSsh } from './lab';

// Alerts, webhook delivery, auto-extend and /metrics against the real lab. The lab is shared with other test runs:
// LVs made here are named e2ealert_* (snapshots of vg0/db, which no running guest uses) and removed at the end;
// web01 keeps running. The server polls every 2 s (playwright.config.ts), but a read of the lab can take seconds
// when other runs load it: every wait below is generous.

const MiB = 1024 * 1024;
const POLL_MS = 2000;

interface Payload {
  event: 'started' | 'ended' | 'test';
  text: string;
  alert: { key: string; rule: string; severity: string; state: string; host: string; vg: string | null; lv: string | null; link: { href: string } | null; figures: { fillPercent?: number } };
}

// The webhook receiver: a node HTTP server on 127.0.0.1 in a child process, so it answers while this process is
// blocked in a synchronous ssh to the lab (else a delivery would time out, be retried, and arrive twice). POSTs are
// collected; GET /received lists them.
const RECEIVER = `
const http = require('node:http');
const got = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(got));
    try { got.push(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch {}
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
  });
});
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => console.log('PORT=' + server.address().port));
`;
let receiver: ChildProcess | undefined;
let receiverBase = '';
let hookUrl = '';

async function received(): Promise<Payload[]> {
  const res = await fetch(`${receiverBase}/received`);
  return (await res.json()) as Payload[];
}

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 600_000 });

test.beforeAll(async () => {
  // Without the test runner's NODE_OPTIONS (its loaders are not for this script).
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  receiver = child;
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^PORT=(\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`webhook receiver exited with ${code}: ${out}`)));
  });
  receiverBase = `http://127.0.0.1:${port}`;
  hookUrl = `${receiverBase}/hooks/e2e-secret-path`;
});

test.afterAll(() => {
  labSsh(
    'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / vg0 2>/dev/null | tr -d " " | grep "^vg0/e2ealert_"); ' +
      'do lvremove -y "$lv" >/dev/null 2>&1; done; true',
  );
  receiver?.kill();
});

test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

function dropLv(vgLv: string) {
  if (!/^vg0\/e2ealert_[A-Za-z0-9_]+$/.test(vgLv)) throw new Error(`refusing to remove ${vgLv}`);
  labSsh(`lvs ${vgLv} >/dev/null 2>&1 && lvremove -y ${vgLv} >/dev/null; true`);
}

/** Write `mib` MiB of random data into vg0/db starting at MiB `atMiB` (each region once: every MiB is new COW). */
function writeDb(atMiB: number, mib: number) {
  labSsh(`dd if=/dev/urandom of=/dev/vg0/db bs=1M seek=${atMiB} count=${mib} oflag=direct conv=notrunc status=none`);
}

/** lvs of one LV; labLv answers null for a failed ssh too (the lab is slow under load), so ask again before giving up. */
async function lvState(vgLv: string): Promise<{ percent: number; sizeBytes: number; attr: string }> {
  for (let i = 0; i < 4; i++) {
    const lv = labLv(vgLv);
    if (lv) return { percent: Number(lv.data_percent), sizeBytes: Number(lv.lv_size), attr: lv.lv_attr ?? '' };
    await new Promise((r) => setTimeout(r, 3000));
  }
  throw new Error(`${vgLv} is gone (or the lab does not answer)`);
}

/** Wait until Cowherd has read the lab `n` more times (a read's collectedAt is new each time). */
async function readsOfLab(request: APIRequestContext, n: number) {
  const seen = new Set<string>();
  const collectedAt = async () => ((await (await request.get('/api/hosts/lab/inventory')).json()) as { collectedAt?: string }).collectedAt ?? '';
  const first = await collectedAt();
  await expect
    .poll(
      async () => {
        const at = await collectedAt();
        if (at && at !== first) seen.add(at);
        return seen.size;
      },
      { timeout: 120_000, intervals: [POLL_MS] },
    )
    .toBeGreaterThanOrEqual(n);
}

const put = (request: APIRequestContext, url: string, data: unknown) => request.put(url, { headers: { Origin: BASE_URL }, data });

const fillAlerts = async (lv: string, event: Payload['event']) =>
  (await received()).filter((p) => p.event === event && p.alert.rule === 'fill-warning' && p.alert.lv === lv);

test('a snapshot past 80 % is delivered to the webhook once and shown on /alerts', async ({ page }) => {
  const snap = 'e2ealert_fill';
  const res = await put(page.request, '/api/alerts/webhook', { url: hookUrl });
  expect(res.ok(), await res.text()).toBe(true);
  // Only admins see the URL; a bad scheme is refused.
  expect(((await (await page.request.get('/api/alerts')).json()) as { webhook: { url?: string } }).webhook.url).toBe(hookUrl);
  expect((await put(page.request, '/api/alerts/webhook', { url: 'ftp://127.0.0.1/x' })).status()).toBe(400);

  dropLv(`vg0/${snap}`);
  labSsh(`lvcreate -q -s -L 16M -n ${snap} vg0/db >/dev/null`);
  // 12 MiB first (~75 %), then a MiB at a time until lvs says > 80 % (13 MiB: ~81.7 % with the COW metadata).
  writeDb(0, 12);
  let mib = 12;
  let state = await lvState(`vg0/${snap}`);
  while (state.percent <= 80 && mib < 15) {
    writeDb(mib, 1);
    mib++;
    state = await lvState(`vg0/${snap}`);
  }
  expect(state.percent).toBeGreaterThan(80);
  expect(state.percent).toBeLessThan(100);
  expect(state.attr[4]).not.toBe('I');

  await expect.poll(async () => (await fillAlerts(snap, 'started')).length, { timeout: 120_000, intervals: [1000] }).toBe(1);
  const [started] = await fillAlerts(snap, 'started');
  expect(started?.alert).toMatchObject({ severity: 'warning', state: 'firing', host: 'lab', vg: 'vg0', lv: snap });
  expect(started?.alert.link?.href).toBe(`/hosts/lab/extend?vg=vg0&snapshot=${snap}`);
  expect(started?.text).toContain(`lab: vg0/${snap}: COW area`);
  expect(started?.alert.figures.fillPercent).toBeGreaterThan(80);

  // Three more reads of the lab (each one evaluated by the rules) see the same condition: still one delivery.
  await readsOfLab(page.request, 3);
  expect(await fillAlerts(snap, 'started')).toHaveLength(1);
  expect(await fillAlerts(snap, 'ended')).toHaveLength(0);

  await page.goto('/alerts');
  const firing = page.getByRole('table', { name: 'Alerts firing now' });
  await expect(firing).toContainText(`vg0/${snap}: COW area`);
  await expect(firing.getByRole('link', { name: `Extend vg0/${snap}: COW area filling up` })).toHaveAttribute('href', `/hosts/lab/extend?vg=vg0&snapshot=${snap}`);
  const deliveries = page.getByRole('table', { name: 'Webhook deliveries' });
  await expect(deliveries).toContainText('started');
  // The URL's path (a Slack webhook's secret) is never in the delivery record.
  await expect(deliveries).not.toContainText('e2e-secret-path');
  await page.screenshot({ path: 'screenshots/alerts.png', fullPage: true });
});

test('/metrics with a viewer token reports the COW fill that lvs reports', async ({ page, playwright }) => {
  const snap = 'e2ealert_fill';
  const created = await page.request.post('/api/tokens', { headers: { Origin: BASE_URL }, data: { name: 'e2ealert-metrics', role: 'viewer' } });
  expect(created.status(), await created.text()).toBe(201);
  const { token } = (await created.json()) as { token: string };

  // Like curl: no cookie, only the bearer token (a fresh request context with no storage).
  const anonymous = await playwright.request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  const scrape = (auth?: string) => anonymous.get('/metrics', { headers: auth ? { Authorization: auth } : {} });
  expect((await scrape()).status()).toBe(401);
  expect((await scrape('Bearer not-a-token')).status()).toBe(401);
  const first = await scrape(`Bearer ${token}`);
  expect(first.status()).toBe(200);
  expect(first.headers()['content-type']).toContain('text/plain');
  const body = await first.text();
  for (const name of [
    'cowherd_snapshot_cow_fill_percent',
    'cowherd_snapshot_cow_size_bytes',
    'cowherd_vg_size_bytes',
    'cowherd_vg_free_bytes',
    'cowherd_guest_state',
    'cowherd_host_reachable',
    'cowherd_inventory_duration_seconds',
    'cowherd_jobs',
    'cowherd_alerts_firing',
  ]) {
    expect(body).toContain(`# TYPE ${name} gauge`);
  }
  expect(body).toContain('cowherd_host_reachable{host="lab"} 1');
  // web01 is in exactly one state (other test runs may pause it for a moment).
  expect(body.match(/^cowherd_guest_state\{host="lab",domain="web01",state="[^"]+"\} 1$/gm)).toHaveLength(1);
  expect(body).toMatch(/^cowherd_alerts_firing\{rule="fill-warning",severity="warning"\} [1-9]\d*$/m);

  const series = new RegExp(`^cowherd_snapshot_cow_fill_percent\\{host="lab",vg="vg0",snapshot="${snap}",origin="db"\\} (\\S+)$`, 'm');
  // Within one poll, the metric and lvs agree.
  await expect
    .poll(
      async () => {
        const text = await (await scrape(`Bearer ${token}`)).text();
        const m = series.exec(text);
        const lvs = (await lvState(`vg0/${snap}`)).percent;
        return m ? Math.abs(Number(m[1]) - lvs) : Infinity;
      },
      { timeout: 120_000, intervals: [POLL_MS] },
    )
    .toBeLessThan(0.01);

  // A viewer token cannot change the alert settings.
  const denied = await anonymous.put('/api/alerts/webhook', { headers: { Authorization: `Bearer ${token}` }, data: { url: null } });
  expect(denied.status()).toBe(403);
  await anonymous.dispose();

  // The snapshot goes away: its alert ends, delivered once.
  dropLv(`vg0/${snap}`);
  await expect.poll(async () => (await fillAlerts(snap, 'ended')).length, { timeout: 120_000, intervals: [1000] }).toBe(1);
  await readsOfLab(page.request, 2);
  expect(await fillAlerts(snap, 'ended')).toHaveLength(1);
  expect(await fillAlerts(snap, 'started')).toHaveLength(1);
});

test('a thin pool past 80 % reaches the webhook and /metrics, and the Overview says the same', async ({ page, playwright }) => {
  // One evaluator (lib/alerts/rules.ts) for the engine and the page: before, thin-pool alerts existed only in the
  // browser (hard-coded 80/90 %) and never reached the webhook or cowherd_alerts_firing.
  const pool = 'e2ealert_pool';
  const thin = 'e2ealert_thin';
  expect((await put(page.request, '/api/alerts/webhook', { url: hookUrl })).ok()).toBe(true);
  dropLv(`vg0/${pool}`);
  labSsh(`lvcreate -q -y --type thin-pool -L 8M -n ${pool} vg0 >/dev/null && lvcreate -q -V 16M -T vg0/${pool} -n ${thin} >/dev/null`);
  try {
    // 7 MiB into an 8 MiB pool: ~87 % data, below the 90 % critical rule, never full (a full pool queues writes).
    labSsh(`dd if=/dev/urandom of=/dev/vg0/${thin} bs=1M count=7 oflag=direct status=none`);
    const data = Number(labLv(`vg0/${pool}`)?.data_percent);
    expect(data).toBeGreaterThan(80);
    expect(data).toBeLessThan(90);

    const poolAlerts = async (event: Payload['event']) =>
      (await received()).filter((p) => p.event === event && p.alert.rule === 'pool-warning' && p.alert.lv === pool);
    await expect.poll(async () => (await poolAlerts('started')).length, { timeout: 120_000, intervals: [1000] }).toBe(1);
    const [started] = await poolAlerts('started');
    expect(started?.alert).toMatchObject({ severity: 'warning', state: 'firing', host: 'lab', vg: 'vg0', lv: pool });
    expect(started?.alert.link?.href).toBe('/vgs/lab/vg0');
    expect(started?.text).toContain(`lab: vg0/${pool}: thin pool data`);
    expect(started?.alert.figures.fillPercent).toBeGreaterThan(80);

    const created = await page.request.post('/api/tokens', { headers: { Origin: BASE_URL }, data: { name: 'e2ealert-pool-metrics', role: 'viewer' } });
    expect(created.status(), await created.text()).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const anonymous = await playwright.request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
    const metrics = await (await anonymous.get('/metrics', { headers: { Authorization: `Bearer ${token}` } })).text();
    await anonymous.dispose();
    expect(metrics).toMatch(/^cowherd_alerts_firing\{rule="pool-warning",severity="warning"\} [1-9]\d*$/m);

    await page.goto('/');
    await expect(page.getByText(new RegExp(`Thin pool vg0/${pool} is 8\\d\\.\\d\\d% full$`))).toBeVisible({ timeout: 60_000 });
  } finally {
    labSsh(`lvremove -y vg0/${pool} >/dev/null 2>&1; true`);
  }
  await expect
    .poll(async () => (await received()).filter((p) => p.event === 'ended' && p.alert.rule === 'pool-warning' && p.alert.lv === pool).length, {
      timeout: 120_000,
      intervals: [1000],
    })
    .toBe(1);
});

test('Snapshots page: a merging snapshot is not coloured by fill, and a new one says its trend is not yet reliable', async ({ page }) => {
  const origin = 'e2ealert_morigin';
  const merging = 'e2ealert_msnap';
  const fresh = 'e2ealert_fresh';
  for (const lv of [merging, origin, fresh]) dropLv(`vg0/${lv}`);
  labSsh(`lvcreate -q -y -L 32M -n ${origin} vg0 >/dev/null && lvcreate -q -s -L 16M -n ${merging} vg0/${origin} >/dev/null`);
  labSsh(`dd if=/dev/urandom of=/dev/vg0/${origin} bs=1M count=4 oflag=direct status=none`);
  // Hold the origin open so that lvm2 defers the merge ("Delaying merge since origin is open"): the snapshot then
  // stays merging, as a rollback of a running guest's disk does.
  const holder = labSsh(`setsid sleep 600 < /dev/vg0/${origin} > /dev/null 2>&1 & echo $!`).trim();
  expect(holder).toMatch(/^\d+$/);
  try {
    labSsh(`lvconvert -q --merge vg0/${merging} >/dev/null 2>&1; true`);
    expect(labLv(`vg0/${origin}`)?.lv_attr?.[0]).toBe('O');
    labSsh(`lvcreate -q -s -L 16M -n ${fresh} vg0/db >/dev/null`);
    writeDb(0, 2);

    await page.goto('/snapshots');
    const bar = page.getByRole('progressbar', { name: `COW usage of vg0/${merging}` });
    await expect(bar).toHaveAttribute('aria-valuetext', /^merging, \d+\.\d% left$/, { timeout: 60_000 });
    await expect(page.getByRole('row', { name: new RegExp(merging) })).toContainText(/merging, \d+\.\d% left/);
    // Fewer than 3 samples over a minute: no "full in 9 s", and the page says why there is no figure.
    await expect(page.getByRole('row', { name: new RegExp(fresh) })).toContainText('trend not yet reliable', { timeout: 30_000 });
    await page.screenshot({ path: 'screenshots/snapshots-merging.png', fullPage: true });
  } finally {
    labSsh(`kill ${holder} 2>/dev/null; true`);
    // Reactivating the closed origin runs the deferred merge (4 MiB: a moment), then everything goes.
    labSsh(`lvchange -an vg0/${origin} && lvchange -ay vg0/${origin}; sleep 2; lvremove -y vg0/${origin} >/dev/null 2>&1; true`);
    dropLv(`vg0/${fresh}`);
  }
});

test('auto-extend keeps a snapshot valid while more than its COW size is written', async ({ page }) => {
  const snap = 'e2ealert_auto';
  const policy = { host: 'lab', vg: 'vg0', snapshot: snap, enabled: true, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null };
  const off = { enabled: false, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null };
  const res = await put(page.request, '/api/alerts/policies', { default: off, snapshots: [policy] });
  expect(res.ok(), await res.text()).toBe(true);

  dropLv(`vg0/${snap}`);
  labSsh(`lvcreate -q -s -L 16M -n ${snap} vg0/db >/dev/null`);
  try {
    // 6 x 4 MiB = 24 MiB into a 16 MiB COW area: without auto-extend it would overflow at the 4th step.
    for (let step = 0; step < 6; step++) {
      writeDb(step * 4, 4);
      let s = await lvState(`vg0/${snap}`);
      expect(s.attr[4], `after step ${step + 1}: ${JSON.stringify(s)}`).not.toBe('I');
      await page.waitForTimeout(2 * POLL_MS);
      s = await lvState(`vg0/${snap}`);
      // Past the policy's threshold: the next 4 MiB could fill it, so wait for Cowherd's extension first.
      if (s.percent >= 70) {
        await expect
          .poll(
            async () => {
              const now = await lvState(`vg0/${snap}`);
              return now.attr[4] === 'I' ? 'invalid' : now.percent < 70 ? 'extended' : `${now.percent}% of ${now.sizeBytes / MiB} MiB`;
            },
            { timeout: 180_000, intervals: [POLL_MS], message: `Cowherd did not extend ${snap} after step ${step + 1}` },
          )
          .toBe('extended');
      }
      expect((await lvState(`vg0/${snap}`)).attr[4]).not.toBe('I');
    }
    const final = await lvState(`vg0/${snap}`);
    expect(final.attr[4]).toBe('a');
    expect(final.sizeBytes).toBeGreaterThanOrEqual(24 * MiB + 12 * MiB);

    interface JobSummary { id: number; operation: string; username: string; status: string; params: { snapshot?: string; addBytes?: number } }
    const extendJobs = async () =>
      ((await (await page.request.get('/api/jobs?limit=200')).json()) as { jobs: JobSummary[] }).jobs.filter(
        (j) => j.operation === 'extend-snapshot' && j.params.snapshot === snap,
      );
    // The last job may still be re-reading the host for its post-check.
    await expect.poll(async () => (await extendJobs()).filter((j) => j.status === 'running').length, { timeout: 180_000 }).toBe(0);
    const jobs = await extendJobs();
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const j of jobs) {
      expect(j.username).toBe('cowherd-autoextend');
      // Its lvextend succeeded (under heavy lab load a post-check read can time out and fail the job afterwards).
      const { job } = (await (await page.request.get(`/api/jobs/${j.id}`)).json()) as { job: { steps: { argv: string[] | null; status: string }[] } };
      expect(job.steps.map((st) => [st.argv?.[0], st.status])).toEqual([['lvextend', 'succeeded']]);
    }
    // 50 % of 16 MiB, then 50 % of 24 MiB.
    expect(jobs.map((j) => j.params.addBytes).reverse().slice(0, 2)).toEqual([8 * MiB, 12 * MiB]);
    // The page shows the policy.
    await page.goto('/alerts');
    await expect(page.getByLabel(`Policy for vg0/${snap}: enabled`)).toBeChecked();
  } finally {
    dropLv(`vg0/${snap}`);
    await put(page.request, '/api/alerts/policies', { default: off, snapshots: [] });
    await put(page.request, '/api/alerts/webhook', { url: null });
  }
});
