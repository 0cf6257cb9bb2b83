// `npm run bench`: build hosts of 10, 100 and 1000 LVs (and N/5 libvirt domains) in the lab, then measure
//   - the inventory API's latency next to the raw vgs + lvs + virsh commands it wraps (ratio; target <= 1.25 at 1000),
//   - one batched remote execution against the same commands run concurrently over the reused ssh connection,
//   - the server's peak resident memory (target < 300 MB),
//   - each page's first-load JavaScript, gzipped (target <= 250 KB).
// Everything it creates in the lab (VG vgbench on /dev/vdc, domains bench-*) is removed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../lib/config/hosts';
import { SshRunner } from '../lib/host/ssh';
import { inventoryArgv, LIBVIRT_URI } from '../lib/inventory/collect';
import { lvsArgv, vgsArgv } from '../lib/lvm/commands';

const ROOT = path.resolve(import.meta.dirname, '..');
const LAB = process.env.COWHERD_LAB_DIR ?? path.join(ROOT, '.lab');
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const BASE = `http://127.0.0.1:${PORT}`;
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PASSWORD = 'bench-admin-password';

const host = parseConfig(readFileSync(path.join(LAB, 'cowherd.config.json'), 'utf8')).hosts[0];
if (!host?.ssh) throw new Error('no lab: run npm run lab:up');
const runner = new SshRunner('lab', host.ssh, { defaultTimeoutMs: 600_000 });
const sh = async (script: string, input?: string) => (await runner.run(['bash', '-c', script], { input })).stdout;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const uuid = () => {
  const c = randomBytes(32).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 32);
  return [c.slice(0, 6), c.slice(6, 10), c.slice(10, 14), c.slice(14, 18), c.slice(18, 22), c.slice(22, 26), c.slice(26, 32)].join('-');
};

/** LVM text metadata for vgbench with n one-extent linear LVs, restored with vgcfgrestore in one go. */
function metadata(base: string, n: number): string {
  const now = Math.floor(Date.now() / 1000);
  const lvs = Array.from({ length: n }, (_, i) => {
    const name = `lv${String(i).padStart(4, '0')}`;
    return `\t\t${name} {\n\t\t\tid = "${uuid()}"\n\t\t\tstatus = ["READ", "WRITE", "VISIBLE"]\n\t\t\tflags = []\n\t\t\tcreation_time = ${now}\n\t\t\tcreation_host = "cowherd-lab"\n\t\t\tsegment_count = 1\n\n\t\t\tsegment1 {\n\t\t\t\tstart_extent = 0\n\t\t\t\textent_count = 1\n\n\t\t\t\ttype = "striped"\n\t\t\t\tstripe_count = 1\n\n\t\t\t\tstripes = [\n\t\t\t\t\t"pv0", ${i}\n\t\t\t\t]\n\t\t\t}\n\t\t}\n`;
  }).join('\n');
  const end = base.lastIndexOf('}');
  return `${base.slice(0, end)}\n\tlogical_volumes {\n\n${lvs}\n\t}\n${base.slice(end)}`;
}

