// Backups (issue 11): the copy's throughput against its floor on the same lab, printed by `npm run bench`.
//   floor = reading the snapshot (`dd if=SNAP of=/dev/null bs=4M iflag=direct`) + writing as many bytes raw at the
//           target (`dd if=<random bytes in memory> of=<backupDir>/file bs=4M conv=fsync` on the target host), one
//           after the other: what any copy must at least do;
//   backup = the copy step(s) of backup-volume (raw, and qcow2 compressed for comparison), from the catalogue
//            (for a qcow2 backup to another host: the raw stream plus the conversion on the target).
// Same host, and, when the second lab host is up (lab.sh up2), from lab to lab2 through the Cowherd server. For the
// choice "stream raw + convert on the target" against "write qcow2 locally + copy the file", the second is timed too
// (qemu-img convert -c on lab, then the file streamed to lab2 through this process, lib/host/pipe.ts).
// Target: raw backup throughput >= 0.8x the floor's. Everything it makes (vg0/benchbak*, its backups) is removed.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from '../lib/config/hosts';
import { pipeBetween } from '../lib/host/pipe';
import { SshRunner } from '../lib/host/ssh';

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

async function seconds(sh: (s: string) => Promise<string>, script: string): Promise<number> {
  const out = await sh(`t0=$(date +%s.%N); ${script}; t1=$(date +%s.%N); echo "T $t0 $t1"`);
  const m = /T (\S+) (\S+)/.exec(out);
  return m ? Number(m[2]) - Number(m[1]) : NaN;
}

async function backup(cookie: string, format: 'raw' | 'qcow2', target?: string): Promise<{ mibs: number; file: string; id: number }> {
  const headers = { cookie, 'content-type': 'application/json', origin: BASE };
  const params = { vg: 'vg0', lv: 'benchbak', format, ...(target ? { target: { host: target } } : {}) };
  const r = await fetch(`${BASE}/api/hosts/lab/jobs`, { method: 'POST', headers, body: JSON.stringify({ operation: 'backup-volume', params }) });
  if (r.status !== 202) throw new Error(`backup-volume: ${r.status} ${await r.text()}`);
  const id = ((await r.json()) as { job: { id: number } }).job.id;
  for (;;) {
    const job = ((await (await fetch(`${BASE}/api/jobs/${id}`, { headers })).json()) as { job: { status: string; error: string | null } }).job;
    if (job.status === 'failed') throw new Error(`backup job ${id} failed: ${job.error}`);
    if (job.status === 'succeeded') break;
    await new Promise((res) => setTimeout(res, 1000));
  }
  const list = ((await (await fetch(`${BASE}/api/backups?lv=benchbak`, { headers })).json()) as { backups: { id: number; jobId: number; throughputBps: number; file: string }[] }).backups;
  const b = list.find((x) => x.jobId === id);
  if (!b) throw new Error(`job ${id} left no catalogue entry`);
  return { mibs: b.throughputBps / MiB, file: b.file, id: b.id };
}

/** Seconds to write SIZE_MIB of random bytes (already in memory, /dev/shm) raw into the backupDir with fsync. */
async function rawWrite(sh: (s: string) => Promise<string>): Promise<number> {
  await sh(`mkdir -p ${DIR} && head -c ${SIZE_MIB * MiB} /dev/urandom > /dev/shm/bench-src`);
  const t = await seconds(sh, `dd if=/dev/shm/bench-src of=${DIR}/bench-floor.raw bs=4M conv=fsync status=none`);
  await sh(`rm -f /dev/shm/bench-src ${DIR}/bench-floor.raw`);
  return t;
}

/** The second lab host, when it is up: its ssh runner (the two-host config lists both). */
async function lab2(labDir: string): Promise<{ runner: SshRunner; sh: (s: string) => Promise<string>; config: string } | null> {
  const config = path.join(labDir, 'cowherd.two-hosts.config.json');
  if (!existsSync(config)) return null;
  const h = parseConfig(readFileSync(config, 'utf8')).hosts.find((x) => x.id === 'lab2');
  if (!h?.ssh) return null;
  // The lab's unrestricted key for the raw commands (the config's key only runs the host helper, issue 16).
  const runner = new SshRunner('lab2', { ...h.ssh, ...(h.ssh.identityFile ? { identityFile: path.join(path.dirname(h.ssh.identityFile), 'lab_key') } : {}) }, { defaultTimeoutMs: 600_000 });
  try {
    await runner.run(['true'], { timeoutMs: 20_000 });
  } catch {
    return null;
  }
  return { runner, config, sh: async (s) => (await runner.run(['bash', '-c', s])).stdout };
}

