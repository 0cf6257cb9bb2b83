import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_ADMIN_PASSWORD, E2E_PORT, LAB_DIR } from './env';
import { labSshArgs } from './lab';
import { waitForJob } from './jobs-api';
import { killServer, startServer } from './server';

// Files inside a snapshot (issue 13), on the lab's seeded guest-like disk vg0/files (lab/files-seed.sh: MBR, ext4 p1
// and XFS p2). Its own server (browsing on, "fileBrowse": "mount", a short idle timeout), so it can also be killed.
// Every LV made here is named e2efiles_*; the origin vg0/files is changed and put back (by the merge in (c)).

const HOST_MS = 120_000;
/** One browse request: the first one on a snapshot attaches, probes and mounts (a dozen ssh commands on a busy lab). */
const BROWSE_MS = 300_000;
const SSH_ARGS = labSshArgs();
const lab = (command: string, timeoutMs = HOST_MS) =>
  execFileSync('ssh', [...SSH_ARGS, command], { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });

const PORT = E2E_PORT + 11;
const BASE = `http://127.0.0.1:${PORT}`;
// Long enough for the checks over ssh that follow a request on a busy lab, short enough to wait for.
const IDLE_S = 60;
const SNAP = 'e2efiles_a';
const API = (lv: string) => `/api/hosts/lab/snapshots/vg0/${lv}`;
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

const ORIGINAL_HOSTS = '127.0.0.1 localhost\n10.0.0.5 db.internal db\n';
const CANARY = `cowherd-canary-${process.pid}-${Date.now()}`;

/** The origin (vg0/files, used by no guest) mounted read-write in the lab for `script`, as an administrator would. */
const onOrigin = (script: string) =>
  lab(`set -e; L=$(losetup -f --show -P /dev/vg0/files); m=$(mktemp -d); mount -t ext4 \${L}p1 $m; cd $m; ${script}; cd /; umount $m; rmdir $m; losetup -d $L`);

/**
 * The mount backend's namespace holders alive on the lab: `sleep infinity` processes in a mount namespace other than
 * init's (what `unshare --mount` started), whatever their markers say.
 */
const HOLDERS =
  'for p in $(pgrep -x sleep); do [ "$(readlink /proc/$p/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] && [ "$(tr "\\0" " " < /proc/$p/cmdline)" = "sleep infinity " ] && echo $p; done';
/** Guest mounts under the browse root that the host's own mount namespace shows (the private namespace hides them). */
const hostMounts = () => Number(lab("findmnt -rn -o TARGET | grep -c '^/run/cowherd/browse/' || true").trim());

/**
 * What Cowherd left on the lab: mounts under its browse root (in the host's namespace and inside every holder's),
 * loop devices backed by vg0/files or its snapshots, and holder processes.
 */
function leftovers(): { mounts: number; loops: number; holders: number } {
  const out = lab(
    [
      `h=$(${HOLDERS})`,
      "m=$(findmnt -rn -o TARGET | grep -c '^/run/cowherd/browse/')",
      "for p in $h; do m=$((m + $(nsenter -t $p -m findmnt -rn -o TARGET | grep -c '^/run/cowherd/browse/'))); done",
      "echo $m $(losetup -l -n -O BACK-FILE | grep -cE 'vg0-(e2efiles_|files$)') $(echo $h | wc -w)",
    ].join('\n'),
  ).trim();
  const [mounts = 'x', loops = 'x', holders = 'x'] = out.split(' ');
  return { mounts: Number(mounts), loops: Number(loops), holders: Number(holders) };
}

/** The seeded origin as lab/files-seed.sh made it (a run stopped half-way leaves its change there). */
const restoreOrigin = () =>
  onOrigin(
    `printf '${ORIGINAL_HOSTS.replace(/\n/g, '\\n')}' > etc/hosts; printf 'guest01\\n' > etc/hostname; rm -f etc/added.conf; touch -d '2026-01-02 03:04:05 UTC' etc/hosts etc/hostname`,
  );
