import { expect, request, test, type APIRequestContext } from '@playwright/test';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { BASE_URL, E2E_ADMIN_PASSWORD, E2E_PORT, LAB_DIR } from './env';
import { HOSTILE_NAMES } from './hostile-inputs';
import { waitForJob } from './jobs-api';
import { labSshArgs } from './lab';
import { killServer, startServer } from './server';

// Backups (issue 11) on the real lab, through the jobs API, each outcome checked on the host itself. The lab is
// shared with other runs: every LV made here is e2ebak_*, the only domain is e2ebak01, and the only files are the
// backups of those LVs (vg0-e2ebak_*) in /var/lib/cowherd/backups. Small volumes (16-48 MiB): the lab is TCG.

const HOST_MS = 120_000;
const JOB_MS = 400_000;
const DOMAIN = 'e2ebak01';
const DIR = '/var/lib/cowherd/backups';
const SSH_ARGS = labSshArgs();

function lab(command: string, timeoutMs = HOST_MS): string {
  return execFileSync('ssh', [...SSH_ARGS, command], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
}
const sha = (dev: string, bytes: number) => lab(`head -c ${bytes} ${dev} | sha256sum | cut -d' ' -f1`).trim();
const lvNames = () => lab("lvs -a --noheadings -o lv_name vg0 | tr -d ' '").split('\n').filter(Boolean);
const files = () => lab(`ls -1 ${DIR} 2>/dev/null || true`).split('\n').filter((f) => f.startsWith('vg0-e2ebak_'));

function cleanUp() {
  lab(
    [
      `virsh destroy ${DOMAIN} >/dev/null 2>&1; virsh undefine ${DOMAIN} >/dev/null 2>&1`,
      // Snapshots first (lvremove of an origin with snapshots asks), then the volumes: only e2ebak_* ever.
      `for l in $(lvs --noheadings -o lv_name,origin vg0 | awk '$2 ~ /^e2ebak_/ || $1 ~ /^e2ebak_/ {print $1}' | sort -r); do lvremove -y vg0/$l >/dev/null 2>&1; done`,
      `for l in $(lvs --noheadings -o lv_name vg0 | awk '$1 ~ /^e2ebak_/ {print $1}'); do lvremove -y vg0/$l >/dev/null 2>&1; done`,
      `rm -f ${DIR}/vg0-e2ebak_*`,
      'true',
    ].join('\n'),
    300_000,
  );
}

/** A volume of ours with `mib` MiB of random data; returns its size in bytes. */
function makeVolume(name: string, mib: number, randomMib = mib): number {
  lab(`lvcreate -q -y -L ${mib}M -n ${name} vg0 >/dev/null && dd if=/dev/urandom of=/dev/vg0/${name} bs=1M count=${randomMib} oflag=direct status=none`, 300_000);
  return mib * 1024 * 1024;
}

/** A running guest (no OS: it sits in the BIOS) whose disk is vg0/DISK and which has no guest agent. */
function defineGuest(disk: string) {
  const xml = `<domain type='qemu'><name>${DOMAIN}</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator><disk type='block' device='disk'><driver name='qemu' type='raw' cache='none'/><source dev='/dev/vg0/${disk}'/><target dev='vda' bus='virtio'/></disk><memballoon model='none'/></devices></domain>`;
  lab(`virsh destroy ${DOMAIN} >/dev/null 2>&1; virsh undefine ${DOMAIN} >/dev/null 2>&1; cat > /tmp/${DOMAIN}.xml <<'EOT'\n${xml}\nEOT\nvirsh define /tmp/${DOMAIN}.xml >/dev/null && virsh start ${DOMAIN} >/dev/null`);
}

interface Job {
  id: number;
  status: string;
  phase: string | null;
  message: string | null;
  error: string | null;
  steps: { title: string; status: string; stdout: string | null; stderr: string | null }[];
}
interface Backup {
  id: number;
  vg: string;
  lv: string;
  file: string;
  consistency: string;
  volumeSha256: string;
  fileSha256: string;
  logicalSizeBytes: number;
  sizeOnDiskBytes: number;
  guestName: string | null;
  lastVerifyOk: boolean | null;
  throughputBps: number;
}

function post(api: APIRequestContext, base: string, operation: string, params: Record<string, unknown>, dryRun = false) {
  return api.post('/api/hosts/lab/jobs', { headers: { Origin: base }, data: { operation, params, dryRun } });
}
async function run(api: APIRequestContext, base: string, operation: string, params: Record<string, unknown>): Promise<Job> {
  const res = await post(api, base, operation, params);
  expect(res.status(), await res.text()).toBe(202);
  const id = ((await res.json()) as { job: { id: number } }).job.id;
  return waitForJob<Job>(api, id, { timeoutMs: JOB_MS, intervalMs: 1000 });
}
const why = (j: Job) => `${j.error}\n${j.message}\n${JSON.stringify(j.steps.map((s) => [s.title, s.status, s.stderr?.slice(-300)]))}`;
async function backupsOf(api: APIRequestContext, lv: string): Promise<Backup[]> {
  return ((await (await api.get(`/api/backups?host=lab&vg=vg0&lv=${lv}`)).json()) as { backups: Backup[] }).backups;
}

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 900_000 });
test.beforeAll(cleanUp);
test.afterAll(cleanUp);
test.beforeEach(async ({ page }) => {
  const res = await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
  expect(res.ok(), await res.text()).toBe(true);
});

