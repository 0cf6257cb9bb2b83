// Backups (issue 11): the copy's throughput against its floor on the same lab, printed by `npm run bench`.
//   floor = reading the snapshot (`dd if=SNAP of=/dev/null bs=4M`) + writing as many bytes raw at the target
//           (`dd ... of=<backupDir>/file bs=4M conv=fsync`), run one after the other: what any copy must at least do;
//   backup = the copy step of backup-volume (format raw, and qcow2 compressed for comparison), from the catalogue.
// Target: raw backup throughput >= 0.8x the floor's. Everything it makes (vg0/benchbak*, its backups) is removed.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { SshRunner } from '../lib/host/ssh';

interface Ctx {
  lab: string;
  runner: SshRunner;
  sh: (script: string) => Promise<string>;
  startServer: (o: { port: number; dataDir: string; config: string; env: Record<string, string> }) => ChildProcess;
  waitUp: (base?: string) => Promise<void>;
  login: (base?: string) => Promise<string>;
}

const MiB = 1024 * 1024;
const PORT = Number(process.env.BENCH_BACKUP_PORT ?? 3402);
const BASE = `http://127.0.0.1:${PORT}`;
const SIZE_MIB = Number(process.env.BENCH_BACKUP_MIB ?? 64);
const DIR = '/var/lib/cowherd/backups';

async function seconds(ctx: Ctx, script: string): Promise<number> {
  const out = await ctx.sh(`t0=$(date +%s.%N); ${script}; t1=$(date +%s.%N); echo "T $t0 $t1"`);
  const m = /T (\S+) (\S+)/.exec(out);
  return m ? Number(m[2]) - Number(m[1]) : NaN;
}

async function backup(cookie: string, format: 'raw' | 'qcow2'): Promise<{ mibs: number; file: string }> {
  const headers = { cookie, 'content-type': 'application/json', origin: BASE };
  const r = await fetch(`${BASE}/api/hosts/lab/jobs`, { method: 'POST', headers, body: JSON.stringify({ operation: 'backup-volume', params: { vg: 'vg0', lv: 'benchbak', format } }) });
  if (r.status !== 202) throw new Error(`backup-volume: ${r.status} ${await r.text()}`);
  const id = ((await r.json()) as { job: { id: number } }).job.id;
  for (;;) {
    const job = ((await (await fetch(`${BASE}/api/jobs/${id}`, { headers })).json()) as { job: { status: string; error: string | null } }).job;
    if (job.status === 'failed') throw new Error(`backup job ${id} failed: ${job.error}`);
    if (job.status === 'succeeded') break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  const list = ((await (await fetch(`${BASE}/api/backups?lv=benchbak`, { headers })).json()) as { backups: { jobId: number; throughputBps: number; file: string }[] }).backups;
  const b = list.find((x) => x.jobId === id);
  if (!b) throw new Error(`job ${id} left no catalogue entry`);
  return { mibs: b.throughputBps / MiB, file: b.file };
}

export async function benchBackup(ctx: Ctx): Promise<void> {
  const cleanup = `lvremove -y vg0/benchbak_floor >/dev/null 2>&1; lvremove -y vg0/benchbak >/dev/null 2>&1; rm -f ${DIR}/vg0-benchbak-* ${DIR}/bench-floor.raw; true`;
  await ctx.sh(cleanup);
  const server = ctx.startServer({ port: PORT, dataDir: path.join(ctx.lab, 'bench-backup-data'), config: path.join(ctx.lab, 'cowherd.config.json'), env: { COWHERD_POLL_MS: '3600000', COWHERD_INVENTORY_MS: '86400000' } });
  try {
    await ctx.sh(`lvcreate -q -y -L ${SIZE_MIB}M -n benchbak vg0 >/dev/null && dd if=/dev/urandom of=/dev/vg0/benchbak bs=4M count=${SIZE_MIB / 4} oflag=direct status=none && mkdir -p ${DIR}`);
    // The floor, on a snapshot like the one the backup reads (a classic snapshot's reads go through dm-snapshot).
    await ctx.sh(`lvcreate -q -y -s -L ${Math.max(8, SIZE_MIB / 4)}M -n benchbak_floor vg0/benchbak >/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches`);
    const read = await seconds(ctx, 'dd if=/dev/vg0/benchbak_floor of=/dev/null bs=4M iflag=direct status=none');
    const write = await seconds(ctx, `dd if=/dev/vg0/benchbak_floor of=${DIR}/bench-floor.raw bs=4M conv=fsync status=none`);
    await ctx.sh(`rm -f ${DIR}/bench-floor.raw; lvremove -y vg0/benchbak_floor >/dev/null`);
    const floorMibs = SIZE_MIB / (read + write);
    await ctx.waitUp(BASE);
    const cookie = await ctx.login(BASE);
    const raw = await backup(cookie, 'raw');
    const qcow2 = await backup(cookie, 'qcow2');
    console.log(`\nBackups: the copy step against its floor (${SIZE_MIB} MiB of random data on the lab; dd read ${(SIZE_MIB / read).toFixed(1)} MiB/s, raw write ${(SIZE_MIB / write).toFixed(1)} MiB/s):`);
    console.table([
      { what: 'floor: dd read of the snapshot + raw write at the target', 'MiB/s': floorMibs.toFixed(1), 'x floor': '1.00', target: '' },
      { what: 'backup-volume, raw', 'MiB/s': raw.mibs.toFixed(1), 'x floor': (raw.mibs / floorMibs).toFixed(2), target: '>= 0.80' },
      { what: 'backup-volume, qcow2 compressed', 'MiB/s': qcow2.mibs.toFixed(1), 'x floor': (qcow2.mibs / floorMibs).toFixed(2), target: '' },
    ]);
  } finally {
    server.kill('SIGTERM');
    await ctx.sh(cleanup);
  }
}