/** A change that only a comparison by content finds: etc/hostname rewritten with the same size and mtime. */
const SAME_SIZE_CHANGE = `cp -p etc/hostname /tmp/e2efiles-hn; printf 'guest02\\n' > etc/hostname; touch -r /tmp/e2efiles-hn etc/hostname; rm /tmp/e2efiles-hn`;

function cleanUp() {
  lab(
    [
      // Holders a failed run left (found by Cowherd's markers): unmount inside their namespace, then end them.
      'for d in /run/cowherd/browse/*/H-*; do [ -e "$d" ] || continue; p=${d##*/H-}; nsenter -t $p -m sh -c \'umount $(findmnt -rn -o TARGET | grep "^/run/cowherd/browse/" | sort -r)\' 2>/dev/null; kill -9 $p 2>/dev/null; done',
      'umount $(findmnt -rn -o TARGET | grep "^/run/cowherd/browse/" | sort -r) 2>/dev/null',
      'for l in $(losetup -l -n -O NAME,BACK-FILE | grep -E "vg0-(e2efiles_|files$)" | cut -d" " -f1); do losetup -d $l; done',
      'for lv in $(lvs --noheadings -o lv_name vg0 | tr -d " " | grep "^e2efiles_"); do lvremove -y vg0/$lv >/dev/null; done',
      // The (now empty) session directories of a run that failed: their L-loopN markers would otherwise send the next
      // server's start-up cleanup after whatever loop device has that number by then (onOrigin's, for one).
      'find /run/cowherd/browse -mindepth 1 -depth -type d -empty -delete 2>/dev/null',
      'true',
    ].join('\n'),
  );
}

let server: ChildProcess | undefined;
let dataDir = '';
let config = '';
const bodies: string[] = [];

async function login(username = 'admin', password = E2E_ADMIN_PASSWORD): Promise<APIRequestContext> {
  const ctx = await request.newContext({ baseURL: BASE, storageState: { cookies: [], origins: [] } });
  const r = await ctx.post('/api/session', { data: { username, password }, headers: { Origin: BASE } });
  expect(r.status(), await r.text()).toBe(200);
  return ctx;
}

/** GET that keeps every body, so the canary check sees all of them. */
async function get(api: APIRequestContext, url: string): Promise<{ status: number; body: Buffer; json: () => unknown }> {
  const r = await api.get(url, { timeout: BROWSE_MS });
  const body = await r.body();
  bodies.push(body.toString('latin1'));
  return { status: r.status(), body, json: () => JSON.parse(body.toString('utf8')) as unknown };
}

/** A JSON answer that must be 200 (the error text in the failure otherwise). */
async function getJson<T>(api: APIRequestContext, url: string): Promise<T> {
  const r = await get(api, url);
  expect(r.status, `${url}: ${r.body.toString('utf8')}`).toBe(200);
  return r.json() as T;
}

const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;

interface Entry {
  name: string;
  type: string;
  sizeBytes: number;
  mtime: string;
  target: string | null;
}

test.use({ storageState: { cookies: [], origins: [] } });
test.describe.configure({ mode: 'serial', timeout: 900_000 });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  cleanUp();
  restoreOrigin();
  dataDir = mkdtempSync(path.join(LAB_DIR, 'e2e-files-'));
  const labConfig = JSON.parse(readFileSync(path.join(LAB_DIR, 'cowherd.config.json'), 'utf8')) as { hosts: Record<string, unknown>[] };
  config = path.join(dataDir, 'cowherd.config.json');
  writeFileSync(config, JSON.stringify({ hosts: labConfig.hosts.map((h) => ({ ...h, fileBrowse: 'mount' })) }));
  // The canary: a host file the guest's links point at (etc/escape -> ../../../run/cowherd-canary). Its atime is set
  // before its mtime, so any read at all (relatime) would move it.
  lab(`mkdir -p /run/cowherd-canary && echo ${CANARY} > /run/cowherd-canary/secret && touch -a -d '2000-01-01 00:00:00 UTC' /run/cowherd-canary/secret`);
  server = await startServer({ port: PORT, dataDir, config, timeoutMs: HOST_MS, env: { COWHERD_BROWSE_IDLE_S: String(IDLE_S) } });
});