test('a running guest backed up (suspend), written to, restored to a new LV, then over the original with a safety snapshot', async ({ page }) => {
  const api = page.request;
  const disk = 'e2ebak_disk';
  const size = makeVolume(disk, 16);
  defineGuest(disk);
  expect(lab(`virsh domstate ${DOMAIN}`).trim()).toBe('running');
  const atBackup = sha(`/dev/vg0/${disk}`, size);

  // The dry run shows the plan: target check, suspend, snapshot, resume, copy, verify, rename, remove.
  const dry = await post(api, BASE_URL, 'backup-volume', { vg: 'vg0', lv: disk }, true);
  expect(dry.status(), await dry.text()).toBe(200);
  const plan = ((await dry.json()) as { plan: { steps: { title: string; argv: string[] }[] } }).plan;
  expect(plan.steps.map((s) => s.title.split(' ')[0])).toEqual(['Check', 'Suspend', 'Create', 'Resume', 'Copy', 'Verify', 'Rename', 'Remove', 'Remove']);

  const job = await run(api, BASE_URL, 'backup-volume', { vg: 'vg0', lv: disk });
  expect(job.status, why(job)).toBe('succeeded');
  // Writes into the origin after the backup: the restore must bring back the snapshot's bytes, not these.
  lab(`dd if=/dev/urandom of=/dev/vg0/${disk} bs=1M count=4 oflag=direct status=none`);
  expect(sha(`/dev/vg0/${disk}`, size)).not.toBe(atBackup);

  expect(lvNames().filter((l) => l.startsWith(`${disk}_bak`)), 'the backup snapshot is gone').toEqual([]);
  expect(lab(`virsh domstate ${DOMAIN}`).trim()).toBe('running');
  const [b] = await backupsOf(api, disk);
  expect(b, 'the catalogue lists the backup').toBeTruthy();
  expect(b!.consistency).toBe('suspended');
  expect(b!.guestName).toBe(DOMAIN);
  expect(b!.volumeSha256).toBe(atBackup);
  expect(b!.logicalSizeBytes).toBe(size);
  expect(b!.file).toMatch(/^\/var\/lib\/cowherd\/backups\/vg0-e2ebak_disk-\d{8}-\d{6}\.qcow2$/);
  expect(lab(`sha256sum < ${b!.file} | cut -d' ' -f1`).trim()).toBe(b!.fileSha256);
  expect(lab(`stat -c '%a %s' ${b!.file}`).trim()).toBe(`600 ${b!.sizeOnDiskBytes}`);
  expect(files().filter((f) => f.endsWith('.part'))).toEqual([]);
  expect((await api.get(`/api/backups/${b!.id}`)).status()).toBe(200);

  // Restore to a new LV: its bytes are the snapshot's.
  const r1 = await run(api, BASE_URL, 'restore-backup', { backupId: b!.id, target: { vg: 'vg0', name: 'e2ebak_r1' } });
  expect(r1.status, why(r1)).toBe('succeeded');
  expect(sha('/dev/vg0/e2ebak_r1', size)).toBe(atBackup);

  // Over the original: refused while the guest runs, and without the typed name.
  const running = await post(api, BASE_URL, 'restore-backup', { backupId: b!.id, target: { overwrite: true, confirmName: disk } }, true);
  expect(running.status()).toBe(409);
  expect(await running.text()).toContain('shut off first');
  lab(`virsh destroy ${DOMAIN} >/dev/null`);
  const untyped = await post(api, BASE_URL, 'restore-backup', { backupId: b!.id, target: { overwrite: true, confirmName: 'web' } }, true);
  expect(untyped.status()).toBe(409);
  const r2 = await run(api, BASE_URL, 'restore-backup', { backupId: b!.id, target: { overwrite: true, confirmName: disk } });
  expect(r2.status, why(r2)).toBe('succeeded');
  expect(sha(`/dev/vg0/${disk}`, size)).toBe(atBackup);
  const safety = lvNames().filter((l) => l.startsWith(`${disk}_pre_restore`));
  expect(safety, 'the safety snapshot is kept for a rollback').toHaveLength(1);

  // verify-backup: passes; after the file changed it fails and the catalogue says so.
  const v1 = await run(api, BASE_URL, 'verify-backup', { backupId: b!.id });
  expect(v1.status, why(v1)).toBe('succeeded');
  expect((await backupsOf(api, disk))[0]?.lastVerifyOk).toBe(true);
  lab(`printf x >> ${b!.file}`);
  const v2 = await run(api, BASE_URL, 'verify-backup', { backupId: b!.id });
  expect(v2.status).toBe('failed');
  expect(v2.error).toContain('the file changed since the backup');
  expect((await backupsOf(api, disk))[0]?.lastVerifyOk).toBe(false);

  // An unknown file in the backupDir is listed, never deleted.
  lab(`echo stray > ${DIR}/vg0-e2ebak_stray.raw`);
  const scan = (await (await api.get('/api/backups?host=lab&scan=1')).json()) as { unknownFiles: { host: string; files: { name: string }[] }[] };
  expect(scan.unknownFiles[0]?.files.map((f) => f.name)).toContain('vg0-e2ebak_stray.raw');
  expect(files()).toContain('vg0-e2ebak_stray.raw');

  // delete-backup: refused without the typed file name; then the file and the row are gone.
  const name = path.posix.basename(b!.file);
  expect((await post(api, BASE_URL, 'delete-backup', { backupId: b!.id, confirmName: 'x' }, true)).status()).toBe(409);
  const del = await run(api, BASE_URL, 'delete-backup', { backupId: b!.id, confirmName: name });
  expect(del.status, why(del)).toBe('succeeded');
  expect(files()).not.toContain(name);
  expect((await api.get(`/api/backups/${b!.id}`)).status()).toBe(404);
});