async function buildHost(n: number, base: string) {
  const t0 = performance.now();
  await sh('vgchange -an vgbench >/dev/null 2>&1; for d in $(virsh list --all --name | grep ^bench-); do virsh undefine "$d" >/dev/null; done; true');
  await sh('cat >/tmp/vgbench.vg && vgcfgrestore -f /tmp/vgbench.vg vgbench >/dev/null && vgchange -ay vgbench >/dev/null', metadata(base, n));
  const domains = Math.floor(n / 5);
  const xml = Array.from({ length: domains }, (_, i) =>
    `<domain type='qemu'><name>bench-${i}</name><memory unit='MiB'>32</memory><os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='block' device='disk'><source dev='/dev/vgbench/lv${String(i).padStart(4, '0')}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
  ).join('\n');
  if (domains) {
    await sh('i=0; while IFS= read -r line; do printf "%s" "$line" >/tmp/d.xml; virsh define /tmp/d.xml >/dev/null || exit 1; done', `${xml}\n`);
  }
  return { seconds: (performance.now() - t0) / 1000, domains };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function startServer(): ChildProcess {
  const dataDir = path.join(LAB, 'bench-data');
  rmSync(dataDir, { recursive: true, force: true });
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(PORT)], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COWHERD_CONFIG: path.join(LAB, 'cowherd.config.json'),
      COWHERD_DATA_DIR: dataDir,
      COWHERD_ADMIN_PASSWORD: PASSWORD,
      // The sampler would read the host in the background and disturb the timings.
      COWHERD_POLL_MS: '3600000',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume();
  return child;
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
}

async function waitUp() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
}

async function login(): Promise<string> {
  const r = await fetch(`${BASE}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  if (!r.ok) throw new Error(`login failed: ${r.status}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function firstLoadJs(cookie: string, page: string): Promise<number> {
  const html = await (await fetch(`${BASE}${page}`, { headers: { cookie } })).text();
  const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1] ?? ''))];
  let total = 0;
  for (const src of srcs) {
    const body = Buffer.from(await (await fetch(new URL(src, BASE), { headers: { cookie } })).arrayBuffer());
    total += gzipSync(body, { level: 9 }).length;
  }
  return total / 1024;
}

async function main() {
  if (!existsSync(path.join(ROOT, process.env.COWHERD_DIST_DIR ?? '.next', 'BUILD_ID'))) {
    throw new Error('no production build: run npm run build first');
  }
  console.log(`bench: lab ${host?.ssh?.host}:${host?.ssh?.port}, ${RUNS} runs per figure (median)`);
  await sh('vgremove -y vgbench >/dev/null 2>&1; pvremove -y /dev/vdc >/dev/null 2>&1; pvcreate -y --metadatasize 32m /dev/vdc >/dev/null && vgcreate vgbench /dev/vdc >/dev/null && vgcfgbackup -f /tmp/vgbench-base.vg vgbench >/dev/null');
  const base = await sh('cat /tmp/vgbench-base.vg');
  const server = startServer();
  const rows: string[][] = [];
  let rss = 0;
  try {
    await waitUp();
    const cookie = await login();
    const raw = ['bash', '-c', [vgsArgv(), lvsArgv(), ['virsh', '-q', '-c', LIBVIRT_URI, 'domstats', '--state', '--block'], ['virsh', '-q', '-c', LIBVIRT_URI, 'list', '--uuid', '--name']].map((a) => a.map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ') + ' >/dev/null').join('; ')];
    for (const n of SIZES) {
      const built = await buildHost(n, base);
      const api = async () => {
        const r = await fetch(`${BASE}/api/hosts/lab/inventory?fresh=1`, { headers: { cookie } });
        if (!r.ok) throw new Error(`inventory ${r.status}`);
        const body = (await r.json()) as { lvs: unknown[] };
        if (body.lvs.length < n) throw new Error(`inventory has ${body.lvs.length} LVs, expected >= ${n}`);
      };
      await api(); // warm up (connection, JIT)
      await runner.run(raw);
      const apiMs: number[] = [];
      const rawMs: number[] = [];
      const batchMs: number[] = [];
      const concMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        apiMs.push(await time(api));
        rawMs.push(await time(() => runner.run(raw)));
        batchMs.push(await time(() => runner.run(inventoryArgv())));
        concMs.push(await time(() => Promise.all([runner.run(vgsArgv()), runner.run(lvsArgv()), runner.run(['virsh', '-q', '-c', LIBVIRT_URI, 'domstats', '--state', '--block']), runner.run(['virsh', '-q', '-c', LIBVIRT_URI, 'list', '--uuid', '--name'])])));
      }
      const a = median(apiMs);
      const r = median(rawMs);
      rows.push([String(n), String(built.domains + 2), `${built.seconds.toFixed(1)} s`, `${a.toFixed(0)} ms`, `${r.toFixed(0)} ms`, (a / r).toFixed(2), `${median(batchMs).toFixed(0)} ms`, `${median(concMs).toFixed(0)} ms`]);
      console.log(`  ${n} LVs: api ${a.toFixed(0)} ms, raw ${r.toFixed(0)} ms, ratio ${(a / r).toFixed(2)}`);
    }
    // Pages with the biggest host loaded, for memory and bundle size.
    const pages = ['/', '/snapshots', '/vgs', '/vgs/lab/vgbench', '/guests', '/jobs', '/audit', '/settings', '/hosts/lab/create-snapshot?vg=vg0&origin=web'];
    const js: string[][] = [];
    for (const p of pages) {
      const kb = await firstLoadJs(cookie, p);
      js.push([p, `${kb.toFixed(1)} KB`, kb <= 250 ? 'ok' : 'OVER 250 KB']);
    }
    if (server.pid) rss = peakRssMb(server.pid);
    console.log('\nInventory API vs the raw commands it wraps (median):');
    console.table(rows.map(([lvs, doms, build, api, raw, ratio, batch, conc]) => ({ LVs: lvs, domains: doms, 'build host': build, 'API': api, 'raw vgs+lvs+virsh': raw, 'ratio': ratio, 'one batched ssh exec': batch, '4 concurrent ssh cmds': conc })));
    console.log(`ratio at ${SIZES[SIZES.length - 1]} LVs: ${rows[rows.length - 1]?.[5]} (target <= 1.25)`);
    console.log(`server peak RSS: ${rss.toFixed(0)} MB (target < 300 MB)`);
    console.log('\nFirst-load JavaScript per page (gzipped):');
    console.table(js.map(([page, size, verdict]) => ({ page, size, verdict })));
  } finally {
    server.kill('SIGTERM');
    await sh('vgchange -an vgbench >/dev/null 2>&1; vgremove -y vgbench >/dev/null 2>&1; pvremove -y /dev/vdc >/dev/null 2>&1; for d in $(virsh list --all --name | grep ^bench-); do virsh undefine "$d" >/dev/null; done; true');
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