export async function benchBackup(ctx: Ctx): Promise<void> {
  const cleanup = `lvremove -y vg0/benchbak_floor >/dev/null 2>&1; lvremove -y vg0/benchbak >/dev/null 2>&1; rm -f ${DIR}/vg0-benchbak-* ${DIR}/bench-floor.raw ${DIR}/bench-local.qcow2 /dev/shm/bench-src; true`;
  const second = await lab2(ctx.lab);
  const clean2 = `rm -f ${DIR}/vg0-benchbak-* ${DIR}/bench-floor.raw ${DIR}/bench-local.qcow2 /dev/shm/bench-src; true`;
  await ctx.sh(cleanup);
  if (second) await second.sh(clean2);
  const config = second?.config ?? path.join(ctx.lab, 'cowherd.config.json');
  const server = ctx.startServer({ port: PORT, dataDir: path.join(ctx.lab, 'bench-backup-data'), config, env: { COWHERD_POLL_MS: '3600000', COWHERD_INVENTORY_MS: '86400000' } });
  try {
    await ctx.sh(`lvcreate -q -y -L ${SIZE_MIB}M -n benchbak vg0 >/dev/null && dd if=/dev/urandom of=/dev/vg0/benchbak bs=4M count=${SIZE_MIB / 4} oflag=direct status=none && mkdir -p ${DIR}`);
    // The floor, on a snapshot like the one the backup reads (a classic snapshot's reads go through dm-snapshot).
    await ctx.sh(`lvcreate -q -y -s -L ${Math.max(8, SIZE_MIB / 4)}M -n benchbak_floor vg0/benchbak >/dev/null; sync; echo 3 > /proc/sys/vm/drop_caches`);
    const read = await seconds(ctx.sh, 'dd if=/dev/vg0/benchbak_floor of=/dev/null bs=4M iflag=direct status=none');
    await ctx.sh('lvremove -y vg0/benchbak_floor >/dev/null');
    const write = await rawWrite(ctx.sh);
    const write2 = second ? await rawWrite(second.sh) : NaN;
    const floor = SIZE_MIB / (read + write);
    const floor2 = SIZE_MIB / (read + write2);
    await ctx.waitUp(BASE);
    const cookie = await ctx.login(BASE);
    const raw = await backup(cookie, 'raw');
    const qcow2 = await backup(cookie, 'qcow2');
    const rows: Record<string, string>[] = [
      { what: 'floor (same host): dd read of the snapshot + raw write at the target', 'MiB/s': floor.toFixed(1), 'x floor': '1.00', target: '' },
      { what: 'backup-volume, raw, same host', 'MiB/s': raw.mibs.toFixed(1), 'x floor': (raw.mibs / floor).toFixed(2), target: '>= 0.80' },
      { what: 'backup-volume, qcow2 compressed, same host', 'MiB/s': qcow2.mibs.toFixed(1), 'x floor': (qcow2.mibs / floor).toFixed(2), target: '' },
    ];
    if (second) {
      const raw2 = await backup(cookie, 'raw', 'lab2');
      const qcow22 = await backup(cookie, 'qcow2', 'lab2');
      // The alternative for qcow2 between hosts: compress on the source, then copy the (smaller) file.
      await ctx.sh('lvcreate -q -y -s -L 16M -n benchbak_floor vg0/benchbak >/dev/null');
      const convert = await seconds(ctx.sh, `qemu-img convert -f raw -O qcow2 -c /dev/vg0/benchbak_floor ${DIR}/bench-local.qcow2`);
      await ctx.sh('lvremove -y vg0/benchbak_floor >/dev/null');
      const t0 = performance.now();
      const copied = await pipeBetween(
        { runner: ctx.runner, argv: ['dd', `if=${DIR}/bench-local.qcow2`, 'bs=4M', 'status=none'] },
        { runner: second.runner, argv: ['sh', '-c', 'exec dd of="$1" bs=4M iflag=fullblock status=none', 'sh', `${DIR}/bench-local.qcow2`] },
      );
      const copy = (performance.now() - t0) / 1000;
      if (!copied.ok) throw new Error(`copy of the local qcow2 to lab2: ${copied.error}`);
      const local = SIZE_MIB / (convert + copy);
      rows.push(
        { what: 'floor (lab -> lab2): dd read on lab + raw write on lab2', 'MiB/s': floor2.toFixed(1), 'x floor': '1.00', target: '' },
        { what: 'backup-volume, raw, lab -> lab2 (stream through Cowherd)', 'MiB/s': raw2.mibs.toFixed(1), 'x floor': (raw2.mibs / floor2).toFixed(2), target: '>= 0.80' },
        { what: 'backup-volume, qcow2, lab -> lab2 (raw stream + convert on lab2)', 'MiB/s': qcow22.mibs.toFixed(1), 'x floor': (qcow22.mibs / floor2).toFixed(2), target: '' },
        { what: `alternative: qcow2 written on lab (${convert.toFixed(1)} s) + file copied to lab2 (${copy.toFixed(1)} s)`, 'MiB/s': local.toFixed(1), 'x floor': (local / floor2).toFixed(2), target: '' },
      );
    }
    console.log(
      `\nBackups: the copy step against its floor (${SIZE_MIB} MiB of random data on the lab; dd read ${(SIZE_MIB / read).toFixed(1)} MiB/s, raw write ${(SIZE_MIB / write).toFixed(1)} MiB/s on lab${second ? `, ${(SIZE_MIB / write2).toFixed(1)} MiB/s on lab2` : '; lab2 not up: no cross-host figures'}):`,
    );
    console.table(rows);
  } finally {
    server.kill('SIGTERM');
    await ctx.sh(cleanup);
    if (second) await second.sh(clean2);
  }
}
