import { expect, test, type APIRequestContext } from '@playwright/test';
import path from 'node:path';
import { BASE_URL } from './env';
import { waitForJob } from './jobs-api';
import { labSsh } from './lab';

// A backup policy (issue 12 item 2) on the real lab: every minute, keepLast 1, on a small LV of our own. After a
// run-now and a scheduled run exactly one backup of the policy is left, and a manual backup made in between is
// untouched (in the catalogue and on disk). Objects: vg0/e2ebp_vol and its backups vg0-e2ebp_vol-* only; the policy
// is deleted at the end.

const HOST_MS = 300_000;
const DIR = '/var/lib/cowherd/backups';
const LV = 'e2ebp_vol';
const lab = (cmd: string) => labSsh(cmd, { timeoutMs: HOST_MS });
const files = () => lab(`ls -1 ${DIR} 2>/dev/null || true`).split('\n').filter((f) => f.startsWith(`vg0-${LV}-`));

interface Backup {
  id: number;
  file: string;
  policyId: number | null;
  protected: boolean;
  createdAt: string;
}
interface Run {
  id: number;
  trigger: string;
  result: string;
  reason: string | null;
}

let policyId: number | null = null;

function cleanUp() {
  lab(`lvremove -y vg0/${LV} >/dev/null 2>&1; rm -f ${DIR}/vg0-${LV}-*; true`);
}
const backups = async (api: APIRequestContext) => ((await (await api.get(`/api/backups?host=lab&vg=vg0&lv=${LV}`)).json()) as { backups: Backup[] }).backups;
const runs = async (api: APIRequestContext, id: number) => ((await (await api.get(`/api/policies/${id}/runs`)).json()) as { runs: Run[] }).runs;

test.describe.configure({ mode: 'serial', timeout: 600_000 });
test.beforeAll(cleanUp);
test.afterAll(async ({ request }) => {
  if (policyId !== null) await request.delete(`/api/policies/${policyId}`, { headers: { Origin: BASE_URL } });
  cleanUp();
});

test('a backup policy every minute with keepLast 1 leaves exactly one policy backup and an untouched manual one', async ({ page }) => {
  const api = page.request;
  const headers = { Origin: BASE_URL };
  lab(`lvcreate -q -y -L 8M -n ${LV} vg0 >/dev/null && dd if=/dev/urandom of=/dev/vg0/${LV} bs=1M count=8 oflag=direct status=none`);

  // The policy form offers the backup action with a target host and a format.
  await page.goto('/policies/new');
  await page.getByLabel('Action').selectOption('backup');
  await expect(page.getByLabel('Target host')).toBeVisible();
  await expect(page.getByLabel('Format')).toHaveValue('qcow2');
  await page.screenshot({ path: 'screenshots/policy-form-backup.png', fullPage: true });

  // A manual backup first (a job of its own would contend for vg0's lock with a due run): never the policy's to prune.
  const res = await api.post('/api/hosts/lab/jobs', { headers, data: { operation: 'backup-volume', params: { vg: 'vg0', lv: LV, format: 'raw' } } });
  expect(res.status(), await res.text()).toBe(202);
  const manualJob = await waitForJob<{ id: number; status: string; error: string | null }>(api, ((await res.json()) as { job: { id: number } }).job.id, { timeoutMs: HOST_MS, intervalMs: 1000 });
  expect(manualJob.status, manualJob.error ?? '').toBe('succeeded');
  const manual = (await backups(api)).find((b) => b.policyId === null);
  expect(manual, 'the manual backup is in the catalogue').toBeTruthy();

  const body = {
    name: `e2ebp every minute ${Date.now() % 100000}`,
    selector: { type: 'lv', host: 'lab', vg: 'vg0', lv: LV },
    action: { type: 'backup', format: 'raw' },
    schedule: { cron: '* * * * *', timeZone: 'UTC' },
    retention: { keepLast: 1 },
    consistency: 'none',
  };
  const created = await api.post('/api/policies', { headers, data: body });
  expect(created.status(), await created.text()).toBe(201);
  const id = ((await created.json()) as { policy: { id: number } }).policy.id;
  policyId = id;

  // Run 1 (run now): the policy's first backup.
  const now = await api.post(`/api/policies/${id}/run`, { headers });
  expect(now.status(), await now.text()).toBe(202);
  const runId = ((await now.json()) as { run: { id: number } }).run.id;
  await expect.poll(async () => (await runs(api, id)).find((r) => r.id === runId)?.result, { timeout: HOST_MS, intervals: [1000] }).toBe('ok');
  const first = (await backups(api)).filter((b) => b.policyId === id);
  expect(first).toHaveLength(1);

  // Run 2, by the schedule (every minute): a second backup, and keepLast 1 prunes the first.
  await expect
    .poll(async () => (await runs(api, id)).filter((r) => r.trigger !== 'manual' && r.result === 'ok').length, { timeout: HOST_MS, intervals: [2000] })
    .toBeGreaterThanOrEqual(1);
  // Disabled, and any run under way finished, before the catalogue is looked at.
  const off = await api.put(`/api/policies/${id}`, { headers, data: { ...body, enabled: false } });
  expect(off.status(), await off.text()).toBe(200);
  await expect.poll(async () => (await runs(api, id)).some((r) => r.result === 'running'), { timeout: HOST_MS, intervals: [1000] }).toBe(false);
  const scheduled = (await runs(api, id)).find((r) => r.trigger !== 'manual' && r.result === 'ok');
  expect(scheduled?.reason).toMatch(/backup made on lab .*1 pruned/);

  const after = await backups(api);
  const mine = after.filter((b) => b.policyId === id);
  expect(mine, 'exactly one policy backup').toHaveLength(1);
  expect(mine[0]!.id).not.toBe(first[0]!.id);
  expect(after.map((b) => b.id), 'the manual backup is untouched').toContain(manual!.id);
  const onDisk = files();
  expect(onDisk).toContain(path.posix.basename(manual!.file));
  expect(onDisk).toContain(path.posix.basename(mine[0]!.file));
  expect(onDisk).not.toContain(path.posix.basename(first[0]!.file));

  // The pages: the policy's backups with retention's decision; the Backups page says who made each.
  await page.goto(`/policies/${id}`);
  await expect(page.getByRole('heading', { name: 'Its backups and why each is kept' })).toBeVisible({ timeout: HOST_MS });
  await page.screenshot({ path: 'screenshots/policy-backups.png', fullPage: true });
  await page.goto(`/backups?lv=${LV}`);
  await expect(page.getByRole('row').filter({ hasText: path.posix.basename(manual!.file) })).toContainText('manual');
  await expect(page.getByRole('row').filter({ hasText: path.posix.basename(mine[0]!.file) })).toContainText(`policy #${id}`);
  await page.screenshot({ path: 'screenshots/backups-page-policy.png', fullPage: true });
});
