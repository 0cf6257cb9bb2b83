import { expect, test, type APIRequestContext } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BASE_URL, E2E_ADMIN_PASSWORD } from './env';
import { labLv, labSsh, labSshTarget } from './lab';
import { killServer, startServer } from './server';

// The device-mapper fast path, on the real lab (issue: monitoring at the kernel's cost). Snapshots here are of
// vg0/db (no running guest uses it) and named e2emon_*; they are removed at the end.
// The server polls every 2 s and reads the full inventory at least every 30 s (playwright.config.ts).

const MiB = 1024 * 1024;
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

  labSsh('dd if=/dev/urandom of=/dev/vg0/db bs=1M count=8 oflag=direct conv=notrunc status=none');
  const truth = Number(labLv(`vg0/${snap}`)?.data_percent);
  expect(truth).toBeGreaterThan(20);
  const known = Date.now();

  // Within a poll (plus the poll itself, slow on the emulated lab), the API shows exactly what lvs says.
  await expect
    .poll(async () => findLv(await inventory(page.request), 'vg0', snap)?.cowPercent, { timeout: 60_000, intervals: [250] })
    .toBe(truth);
  console.log(`fill visible ${Date.now() - known} ms after lvs showed it`);

  // The figures come from device-mapper polls between full reads: over 12 s, collectedAt moves at every poll while
  // fullReadAt moves at most once (the 30 s slow interval may fall in the window).
  const collected = new Set<string>();
  const full = new Set<string>();
  for (const until = Date.now() + 12_000; Date.now() < until; ) {
    const inv = await inventory(page.request);
    collected.add(inv.collectedAt);
    full.add(inv.fullReadAt ?? '');
    await page.waitForTimeout(500);
  }
  console.log(`in 12 s: ${collected.size} polls, ${full.size} full read(s)`);
  expect(collected.size).toBeGreaterThanOrEqual(3);
  expect(full.size).toBeLessThanOrEqual(2);
  expect(collected.size).toBeGreaterThan(full.size);

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

/** A TCP relay to the lab's sshd that can stall: connections stay open but no byte passes, as with a hung host. */
class StallingRelay {
  private server: net.Server | null = null;
  private readonly pairs = new Set<[net.Socket, net.Socket]>();
  private stalled = false;
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  open(): Promise<void> {
    const server = net.createServer((client) => {
      client.on('error', () => undefined);
      if (this.stalled) return; // accepted, never answered
      const upstream = net.connect(this.target.port, this.target.host);
      upstream.on('error', () => undefined);
      const pair: [net.Socket, net.Socket] = [client, upstream];
      this.pairs.add(pair);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    this.server = server;
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
      this.port = (server.address() as net.AddressInfo).port;
      resolve();
    }));
  }

  stall(): void {
    this.stalled = true;
    for (const [a, b] of this.pairs) {
      a.unpipe(b);
      b.unpipe(a);
      a.pause();
      b.pause();
    }
  }

  close(): void {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
    this.server?.close();
  }
}

test("a host that hangs never delays another host's figures", async ({ browser }) => {
  const PORT = 3208;
  const DATA = '/tmp/cowherd-stall';
  const ssh = labSshTarget();
  const relay = new StallingRelay({ host: ssh.host, port: ssh.port });
  await relay.open();
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true, mode: 0o700 });
  const knownHosts = path.join(DATA, 'known_hosts');
  const keys = readFileSync(ssh.knownHostsFile, 'utf8');
  writeFileSync(knownHosts, `${keys}\n${keys.replaceAll(`[${ssh.host}]:${ssh.port}`, `[127.0.0.1]:${relay.port}`)}`);
  const config = path.join(DATA, 'cowherd.config.json');
  writeFileSync(config, JSON.stringify({
    hosts: [
      { id: 'lab', name: 'lab', ssh: { ...ssh, knownHostsFile: knownHosts } },
      { id: 'hung', name: 'lab via a relay that hangs', ssh: { ...ssh, host: '127.0.0.1', port: relay.port, knownHostsFile: knownHosts } },
    ],
  }));
  let server: ChildProcess | undefined;
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${PORT}`, storageState: undefined });
  try {
    server = await startServer({ port: PORT, dataDir: DATA, config, pollMs: 2000, env: { COWHERD_SSH_CONTROL_DIR: path.join(DATA, 'ssh') } });
    const login = await context.request.post('/api/session', { data: { username: 'admin', password: E2E_ADMIN_PASSWORD } });
    expect(login.ok(), await login.text()).toBe(true);
    const collectedAt = async (host: string) =>
      ((await (await context.request.get(`/api/hosts/${host}/inventory`)).json()) as { collectedAt?: string }).collectedAt ?? '';
    // Both hosts read once.
    await expect.poll(async () => (await collectedAt('hung')) !== '' && (await collectedAt('lab')) !== '', { timeout: 120_000, intervals: [1000] }).toBe(true);

    relay.stall();
    // For 30 s: the hung host's polls wait for their command timeout, and the lab's figures stay fresh all along.
    const ages: number[] = [];
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const at = await collectedAt('lab');
      ages.push(Date.now() - Date.parse(at));
      await new Promise((r) => setTimeout(r, 1000));
    }
    console.log(`lab's figure age while the other host hangs: max ${Math.max(...ages)} ms over ${ages.length} samples`);
    // One interval (2 s) plus one poll of the emulated lab, never a hung host's 60 s command timeout.
    expect(Math.max(...ages)).toBeLessThan(2000 + 8000);
    const hungAge = Date.now() - Date.parse(await collectedAt('hung'));
    expect(hungAge).toBeGreaterThan(25_000);
  } finally {
    killServer(server, 'SIGTERM');
    relay.close();
    await context.close();
  }
});
