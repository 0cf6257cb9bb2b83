import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD, E2E_PORT, LAB_DIR } from './env';
import { labSsh } from './lab';
import { killServer, startServer } from './server';

// Snapshot policies (issue 12) against the real lab, on a server of our own (this spec kills it) that accepts
// schedules with a seconds field (COWHERD_POLICY_SECONDS=1), so a run "every few seconds" stands in for "every
// minute" without waiting minutes. LVs made here: e2epol_* (thin volumes in vg1/pool, their snapshots, a manual
// snapshot) and the policy snapshots of vg0/web (tagged with our policies' ids); only those are removed at the end.

const PORT = E2E_PORT + 150;
const BASE = `http://127.0.0.1:${PORT}`;
const DATA_DIR = `/tmp/cowherd-policies-e2e-${PORT}`;
const CONFIG = path.join(LAB_DIR, 'cowherd.config.json');
// A run is a few full reads of the lab plus a job or two: ~5 s on a quiet lab, minutes when several TCG labs share two
// cores (seen: lvs taking 12 s). The waits are generous; on a quiet lab the spec takes about three minutes.
const HOST_MS = 300_000;

interface Run {
  id: number;
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  result: 'running' | 'ok' | 'failed' | 'skipped';
  reason: string | null;
  jobIds: number[];
}
interface Payload {
  event: 'started' | 'ended' | 'test';
  alert: { key: string; rule: string; state: string; summary: string };
}

let server: ChildProcess | undefined;
let api: APIRequestContext;
let receiver: ChildProcess | undefined;
let hookUrl = '';
let receiverBase = '';
const policyIds: number[] = [];

const lab = (cmd: string) => labSsh(cmd, { timeoutMs: HOST_MS });
/** LVs of vg with lv_name, lv_tags, origin, as rows. */
function lvs(vg: string): { name: string; tags: string[]; origin: string }[] {
  const out = lab(`lvs --reportformat json -o lv_name,lv_tags,origin ${vg}`);
  const rows = (JSON.parse(out) as { report: { lv: { lv_name: string; lv_tags: string; origin: string }[] }[] }).report[0]?.lv ?? [];
  return rows.map((r) => ({ name: r.lv_name, tags: r.lv_tags ? r.lv_tags.split(',') : [], origin: r.origin }));
}
const tagged = (vg: string, id: number) => lvs(vg).filter((l) => l.tags.includes(`cowherd-policy-${id}`));

async function login(): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: BASE, extraHTTPHeaders: { Origin: BASE } });
  const r = await ctx.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(r.ok(), await r.text()).toBe(true);
  return ctx;
}

async function createPolicy(body: Record<string, unknown>): Promise<number> {
  const r = await api.post('/api/policies', { data: body });
  expect(r.status(), await r.text()).toBe(201);
  const id = ((await r.json()) as { policy: { id: number } }).policy.id;
  policyIds.push(id);
  return id;
}
async function runs(id: number): Promise<Run[]> {
  return ((await (await api.get(`/api/policies/${id}/runs`)).json()) as { runs: Run[] }).runs;
}
/** Run now and wait for the run to end. */
async function runNow(id: number): Promise<Run> {
  const r = await api.post(`/api/policies/${id}/run`);
  expect(r.status(), await r.text()).toBe(202);
  const runId = ((await r.json()) as { run: Run }).run.id;
  let last: Run | undefined;
  await expect
    .poll(async () => ((last = (await runs(id)).find((x) => x.id === runId)), last?.result), { timeout: HOST_MS, intervals: [500] })
    .not.toBe('running');
  return last!;
}
async function setEnabled(id: number, enabled: boolean): Promise<void> {
  const p = ((await (await api.get(`/api/policies/${id}`)).json()) as { policy: Record<string, unknown> }).policy;
  const body = { name: p.name, selector: p.selector, action: p.action, schedule: p.schedule, retention: p.retention, consistency: p.consistency, maxFillPercent: p.maxFillPercent, note: p.note, enabled };
  const r = await api.put(`/api/policies/${id}`, { data: body });
  expect(r.status(), await r.text()).toBe(200);
}
async function idle(id: number): Promise<void> {
  await expect.poll(async () => (await runs(id)).some((r) => r.result === 'running'), { timeout: HOST_MS, intervals: [500] }).toBe(false);
}

