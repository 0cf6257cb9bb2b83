// `npm run bench`: build hosts of 10, 100 and 1000 LVs (and N/5 libvirt domains) in the lab, then measure
//   - the inventory API's latency next to the raw vgs + lvs + virsh commands it wraps (ratio; target <= 1.25 at 1000),
//   - one batched remote execution against the same commands run concurrently over the reused ssh connection
//     (both include the guest-agent step: list, then one virsh with a dumpxml per running domain),
//   - the server's peak resident memory (target < 300 MB),
//   - each page's first-load JavaScript, gzipped (target <= 250 KB),
//   - monitoring at device-mapper's cost: the poll against `dmsetup status` alone (target <= 1.15x), the full
//     refresh against vgs + lvs -a + virsh domstats in parallel in one execution (target <= 1.25x), the lab's CPU
//     seconds per minute of monitoring before (a full read at every poll) and after (target >= 5x less), 20 hosts
//     polled at once (every host within one interval of fresh), and auto-extend's reaction time.
// Everything it creates in the lab (VG vgbench on /dev/vdc, domains bench-*) is removed at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseConfig } from '../lib/config/hosts';
import { shellJoin } from '../lib/host/quote';
import { SshRunner } from '../lib/host/ssh';
import { DmPollStream } from '../lib/dm/poll-stream';
import { inventoryArgv, LIBVIRT_URI } from '../lib/inventory/collect';
import { domstatsArgv } from '../lib/libvirt/commands';
import { lvsArgv, vgsArgv } from '../lib/lvm/commands';
import { applyFill, knownLvs } from '../lib/dm/apply';
import { fillFromDm } from '../lib/dm/status';
import type { Inventory } from '../lib/inventory/types';
import { benchMonitoring } from './bench-monitoring';
import { benchBackup } from './bench-backup';
import { buildBigHost, createBigVg, removeBigHost } from '../lib/test/big-host';

const ROOT = path.resolve(import.meta.dirname, '..');
const LAB = process.env.COWHERD_LAB_DIR ?? path.join(ROOT, '.lab');
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const BASE = `http://127.0.0.1:${PORT}`;
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PASSWORD = 'bench-admin-password';

// BENCH_ACCESS=shell measures the lab reached as a root shell (the unrestricted lab_key, "access": "shell") instead
// of the config's default, the host helper (issue 16): the helper costs one more process start per command.
const ACCESS = process.env.BENCH_ACCESS === 'shell' ? 'shell' : 'helper';
const LAB_CONFIG = ACCESS === 'shell' ? shellConfig() : path.join(LAB, 'cowherd.config.json');

function shellConfig(): string {
  const cfg = JSON.parse(readFileSync(path.join(LAB, 'cowherd.config.json'), 'utf8')) as { hosts: { ssh?: { identityFile: string }; access?: string }[] };
  for (const h of cfg.hosts) {
    if (h.ssh) h.ssh.identityFile = path.join(path.dirname(h.ssh.identityFile), 'lab_key');
    h.access = 'shell';
  }
  const file = path.join(LAB, 'bench-shell.config.json');
  writeFileSync(file, JSON.stringify(cfg));
  return file;
}

const host = parseConfig(readFileSync(LAB_CONFIG, 'utf8')).hosts[0];
if (!host?.ssh) throw new Error('no lab: run npm run lab:up');
// The lab's unrestricted key for the raw commands (the config's key only runs the host helper, issue 16).
const runner = new SshRunner('lab', { ...host.ssh, identityFile: path.join(LAB, 'lab_key') }, { defaultTimeoutMs: 600_000 });
// The poll as the server runs it: through the host helper with the config's restricted key (the default access),
// or as a root shell with BENCH_ACCESS=shell.
const helperRunner = new SshRunner('lab-helper', host.ssh, { defaultTimeoutMs: 600_000, access: host.access });
// ... on the host's poll loop, as the monitor polls an ssh host (lib/inventory/service.ts readDm).
const pollStream = new DmPollStream(helperRunner);
const sh = async (script: string, input?: string) => (await runner.run(['bash', '-c', script], { input })).stdout;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function startServer(): ChildProcess {
  const dataDir = path.join(LAB, 'bench-data');
  return startBenchServer({ port: PORT, dataDir, config: LAB_CONFIG, env: { COWHERD_POLL_MS: '3600000', COWHERD_INVENTORY_MS: '86400000' } });
}

/** A production server on the lab; the caller's env wins (intervals for the monitoring figures). */
function startBenchServer(o: { port: number; dataDir: string; config: string; env: Record<string, string>; root?: string }): ChildProcess {
  rmSync(o.dataDir, { recursive: true, force: true });
  const root = o.root ?? ROOT;
  const child = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(o.port)], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      COWHERD_CONFIG: o.config,
      COWHERD_DATA_DIR: o.dataDir,
      COWHERD_ADMIN_PASSWORD: PASSWORD,
      // For the latency figures the monitor would read the host in the background and disturb the timings.
      ...o.env,
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

async function waitUp(base = BASE) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
}