test.afterAll(() => {
  killServer(server, 'SIGTERM');
  cleanUp();
  restoreOrigin();
  lab('rm -rf /run/cowherd-canary');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('(a) a snapshot taken before a change: old size and mtime, same bytes, the diff, the tree', async () => {
  // The state the snapshot keeps, read on the host before anything changes.
  const [size, mtime] = lab('L=$(losetup -f --show -r -P /dev/vg0/files); m=$(mktemp -d); mount -t ext4 -o ro,noload ${L}p1 $m; stat -c "%s %Y" $m/etc/hosts; umount $m; rmdir $m; losetup -d $L')
    .trim()
    .split(' ')
    .map(Number);
  expect(size).toBe(Buffer.byteLength(ORIGINAL_HOSTS));
  lab(`lvcreate -q -s -L 32M -n ${SNAP} vg0/files >/dev/null`);
  onOrigin(`printf '10.0.0.9 cache.internal cache\\n' >> etc/hosts; echo new > etc/added.conf; ${SAME_SIZE_CHANGE}`);

  const admin = await login();
  const fss = await getJson<{ filesystems: { id: string; type: string; label: string; browsable: boolean }[]; isolation: string }>(admin, `${API(SNAP)}/filesystems`);
  // The lab has util-linux's unshare and nsenter: the session's mounts live in a private mount namespace.
  expect(fss.isolation).toBe('private-namespace');
  expect(fss.filesystems.map((f) => [f.id, f.type, f.label, f.browsable])).toEqual([
    ['p1', 'ext4', 'guestroot', true],
    ['p2', 'xfs', 'guestdata', true],
  ]);

  const etc = await getJson<{ entries: Entry[]; total: number }>(admin, `${API(SNAP)}/files${q({ fs: 'p1', path: '/etc' })}`);
  const by = Object.fromEntries(etc.entries.map((e) => [e.name, e]));
  expect(by.hosts).toMatchObject({ type: 'file', sizeBytes: size, mtime: new Date((mtime ?? 0) * 1000).toISOString() });
  expect(by['added.conf']).toBeUndefined();
  expect(by['shadow-link']).toMatchObject({ type: 'link', target: '/etc/shadow' });
  expect(etc.entries[0]?.type).toBe('dir'); // directories first

  const content = await get(admin, `${API(SNAP)}/files/content${q({ fs: 'p1', path: '/etc/hosts' })}`);
  expect(content.status).toBe(200);
  expect(sha256(content.body)).toBe(sha256(ORIGINAL_HOSTS));

  const diff = await getJson<{ status: string; diff: string }>(admin, `${API(SNAP)}/files/diff${q({ fs: 'p1', path: '/etc/hosts' })}`);
  expect(diff.status).toBe('changed');
  expect(diff.diff).toContain('+10.0.0.9 cache.internal cache');
  expect(diff.diff).toContain('--- snapshot:/etc/hosts');

  const dir = await getJson<{ added: Entry[]; removed: Entry[]; changed: { name: string }[] }>(admin, `${API(SNAP)}/files/diff${q({ fs: 'p1', path: '/etc' })}`);
  expect(dir.added.map((e) => e.name)).toEqual(['added.conf']);
  expect(dir.removed).toEqual([]);
  expect(dir.changed.map((c) => c.name)).toEqual(['hosts']);
  // By content on request: etc/hostname has the same size and mtime but other bytes.
  const byContent = await getJson<{ changed: { name: string; contentChanged: boolean | null }[]; byContent: boolean }>(admin, `${API(SNAP)}/files/diff${q({ fs: 'p1', path: '/etc', hash: '1' })}`);
  expect(byContent.byContent).toBe(true);
  // By name: the order of a listing is the file system's directory order (ext4 hashes names with a per-mkfs seed).
  expect(byContent.changed.map((c) => [c.name, c.contentChanged]).sort()).toEqual([
    ['hostname', true],
    ['hosts', null],
  ]);

  const tgz = await get(admin, `${API(SNAP)}/files/archive${q({ fs: 'p1', path: '/etc' })}`);
  expect(tgz.status).toBe(200);
  const out = mkdtempSync(path.join(os.tmpdir(), 'cowherd-e2e-files-'));
  try {
    writeFileSync(path.join(out, 'etc.tar.gz'), tgz.body);
    mkdirSync(path.join(out, 'x'));
    execFileSync('tar', ['-xzf', path.join(out, 'etc.tar.gz'), '-C', path.join(out, 'x')]);
    const tree = execFileSync('find', ['etc', '-printf', '%y %p\\n'], { cwd: path.join(out, 'x'), encoding: 'utf8' }).trim().split('\n').sort();
    expect(tree).toEqual(['d etc', 'd etc/app', 'f etc/app/app.conf', 'f etc/hostname', 'f etc/hosts', 'f etc/passwd', 'l etc/escape', 'l etc/shadow-link']);
    expect(readFileSync(path.join(out, 'x/etc/hosts'), 'utf8')).toBe(ORIGINAL_HOSTS);
    expect(readlinkSync(path.join(out, 'x/etc/shadow-link'))).toBe('/etc/shadow');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

  // XFS (nouuid: the snapshot has its origin's UUID), a name with spaces and non-ASCII, a 1 GiB sparse file.
  const www = await getJson<{ entries: Entry[] }>(admin, `${API(SNAP)}/files${q({ fs: 'p2', path: '/srv/www' })}`);
  expect(www.entries.map((e) => e.name)).toEqual(['index.html']);
  const cafe = await get(admin, `${API(SNAP)}/files/content${q({ fs: 'p1', path: '/home/alice/Café notes ü.txt' })}`);
  expect(cafe.body.toString('utf8')).toBe('Grüße aus dem Gast\n');
  const sparse = await getJson<{ entries: Entry[] }>(admin, `${API(SNAP)}/files${q({ fs: 'p1', path: '/var/lib' })}`);
  expect(sparse.entries).toEqual([expect.objectContaining({ name: 'sparse.img', sizeBytes: 1024 ** 3 })]);
  // Paging.
  const page = await getJson<{ entries: Entry[]; total: number }>(admin, `${API(SNAP)}/files${q({ fs: 'p1', path: '/etc', offset: '1', limit: '2', sort: 'name' })}`);
  expect(page.total).toBe(etc.total);
  expect(page.entries).toHaveLength(2);

  // Every download is in the audit log: who, which snapshot, which path.
  const audit = (await (await admin.get('/api/audit?operation=download-file')).json()) as { entries: { username: string; argv: string[] }[] };
  expect(audit.entries).toEqual(expect.arrayContaining([expect.objectContaining({ username: 'admin', argv: [`vg0/${SNAP}`, 'p1', '/etc/hosts'] })]));
  const arch = (await (await admin.get('/api/audit?operation=download-archive')).json()) as { entries: { argv: string[] }[] };
  expect(arch.entries).toEqual(expect.arrayContaining([expect.objectContaining({ argv: [`vg0/${SNAP}`, 'p1', '/etc'] })]));
  await admin.dispose();
});

test('(b) links are shown, never followed; escapes refused; FIFOs and devices never opened; the canary is never read', async () => {
  const admin = await login();
  const refused: [string, string, number][] = [
    ['files/content', '/etc/shadow-link', 409],
    ['files/content', '/etc/escape/secret', 409],
    ['files', '/etc/escape', 409],
    ['files/archive', '/etc/escape', 409],
    ['files/content', '/dev/fifo0', 409],
    ['files/content', '/dev/zero0', 409],
    ['files/content', '../../etc/shadow', 400],
    ['files/content', '/../../etc/shadow', 400],
    ['files/content', '/etc/../../../run/cowherd-canary/secret', 400],
    ['files/content', '/etc/hosts\0.txt', 400],
    ['files', 'etc', 400],
    ['files/content', '/etc/nope', 404],
  ];
  for (const [route, p, status] of refused) {
    const r = await get(admin, `${API(SNAP)}/${route}${q({ fs: 'p1', path: p })}`);
    expect(r.status, `${route} ${JSON.stringify(p)}: ${r.body.toString('utf8')}`).toBe(status);
  }
  expect((await get(admin, `${API(SNAP)}/files${q({ fs: '../p1', path: '/' })}`)).status).toBe(400);
  const dev = await getJson<{ entries: Entry[] }>(admin, `${API(SNAP)}/files${q({ fs: 'p1', path: '/dev' })}`);
  expect(dev.entries.map((e) => [e.name, e.type])).toEqual([
    ['fifo0', 'fifo'],
    ['zero0', 'char'],
  ]);
  const shadowHead = lab('head -c 40 /etc/shadow').trim();
  for (const b of bodies) {
    expect(b.includes(CANARY)).toBe(false);
    if (shadowHead.length > 8) expect(b.includes(shadowHead)).toBe(false);
  }
  expect(lab('stat -c %X /run/cowherd-canary/secret').trim()).toBe(String(Date.parse('2000-01-01T00:00:00Z') / 1000));

  // A viewer is refused (operator by default), the page says why.
  const user = `e2efilesviewer${Date.now() % 100000}`;
  const created = await admin.post('/api/users', { data: { username: user, password: 'viewer-password-1', role: 'viewer' }, headers: { Origin: BASE } });
  expect(created.status()).toBe(201);
  const viewer = await login(user, 'viewer-password-1');
  for (const route of ['filesystems', `files${q({ fs: 'p1', path: '/etc' })}`, `files/content${q({ fs: 'p1', path: '/etc/hosts' })}`, `files/archive${q({ fs: 'p1', path: '/etc' })}`]) {
    const r = await viewer.get(`${API(SNAP)}/${route}`);
    expect(r.status(), route).toBe(403);
  }
  await viewer.dispose();
  await admin.dispose();
});

test('(c) nothing stays mounted: after the idle timeout, after SIGKILL and restart, before a merge and a remove', async () => {
  // Runs on its own too (--grep): the snapshot of (a), or a new one of the seeded origin.
  lab(`lvs vg0/${SNAP} >/dev/null 2>&1 || lvcreate -q -s -L 32M -n ${SNAP} vg0/files >/dev/null`);
  const admin = await login();
  const browse = async (lv: string) => {
    expect((await get(admin, `${API(lv)}/files/diff${q({ fs: 'p1', path: '/etc/hosts' })}`)).status).toBe(200);
    // At least the snapshot's and the origin's ext4 mounted, their loop devices attached (more when an earlier test
    // of this file still has a session, with the XFS partition too, that has not reached its idle timeout yet)...
    const now = leftovers();
    expect(now.mounts).toBeGreaterThanOrEqual(2);
    expect(now.loops).toBeGreaterThanOrEqual(2);
    expect(now.holders).toBeGreaterThanOrEqual(1);
    // ...and all of them inside the session's private namespace: the host's own findmnt shows none.
    expect(hostMounts()).toBe(0);
  };

  await browse(SNAP);
  await expect.poll(leftovers, { timeout: (IDLE_S + 40) * 1000, intervals: [3000] }).toEqual({ mounts: 0, loops: 0, holders: 0 });

  await browse(SNAP);
  killServer(server, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 1000));
  // The holder outlives the server (nothing but Cowherd's cleanup ends it), with the mounts inside its namespace.
  expect(leftovers()).toEqual({ mounts: 2, loops: 2, holders: 1 });
  expect(hostMounts()).toBe(0);
  server = await startServer({ port: PORT, dataDir, config, timeoutMs: HOST_MS, env: { COWHERD_BROWSE_IDLE_S: String(IDLE_S) } });
  await expect.poll(leftovers, { timeout: 60_000, intervals: [2000] }).toEqual({ mounts: 0, loops: 0, holders: 0 });
  expect(lab('ls -A /run/cowherd/browse | wc -l').trim()).toBe('0');

  // A merge with the origin mounted would be delayed ("origin is open"): Cowherd unmounts first, and the merge puts
  // the origin back as it was (the seeded /etc/hosts).
  const api = await login();
  await browse(SNAP);
  const merge = await api.post('/api/hosts/lab/jobs', { headers: { Origin: BASE }, data: { operation: 'merge-snapshot', params: { vg: 'vg0', snapshot: SNAP, mode: 'now' } } });
  expect(merge.status(), await merge.text()).toBe(202);
  const mj = await waitForJob<{ status: string; error: string | null }>(api, ((await merge.json()) as { job: { id: number } }).job.id, { timeoutMs: 240_000, intervalMs: 2000 });
  expect(mj.status, mj.error ?? '').toBe('succeeded');
  expect(leftovers()).toEqual({ mounts: 0, loops: 0, holders: 0 });
  expect(onOrigin('cat etc/hosts; ls etc | grep -c added.conf || true')).toBe(`${ORIGINAL_HOSTS}0\n`);

  const rm = 'e2efiles_r';
  lab(`lvcreate -q -s -L 16M -n ${rm} vg0/files >/dev/null`);
  await browse(rm);
  const remove = await api.post('/api/hosts/lab/jobs', { headers: { Origin: BASE }, data: { operation: 'remove-snapshot', params: { vg: 'vg0', snapshot: rm, confirmName: rm } } });
  expect(remove.status(), await remove.text()).toBe(202);
  const rj = await waitForJob<{ status: string; error: string | null }>(api, ((await remove.json()) as { job: { id: number } }).job.id, { timeoutMs: 240_000, intervalMs: 2000 });
  expect(rj.status, rj.error ?? '').toBe('succeeded');
  expect(leftovers()).toEqual({ mounts: 0, loops: 0, holders: 0 });
  await api.dispose();
  await admin.dispose();
});

test('(d) the snapshot page: facts, Browse files, preview, comparison', async ({ browser }) => {
  const snap = 'e2efiles_p';
  lab(`lvcreate -q -s -L 16M -n ${snap} vg0/files >/dev/null`);
  const ctx = await browser.newContext({ baseURL: BASE, storageState: { cookies: [], origins: [] } });
  const page: Page = await ctx.newPage();
  expect((await page.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD }, headers: { Origin: BASE } })).status()).toBe(200);
  await page.goto('/snapshots');
  await page.getByRole('link', { name: snap, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/snapshots/lab/vg0/${snap}$`));
  await expect(page.getByRole('heading', { name: `Snapshot vg0/${snap}` })).toBeVisible();
  await expect(page.getByText('vg0/files', { exact: true })).toBeVisible();
  await expect(page.getByText('COW-table size')).toBeVisible();
  // lvdisplay's "Snapshot chunk size": lvcreate's default for a 16 MiB snapshot is 4 KiB.
  await expect(page.getByText('Snapshot chunk size').locator('xpath=following-sibling::dd[1]')).toHaveText('4 KiB');
  await page.getByRole('button', { name: 'Browse p1' }).click({ timeout: HOST_MS });
  await page.getByRole('button', { name: 'etc/' }).click({ timeout: HOST_MS });
  await expect(page.getByText('→ /etc/shadow')).toBeVisible({ timeout: HOST_MS });
  await page.getByRole('button', { name: 'Preview hosts' }).click();
  await expect(page.getByRole('region', { name: 'Preview of /etc/hosts' })).toContainText('10.0.0.5 db.internal db', { timeout: HOST_MS });
  await page.screenshot({ path: 'screenshots/files-1-browse.png', fullPage: true });
  // Only a comparison by content sees this change (same size, same mtime); the origin is put back in afterAll.
  onOrigin(SAME_SIZE_CHANGE);
  await page.getByRole('button', { name: 'Compare this directory with the origin' }).click();
  const cmp = page.getByRole('region', { name: 'Comparison of /etc' });
  await expect(cmp).toContainText('unchanged', { timeout: HOST_MS });
  await expect(cmp).toContainText('Changed (0)');
  await cmp.getByRole('button', { name: 'Compare contents too' }).click();
  await expect(cmp).toContainText('hostname (content only)', { timeout: HOST_MS });
  await expect(cmp).toContainText('Files of the same size were also compared by content.');
  await page.screenshot({ path: 'screenshots/files-2-compare.png', fullPage: true });
  await ctx.close();
});