const RECEIVER = `
const http = require('node:http');
const got = [];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET') return res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(got));
    try { got.push(JSON.parse(Buffer.concat(chunks).toString('utf8'))); } catch {}
    res.writeHead(200).end('ok');
  });
});
server.keepAliveTimeout = 0;
server.listen(0, '127.0.0.1', () => console.log('PORT=' + server.address().port));
`;

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 900_000 });

test.beforeAll(async () => {
  test.setTimeout(600_000);
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  lab('lvcreate -q -y -V 64M -T vg1/pool -n e2epol_thin >/dev/null');
  server = await startServer({ port: PORT, dataDir: DATA_DIR, config: CONFIG, pollMs: 2000, timeoutMs: HOST_MS, env: { COWHERD_POLICY_SECONDS: '1' } });
  api = await login();
  const child = spawn(process.execPath, ['-e', RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
  receiver = child;
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^PORT=(\d+)$/m.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`webhook receiver exited with ${code}`)));
  });
  receiverBase = `http://127.0.0.1:${port}`;
  hookUrl = `${receiverBase}/hooks/e2epol`;
});

test.afterAll(async () => {
  await api?.dispose();
  killServer(server, 'SIGTERM');
  receiver?.kill();
  // Only what this spec made: e2epol_* LVs, and the snapshots carrying our policies' tags.
  const tags = policyIds.map((id) => `cowherd-policy-${id}`);
  lab(
    `for lv in $(lvs --noheadings -o vg_name,lv_name,lv_tags --separator / vg0 vg1 2>/dev/null | tr -d " " | ` +
      `awk -F/ '$2 ~ /^e2epol_/ || ${tags.length ? tags.map((t) => `$3 ~ /(^|,)${t}(,|$)/`).join(' || ') : '0'} {print $1"/"$2}' | sort -r); ` +
      `do lvremove -y "$lv" >/dev/null 2>&1; done; true`,
  );
  if (test.info().errors.length === 0) rmSync(DATA_DIR, { recursive: true, force: true });
});

test('viewers cannot create, change or run policies; hostile input is refused and nothing is stored', async () => {
  const valid = { name: 'e2epol ok', selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'e2epol_thin' }, action: { type: 'snapshot' }, schedule: { cron: '0 1 * * *', timeZone: 'UTC' }, enabled: false };
  const hostile: Record<string, unknown>[] = [
    { ...valid, schedule: { cron: '* * * * *; rm -rf /', timeZone: 'UTC' } },
    { ...valid, schedule: { cron: '$(reboot) * * * *', timeZone: 'UTC' } },
    { ...valid, schedule: { cron: '0 1 * * *', timeZone: '../../etc/passwd' } },
    { ...valid, selector: { type: 'glob', host: 'lab', pattern: 'web[0-9]' } },
    { ...valid, selector: { type: 'glob', host: 'lab', pattern: '../*' } },
    { ...valid, selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: '--help' } },
    { ...valid, selector: { type: 'guest', host: 'lab', guest: 'web01;reboot' } },
    { ...valid, selector: { type: 'lv', host: 'not-configured', vg: 'vg1', lv: 'thin1' } },
    { ...valid, name: 'a\nb' },
  ];
  for (const body of hostile) {
    const r = await api.post('/api/policies', { data: body });
    expect(r.status(), JSON.stringify(body)).toBe(400);
  }
  expect(((await (await api.get('/api/policies')).json()) as { policies: unknown[] }).policies).toEqual([]);

  const id = await createPolicy(valid);
  const viewerName = 'e2epol_viewer';
  const made = await api.post('/api/users', { data: { username: viewerName, password: 'viewer-password-1', role: 'viewer' } });
  expect(made.status(), await made.text()).toBe(201);
  const viewer = await request.newContext({ baseURL: BASE, extraHTTPHeaders: { Origin: BASE } });
  expect((await viewer.post('/api/session', { data: { username: viewerName, password: 'viewer-password-1' } })).ok()).toBe(true);
  expect((await viewer.get('/api/policies')).status()).toBe(200);
  expect((await viewer.post('/api/policies', { data: { ...valid, name: 'e2epol viewer' } })).status()).toBe(403);
  expect((await viewer.put(`/api/policies/${id}`, { data: valid })).status()).toBe(403);
  expect((await viewer.delete(`/api/policies/${id}`)).status()).toBe(403);
  expect((await viewer.post(`/api/policies/${id}/run`)).status()).toBe(403);
  await viewer.dispose();
  expect(await runs(id)).toEqual([]);
  expect((await api.delete(`/api/policies/${id}`)).status()).toBe(200);
});