async function login(base = BASE): Promise<string> {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
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
  console.log(`bench: lab ${host?.ssh?.host}:${host?.ssh?.port} in ${ACCESS} mode, ${RUNS} runs per figure (median)`);
  // BENCH_INVENTORY=0: only the monitoring (and backup) parts, e.g. to re-measure them on a quieter machine.
  if (process.env.BENCH_INVENTORY !== '0') await benchInventory();
  if (process.env.BENCH_MONITORING !== '0') {
    await benchMonitoring({ lab: LAB, config: LAB_CONFIG, runner, sh, startServer: startBenchServer, waitUp, login });
  }
  // issue 11
  if (process.env.BENCH_BACKUP !== '0') await benchBackup({ lab: LAB, runner, sh, startServer: startBenchServer, waitUp, login });
}

async function benchInventory() {
  const base = await createBigVg(sh);
  const server = startServer();
  const rows: string[][] = [];
  const monRows: Record<string, string>[] = [];
  let rss = 0;
  const amp = (a: readonly string[]) => `${shellJoin(a)} >/dev/null &`;
  const floor = ['sh', '-c', [amp(vgsArgv()), amp(lvsArgv()), amp(domstatsArgv({ uri: LIBVIRT_URI, quiet: true })), 'wait'].join(' ')];
  try {
    await waitUp();
    const cookie = await login();
    // The same commands the inventory runs, one after the other, as an administrator would type them: vgs, lvs,
    // domstats, list, and one virsh with a dumpxml per running domain (the guest-agent channel's state).
    const agentStep = `b=""; for u in $(${shellJoin(['virsh', '-q', '-c', LIBVIRT_URI, 'list', '--uuid'])}); do b="$b dumpxml $u;"; done; [ -z "$b" ] || ${shellJoin(['virsh', '-c', LIBVIRT_URI])} "$b" >/dev/null`;
    const raw = ['bash', '-c', [vgsArgv(), lvsArgv(), ['virsh', '-q', '-c', LIBVIRT_URI, 'domstats', '--state', '--block'], ['virsh', '-q', '-c', LIBVIRT_URI, 'list', '--uuid', '--name']].map((a) => `${shellJoin(a)} >/dev/null`).concat(agentStep).join('; ')];
    for (const n of SIZES) {
      const built = await buildBigHost(sh, base, { lvs: n });
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
      const floorMs: number[] = [];
      const pollMs: number[] = [];
      const dmMs: number[] = [];
      const inv = (await (await fetch(`${BASE}/api/hosts/lab/inventory`, { headers: { cookie } })).json()) as Inventory;
      await pollStream.read(600_000, { verbose: true }); // the UUIDs of this size's devices, as the monitor's slow interval reads them
      for (let i = 0; i < RUNS; i++) {
        apiMs.push(await time(api));
        rawMs.push(await time(() => runner.run(raw)));
        batchMs.push(await time(() => runner.run(inventoryArgv())));
        // The same work as four ssh commands at once over the one reused connection (list and dumpxml in the last).
        concMs.push(await time(() => Promise.all([runner.run(vgsArgv()), runner.run(lvsArgv()), runner.run(['virsh', '-q', '-c', LIBVIRT_URI, 'domstats', '--state', '--block']), runner.run(['bash', '-c', agentStep])])));
        // The floor of a full refresh: its three essential commands at the same time in one execution.
        floorMs.push(await time(() => runner.run(floor)));
        // The poll as the monitor runs it (plain dmsetup status on the poll loop with the UUIDs of the last -v
        // poll, parsed and folded: DmPollStream.read) against dmsetup status alone in a root shell.
        pollMs.push(await time(async () => {
          const p = await pollStream.read(600_000);
          applyFill(inv, fillFromDm(p.devices, p.info, knownLvs(inv)), new Date().toISOString());
        }));
        dmMs.push(await time(() => runner.run(['dmsetup', 'status'])));
      }
      const a = median(apiMs);
      const r = median(rawMs);
      rows.push([String(n), String(built.domains + 2), `${built.seconds.toFixed(1)} s`, `${a.toFixed(0)} ms`, `${r.toFixed(0)} ms`, (a / r).toFixed(2), `${median(batchMs).toFixed(0)} ms`, `${median(concMs).toFixed(0)} ms`]);
      monRows.push({ LVs: String(n), poll: `${median(pollMs).toFixed(0)} ms`, 'dmsetup status': `${median(dmMs).toFixed(0)} ms`, 'poll ratio (<= 1.15)': (median(pollMs) / median(dmMs)).toFixed(2), 'full refresh (API)': `${a.toFixed(0)} ms`, 'floor vgs&lvs&domstats': `${median(floorMs).toFixed(0)} ms`, 'full ratio (<= 1.25)': (a / median(floorMs)).toFixed(2) });
      console.log(`  ${n} LVs: api ${a.toFixed(0)} ms, raw ${r.toFixed(0)} ms, ratio ${(a / r).toFixed(2)}; poll ${median(pollMs).toFixed(0)} ms vs dmsetup ${median(dmMs).toFixed(0)} ms; full vs floor ${(a / median(floorMs)).toFixed(2)}`);
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
    console.log('\nMonitoring: the poll against dmsetup status alone, the full refresh against its floor (median):');
    console.table(monRows);
  } finally {
    pollStream.close();
    server.kill('SIGTERM');
    await removeBigHost(sh);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