test('hostile inputs are refused (400/404) and run nothing; a viewer cannot back up, restore or delete', async ({ page }) => {
  const api = page.request;
  const before = ((await (await api.get('/api/audit?kind=command&limit=1')).json()) as { entries?: { id: number }[] }).entries?.[0]?.id ?? 0;
  for (const bad of HOSTILE_NAMES) {
    for (const params of [{ vg: bad, lv: 'db' }, { vg: 'vg0', lv: bad }]) {
      const res = await post(api, BASE_URL, 'backup-volume', params);
      expect(res.status(), `${JSON.stringify(params)}: ${await res.text()}`).toBe(400);
    }
    expect((await post(api, BASE_URL, 'restore-backup', { backupId: 1, target: { vg: 'vg0', name: bad } })).status(), bad).toBe(400);
  }
  for (const params of [
    { vg: 'vg0', lv: 'db', target: { host: '../lab' } },
    { vg: 'vg0', lv: 'db', target: { host: 'lab', path: '/etc' } },
    { vg: 'vg0', lv: 'db', format: 'vmdk' },
    { vg: 'vg0', lv: 'db', file: '../../etc/passwd' },
  ]) {
    expect((await post(api, BASE_URL, 'backup-volume', params)).status(), JSON.stringify(params)).toBe(400);
  }
  for (const id of [-1, 0, 1.5, '1', '../1', 2 ** 40]) {
    expect((await post(api, BASE_URL, 'verify-backup', { backupId: id })).status(), String(id)).toBe(400);
  }
  // A target host that is not configured, and backup ids the catalogue does not have for this host: 404.
  expect((await post(api, BASE_URL, 'backup-volume', { vg: 'vg0', lv: 'db', target: { host: 'nohost' } })).status()).toBe(404);
  for (const op of ['verify-backup', 'delete-backup', 'restore-backup']) {
    const params = op === 'restore-backup' ? { backupId: 999999, target: { vg: 'vg0', name: 'e2ebak_x' } } : op === 'delete-backup' ? { backupId: 999999, confirmName: 'x' } : { backupId: 999999 };
    expect((await post(api, BASE_URL, op, params)).status(), op).toBe(404);
  }
  expect((await api.get('/api/backups/999999')).status()).toBe(404);
  expect((await api.get('/api/backups/abc')).status()).toBe(400);
  expect((await api.get('/api/backups?vg=../x')).status()).toBe(400);
  expect((await api.get('/api/backups?path=/etc')).status()).toBe(400);

  // A viewer: 403 on every backup operation.
  const name = `bakviewer${Date.now() % 100000}`;
  expect((await api.post('/api/users', { data: { username: name, password: 'viewer-password-1', role: 'viewer' }, headers: { Origin: BASE_URL } })).status()).toBe(201);
  const viewer = await request.newContext({ baseURL: BASE_URL, storageState: { cookies: [], origins: [] } });
  expect((await viewer.post('/api/session', { data: { username: name, password: 'viewer-password-1' }, headers: { Origin: BASE_URL } })).status()).toBe(200);
  for (const [op, params] of [
    ['backup-volume', { vg: 'vg0', lv: 'db' }],
    ['restore-backup', { backupId: 1, target: { vg: 'vg0', name: 'e2ebak_v' } }],
    ['delete-backup', { backupId: 1, confirmName: 'x' }],
    ['verify-backup', { backupId: 1 }],
  ] as const) {
    expect((await post(viewer, BASE_URL, op, params)).status(), op).toBe(403);
  }
  expect((await viewer.get('/api/backups')).status()).toBe(200);
  await viewer.dispose();
  const after = ((await (await api.get('/api/audit?kind=command&limit=1')).json()) as { entries?: { id: number }[] }).entries?.[0]?.id ?? 0;
  expect(after, 'no command ran').toBe(before);
  expect(lvNames().filter((l) => l.startsWith('e2ebak_x') || l.startsWith('e2ebak_v'))).toEqual([]);
});