test('thin keepLast 2: after four runs two policy snapshots remain, the manual one untouched, the protected one kept', async () => {
  const id = await createPolicy({
    name: 'e2epol thin',
    selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'e2epol_thin' },
    action: { type: 'snapshot' },
    schedule: { cron: '0 1 * * *', timeZone: 'Europe/Berlin' },
    retention: { keepLast: 2 },
    consistency: 'none',
  });
  const first = await runNow(id);
  expect(first.result, first.reason ?? '').toBe('ok');
  const [protectedSnap] = tagged('vg1', id);
  expect(protectedSnap).toBeDefined();
  const prot = await api.post('/api/hosts/lab/jobs', { data: { operation: 'protect-snapshot', params: { vg: 'vg1', snapshot: protectedSnap!.name, protected: true } } });
  expect(prot.status(), await prot.text()).toBe(202);
  await expect.poll(() => tagged('vg1', id).find((l) => l.name === protectedSnap!.name)?.tags.includes('cowherd-protected'), { timeout: HOST_MS }).toBe(true);
  lab('lvcreate -q -s -n e2epol_manual vg1/e2epol_thin >/dev/null');
  for (let i = 0; i < 3; i++) {
    const r = await runNow(id);
    expect(r.result, r.reason ?? '').toBe('ok');
    await new Promise((res) => setTimeout(res, 1100)); // names carry the second
  }
  const mine = tagged('vg1', id);
  expect(mine.filter((l) => !l.tags.includes('cowherd-protected'))).toHaveLength(2);
  expect(mine.filter((l) => l.tags.includes('cowherd-protected')).map((l) => l.name)).toEqual([protectedSnap!.name]);
  expect(mine.every((l) => l.origin === 'e2epol_thin')).toBe(true);
  expect(lvs('vg1').some((l) => l.name === 'e2epol_manual')).toBe(true);
  // The policy's page data says why each is kept.
  const view = ((await (await api.get(`/api/policies/${id}`)).json()) as { policy: { series: { lv: string; mark: string; reason: string }[] } }).policy;
  expect(view.series.map((s) => s.mark).sort()).toEqual(['keep', 'keep', 'protected']);
  expect(view.series.find((s) => s.lv === protectedSnap!.name)?.reason).toBe('protected');
});

test('a run that takes longer than the interval is not started twice; SIGKILL during a run leaves no lock and the next run happens', async () => {
  const id = await createPolicy({
    name: 'e2epol every second',
    selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'e2epol_thin' },
    action: { type: 'snapshot' },
    schedule: { cron: '* * * * * *', timeZone: 'UTC' },
    retention: { keepLast: 1 },
    consistency: 'none',
  });
  // Every second brings a skipped run while one runs, and the runs API answers the newest 100: keep what each poll saw.
  const byId = new Map<number, Run>();
  await expect
    .poll(async () => {
      for (const r of await runs(id)) byId.set(r.id, r);
      const all = [...byId.values()];
      return all.filter((x) => x.result === 'ok').length >= 2 && all.some((x) => x.result === 'skipped');
    }, { timeout: HOST_MS, intervals: [1000] })
    .toBe(true);
  const seen = [...byId.values()];
  const skipped = seen.find((r) => r.result === 'skipped');
  expect(skipped?.reason).toMatch(/^run #\d+ \(started .*\) is still running$/);
  // Never two at once: each run that ran started after the one before it had finished.
  const ran = seen.filter((r) => r.result !== 'skipped' && r.finishedAt).sort((a, b) => a.id - b.id);
  for (let i = 1; i < ran.length; i++) expect(Date.parse(ran[i]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(ran[i - 1]!.finishedAt!));
  // The runs API filters what the skips crowd out: ?result= and ?limit=.
  const finished = ((await (await api.get(`/api/policies/${id}/runs?result=ok,failed&limit=1000`)).json()) as { runs: Run[] }).runs;
  expect(finished.length).toBeGreaterThanOrEqual(2);
  expect(finished.every((r) => r.result === 'ok' || r.result === 'failed')).toBe(true);
  expect(((await (await api.get(`/api/policies/${id}/runs?limit=1`)).json()) as { runs: Run[] }).runs).toHaveLength(1);
  expect((await api.get(`/api/policies/${id}/runs?result=done`)).status()).toBe(400);

  // Kill the server while a run has a job under way.
  let victim: Run | undefined;
  await expect
    .poll(async () => ((victim = (await runs(id)).find((r) => r.result === 'running' && r.jobIds.length > 0)), !!victim), { timeout: HOST_MS, intervals: [100] })
    .toBe(true);
  killServer(server, 'SIGKILL');
  await new Promise((r) => server!.once('exit', r));
  server = await startServer({ port: PORT, dataDir: DATA_DIR, config: CONFIG, pollMs: 2000, timeoutMs: HOST_MS, env: { COWHERD_POLICY_SECONDS: '1' } });
  await api.dispose();
  api = await login();
  const after = await runs(id);
  expect(after.find((r) => r.id === victim!.id)).toMatchObject({ result: 'failed', reason: 'interrupted by a restart of the server' });
  // The next runs happen and succeed: no lock was left behind.
  await expect
    .poll(async () => (await runs(id)).some((r) => r.id > victim!.id && r.result === 'ok'), { timeout: HOST_MS, intervals: [1000] })
    .toBe(true);
  await setEnabled(id, false);
  await idle(id);
  const jobs = ((await (await api.get('/api/jobs?limit=200')).json()) as { jobs: { id: number; status: string; username: string }[] }).jobs;
  expect(jobs.filter((j) => j.status === 'running' || j.status === 'queued')).toEqual([]);
  expect(jobs.find((j) => j.id === victim!.jobIds[0])?.status).toBe('failed');
});

test('classic: never two policy snapshots of web at once, removed at the end of the lifetime; the space guard skips with its reason', async () => {
  const id = await createPolicy({
    name: 'e2epol web nightly',
    selector: { type: 'guest', host: 'lab', guest: 'web01' },
    action: { type: 'snapshot', lifetimeMinutes: 1, cowPercent: 10 },
    schedule: { cron: '0 1 * * *', timeZone: 'Europe/Berlin' },
    consistency: 'suspend',
  });
  const a = await runNow(id);
  expect(a.result, a.reason ?? '').toBe('ok');
  const firstNames = tagged('vg0', id).map((l) => l.name);
  expect(firstNames).toHaveLength(1);
  await new Promise((res) => setTimeout(res, 1100));
  const b = await runNow(id);
  expect(b.result, b.reason ?? '').toBe('ok');
  expect(b.reason).toMatch(/replaced/);
  const second = tagged('vg0', id);
  expect(second).toHaveLength(1);
  expect(second[0]!.name).not.toBe(firstNames[0]);
  // The audit of the run: removal of the old one before the new one was made (never two at once).
  expect(b.jobIds).toHaveLength(2);
  const ops = await Promise.all(b.jobIds.map(async (j) => ((await (await api.get(`/api/jobs/${j}`)).json()) as { job: { operation: string } }).job.operation));
  expect(ops).toEqual(['remove-snapshot', 'create-snapshot']);

  // The space guard, on another policy of the same origin: vg0 is more than 5 % full.
  const guarded = await createPolicy({
    name: 'e2epol guarded',
    selector: { type: 'lv', host: 'lab', vg: 'vg0', lv: 'web' },
    action: { type: 'snapshot', lifetimeMinutes: 1 },
    schedule: { cron: '0 1 * * *', timeZone: 'UTC' },
    maxFillPercent: 5,
  });
  const g = await runNow(guarded);
  expect(g.result).toBe('skipped');
  expect(g.reason).toMatch(/^vg0\/web: space guard: volume group vg0 is \d+\.\d % full; this policy skips at 5\.0 %$/);
  expect(g.jobIds).toEqual([]);

  // The end of its lifetime (1 min after it was made): removed by an expiry run.
  await expect.poll(() => tagged('vg0', id).length, { timeout: HOST_MS, intervals: [2000] }).toBe(0);
  // The LV is gone once lvremove ran; the expiry run ends after its job's post-check.
  let expiry: Run | undefined;
  await expect
    .poll(async () => ((expiry = (await runs(id)).find((r) => r.trigger === 'expiry')), expiry?.result), { timeout: HOST_MS, intervals: [1000] })
    .toBe('ok');
  expect(expiry?.reason).toContain('removed at the end of its lifetime');
});

test('"policy failed" reaches the webhook once per failure streak and resolves with the next success', async () => {
  expect((await api.put('/api/alerts/webhook', { data: { url: hookUrl } })).ok()).toBe(true);
  const id = await createPolicy({
    name: 'e2epol failing',
    selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'e2epol_late' },
    action: { type: 'snapshot' },
    schedule: { cron: '*/2 * * * * *', timeZone: 'UTC' },
    retention: { keepLast: 1 },
    consistency: 'none',
  });
  const key = `policy-failed:lab:policy-${id}`;
  const received = async () => ((await (await fetch(`${receiverBase}/received`)).json()) as Payload[]).filter((p) => p.alert.key === key);
  await expect.poll(async () => (await runs(id)).filter((r) => r.result === 'failed').length, { timeout: HOST_MS, intervals: [1000] }).toBeGreaterThanOrEqual(3);
  expect((await runs(id)).find((r) => r.result === 'failed')?.reason).toBe('no logical volume vg1/e2epol_late on lab');
  await expect.poll(async () => (await received()).map((p) => p.event), { timeout: 60_000 }).toEqual(['started']);
  lab('lvcreate -q -y -V 32M -T vg1/pool -n e2epol_late >/dev/null');
  await expect.poll(async () => (await received()).map((p) => p.event), { timeout: HOST_MS, intervals: [1000] }).toEqual(['started', 'ended']);
  await setEnabled(id, false);
  await idle(id);
  const metrics = await (await api.get('/metrics')).text();
  expect(metrics).toMatch(new RegExp(`cowherd_policy_last_result\\{policy="${id}",name="e2epol failing",host="lab",result="ok"\\} 1`));
  expect(metrics).toMatch(new RegExp(`cowherd_policy_last_success_timestamp_seconds\\{policy="${id}",name="e2epol failing",host="lab"\\} \\d+`));
  await api.put('/api/alerts/webhook', { data: { url: null } });
});