test('pages: Back up now from a guest, the wizard\'s commands and progress, the Backups page, the restore wizard, the guest\'s last backup', async ({ page }) => {
  const disk = 'e2ebak_ui';
  makeVolume(disk, 8);
  defineGuest(disk);
  // A guest redefined outside Cowherd is seen at the next full read (the slow interval, up to a minute): ask for
  // one, as the Refresh of an administrator would, so the card's "Back up now" names the new disk.
  expect((await page.request.get('/api/hosts/lab/inventory?fresh=1')).status()).toBe(200);
  await page.goto('/guests');
  await page.getByRole('link', { name: `Back up ${DOMAIN} now` }).click();
  await expect(page).toHaveURL(new RegExp(`/hosts/lab/backup\\?vg=vg0&lv=${disk}$`), { timeout: HOST_MS });
  await expect(page.getByText(`${DOMAIN} (running)`)).toBeVisible({ timeout: HOST_MS });
  await page.getByRole('button', { name: 'Review' }).click();
  const commands = page.getByRole('region', { name: /^Commands, in this order/ }).locator('pre');
  await expect(commands).toContainText(`lvcreate -s -L 4m -n ${disk}_bak`, { timeout: HOST_MS });
  await expect(commands).toContainText('qemu-img convert -p -f raw -O qcow2 -c');
  await page.screenshot({ path: 'screenshots/backup-wizard-review.png', fullPage: true });
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page).toHaveURL(/\/jobs\/\d+$/, { timeout: HOST_MS });
  await expect(page.getByText(/^(Done\.|Ended: \w+\.)$/)).toHaveText('Done.', { timeout: JOB_MS });
  await page.screenshot({ path: 'screenshots/backup-job-done.png', fullPage: true });

  // This job's backup (the catalogue of an e2e data directory that was used before may list older ones).
  const jobId = page.url().split('/').pop();
  const made = ((await (await page.request.get(`/api/jobs/${jobId}`)).json()) as { job: { params: { backup: { file: string } } } }).job.params.backup.file;
  await page.goto(`/backups?lv=${disk}`);
  const row = page.getByRole('row').filter({ hasText: path.posix.basename(made) });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('suspended');
  await expect(row).toContainText(DOMAIN);
  await page.screenshot({ path: 'screenshots/backups-page.png', fullPage: true });

  await row.getByRole('link', { name: /^Restore backup \d+$/ }).click();
  await expect(page.getByLabel('New volume name')).toHaveValue(`${disk}_restored`, { timeout: HOST_MS });
  await page.getByRole('button', { name: 'Review' }).click();
  await expect(commands).toContainText(`lvcreate -y -L 8m -n ${disk}_restored vg0`, { timeout: HOST_MS });
  await page.screenshot({ path: 'screenshots/backup-restore-review.png', fullPage: true });

  await page.goto('/guests');
  await expect(page.getByRole('article', { name: DOMAIN })).toContainText(/last backup: /, { timeout: HOST_MS });
  await page.getByRole('article', { name: DOMAIN }).screenshot({ path: 'screenshots/backup-guest-card.png' });
  // "Back up now" on a volume too (the volume group's page).
  await page.goto('/vgs/lab/vg0');
  await expect(page.getByRole('link', { name: `Back up vg0/${disk} now` })).toHaveAttribute('href', `/hosts/lab/backup?vg=vg0&lv=${disk}`, { timeout: HOST_MS });
});

test('the server is killed (SIGKILL) during the copy: after the restart the job failed, no snapshot, no partial file, the guest runs', async () => {
  const disk = 'e2ebak_kdisk';
  // Random data, compressed: the copy lasts long enough under TCG to be interrupted.
  makeVolume(disk, 48);
  defineGuest(disk);
  const port = E2E_PORT + 200;
  const base = `http://127.0.0.1:${port}`;
  const dataDir = `/tmp/cowherd-backup-kill-${port}`;
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const start = () => startServer({ port, dataDir, config: path.join(LAB_DIR, 'cowherd.config.json'), timeoutMs: HOST_MS });
  let server: ChildProcess | undefined;
  let api: APIRequestContext | undefined;
  const login = async () => {
    await api?.dispose();
    api = await request.newContext({ baseURL: base });
    const res = await api.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
    expect(res.ok(), await res.text()).toBe(true);
  };
  try {
    server = await start();
    await login();
    const res = await post(api!, base, 'backup-volume', { vg: 'vg0', lv: disk });
    expect(res.status(), await res.text()).toBe(202);
    const id = ((await res.json()) as { job: { id: number } }).job.id;
    const job = async () => ((await (await api!.get(`/api/jobs/${id}`)).json()) as { job: Job }).job;
    await expect.poll(async () => (await job()).phase ?? '', { timeout: HOST_MS, intervals: [200] }).toMatch(/^Copy /);
    const atKill = lab(`ls -la ${DIR}; lvs --noheadings -o lv_name vg0`);
    expect(atKill).toMatch(new RegExp(`${disk}_bak`));
    killServer(server, 'SIGKILL');
    await new Promise((r) => server!.once('exit', r));
    test.info().annotations.push({ type: 'host when the server was killed', description: atKill });

    server = await start();
    await login();
    const last = await waitForJob<Job>(api!, id, { timeoutMs: JOB_MS, intervalMs: 1000 });
    expect(last.status, why(last)).toBe('failed');
    expect(last.error).toContain('interrupted by a restart');
    expect(last.steps.filter((s) => s.status === 'running')).toEqual([]);
    expect(lvNames().filter((l) => l.startsWith(`${disk}_bak`)), 'the snapshot was removed').toEqual([]);
    expect(files().filter((f) => f.startsWith(`vg0-${disk}-`)), 'no partial file').toEqual([]);
    expect(lab(`virsh domstate ${DOMAIN}`).trim(), 'the guest runs (not paused)').toBe('running');
    expect((await backupsOf(api!, disk)).length).toBe(0);
  } finally {
    await api?.dispose();
    killServer(server, 'SIGTERM');
    if (test.info().errors.length === 0) rmSync(dataDir, { recursive: true, force: true });
  }
});