test('the Policies pages: list, form with next runs and prune preview, run history; the Guests page shows coverage', async ({ page }) => {
  expect((await page.request.post(`${BASE}/api/session`, { data: { username: 'admin', password: E2E_ADMIN_PASSWORD }, headers: { Origin: BASE } })).ok()).toBe(true);
  mkdirSync('screenshots', { recursive: true });
  await page.goto(`${BASE}/policies`);
  const table = page.getByRole('table', { name: 'Snapshot policies' });
  await expect(table.getByRole('link', { name: 'e2epol thin' })).toBeVisible();
  await expect(table.getByRole('button', { name: 'Run e2epol thin now' })).toBeVisible();
  await page.screenshot({ path: 'screenshots/policies-list.png', fullPage: true });

  await page.goto(`${BASE}/policies/new`);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('e2epol form');
  await page.getByLabel('Guest', { exact: true }).fill('web01');
  await page.getByLabel('Schedule').selectOption('daily');
  await page.getByLabel('Time zone (IANA)').fill('Europe/Berlin');
  await expect(page.getByRole('region', { name: 'Next five runs' }).getByRole('listitem')).toHaveCount(5);
  await expect(page.getByRole('region', { name: 'What would be pruned' })).toContainText('keeps 7 thin snapshots');
  await expect(page.getByText('every write to a classic origin is copied into every one of its classic snapshots')).toBeVisible();
  await page.screenshot({ path: 'screenshots/policies-form.png', fullPage: true });

  const list = ((await (await page.request.get(`${BASE}/api/policies`)).json()) as { policies: { id: number; name: string }[] }).policies;
  const thin = list.find((p) => p.name === 'e2epol thin');
  await page.goto(`${BASE}/policies/${(thin ?? list.find((p) => p.name === 'e2epol every second'))!.id}`);
  await expect(page.getByRole('table', { name: 'Runs' })).toBeVisible();
  if (thin) await expect(page.getByRole('table', { name: 'Policy snapshots' }).getByText('protected', { exact: true }).first()).toBeVisible();
  await page.screenshot({ path: 'screenshots/policies-detail.png', fullPage: true });

  await page.goto(`${BASE}/guests`);
  await expect(page.getByRole('article', { name: 'web01' }).getByRole('link', { name: 'e2epol web nightly' })).toBeVisible({ timeout: HOST_MS });
  await page.getByRole('article', { name: 'web01' }).screenshot({ path: 'screenshots/policies-guest-coverage.png' });
});
