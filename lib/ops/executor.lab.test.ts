import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectInventory } from '@/lib/inventory/collect';
import { openDb } from '@/lib/store/sqlite';
import { getJob, listAudit, startJob } from '@/lib/store/jobs';
import { labRunner } from '@/lib/test/lab';
import { executePlan } from './executor';
import { parseOperation } from './registry';
import type { Plan } from './types';

// Real plans run by the real executor against the lab VM over ssh (npm run lab:up). Each test cleans up after itself.
const runner = labRunner();
const sh = async (cmd: string) => (await runner.run(['bash', '-c', cmd], { timeoutMs: 120_000 })).stdout;
const collect = () => collectInventory('lab', runner);
const db = openDb(':memory:');

async function plan(operation: string, params: unknown): Promise<Plan> {
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) throw new Error(parsed.error);
  const r = parsed.def.plan({ inv: await collect(), exportDir: '/var/lib/cowherd-exports' }, parsed.params as never);
  if (!r.ok) throw new Error(r.error);
  return r.plan;
}

async function run(p: Plan) {
  const started = startJob(db, p, 'test');
  if (!started.ok) throw new Error(started.error);
  await executePlan({ db, runner, collect, username: 'test', sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 500))) }, started.jobId, p);
  const job = getJob(db, started.jobId);
  if (!job) throw new Error('job vanished');
  if (process.env.COWHERD_TEST_TIMINGS) {
    for (const s of job.steps) console.log(`${p.operation} #${s.seq} ${s.title}: ${s.startedAt && s.endedAt ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : '-'} ms ${s.status}`);
  }
  return job;
}

// The tests write only into the first 32 MiB, so hashing those is enough (a whole LV is slow to read under TCG).
const sha = async (dev: string) => (await sh(`dd if=${dev} bs=1M count=32 iflag=direct status=none | sha256sum | cut -d' ' -f1`)).trim();
const state = async (dom: string) => (await sh(`virsh domstate ${dom}`)).trim();

async function cleanup() {
  await sh(
    // Only what these tests make (exec_*): the lab is shared, and its seed LVs include agent01's vg0/agent, which is
    // not open yet while agent01 boots, so a "remove all but a list" sweep once removed it in CI.
    'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / vg0 vg1 | tr -d " " | grep "/exec_"); do lvremove -y "$lv" >/dev/null 2>&1; done; ' +
      'virsh domstate web01 | grep -q running || virsh start web01 >/dev/null; virsh resume web01 >/dev/null 2>&1; true',
  );
}

describe('operations on the lab', () => {
  beforeAll(cleanup, 120_000);
  afterAll(cleanup, 120_000);

  it('creates a snapshot of running web01 through suspend/resume', async () => {
    const job = await run(await plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'exec_snap', sizeBytes: 16 * 2 ** 20 }));
    expect(job.status).toBe('succeeded');
    // By UUID, on the host's connection: virsh never gets the bare name.
    const uuid = (await sh('virsh domuuid web01')).trim();
    expect(job.steps.map((s) => s.argv?.join(' '))).toEqual([
      `virsh --connect qemu:///system suspend --domain ${uuid}`,
      'lvcreate -s -L 16m -n exec_snap vg0/web',
      `virsh --connect qemu:///system resume --domain ${uuid}`,
    ]);
    expect(await sh('lvs --noheadings -o origin vg0/exec_snap')).toMatch(/web/);
    expect(await state('web01')).toBe('running');
    expect(listAudit(db, {}).filter((a) => a.jobId === job.id)).toHaveLength(3);
    await sh('lvremove -y vg0/exec_snap');
  }, 120_000);

  it('resumes the guest when lvcreate fails, and keeps lvcreate\'s stderr', async () => {
    await sh('lvcreate -y -l 100%FREE -n exec_fill vg0 >/dev/null');
    try {
      const job = await run(await plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'exec_big', sizeBytes: 64 * 2 ** 20, force: true }));
      expect(job.status).toBe('failed');
      const create = job.steps[1];
      expect(create?.status).toBe('failed');
      expect(create?.stderr).toMatch(/insufficient free space/i);
      expect(job.steps[2]).toMatchObject({ status: 'succeeded', argv: ['virsh', '--connect', 'qemu:///system', 'resume', '--domain', (await sh('virsh domuuid web01')).trim()] });
      expect(job.error).toMatch(/Create snapshot vg0\/exec_big failed \(exit 5\)/);
      expect(await state('web01')).toBe('running');
    } finally {
      await sh('lvremove -y vg0/exec_fill');
    }
  }, 120_000);

  it('rolls db back to its snapshot at once when no guest uses it', async () => {
    await sh('dd if=/dev/urandom of=/dev/vg0/db bs=1M count=16 oflag=direct status=none');
    const before = await sha('/dev/vg0/db');
    await run(await plan('create-snapshot', { vg: 'vg0', origin: 'db', name: 'exec_db_pre', sizeBytes: 64 * 2 ** 20 }));
    await sh('dd if=/dev/urandom of=/dev/vg0/db bs=1M count=32 oflag=direct status=none');
    expect(await sha('/dev/vg0/db')).not.toBe(before);
    const job = await run(await plan('merge-snapshot', { vg: 'vg0', snapshot: 'exec_db_pre', mode: 'now' }));
    expect(job.status, `${job.error}\n${job.message}`).toBe('succeeded');
    expect(await sha('/dev/vg0/db')).toBe(before);
    expect(await sh('lvs -a --noheadings -o lv_name vg0')).not.toMatch(/exec_db_pre/);
  }, 180_000);

  it('schedules the merge while web01 runs, then completes it after the guest is stopped', async () => {
    await sh('dd if=/dev/urandom of=/dev/vg0/web bs=1M count=8 oflag=direct status=none');
    const before = await sha('/dev/vg0/web');
    await run(await plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'exec_web_pre', sizeBytes: 64 * 2 ** 20, consistency: 'none' }));
    await sh('dd if=/dev/urandom of=/dev/vg0/web bs=1M count=8 oflag=direct status=none');
    const scheduled = await run(await plan('merge-snapshot', { vg: 'vg0', snapshot: 'exec_web_pre', mode: 'schedule' }));
    expect(scheduled.status, `${scheduled.error}\n${scheduled.message}`).toBe('succeeded');
    expect(scheduled.steps[0]?.stdout).toMatch(/Delaying merge since origin is open/);
    expect(await sh('lvs -a --noheadings -o lv_name,lv_attr vg0')).toMatch(/\[exec_web_pre\]\s+Swi/);
    // Complete it, letting Cowherd shut web01 down: the lab's guest ignores ACPI, so the forced power-off is used.
    const done = await run(await plan('complete-merge', { vg: 'vg0', snapshot: 'exec_web_pre', shutdown: true, shutdownTimeoutS: 5, forceOff: true, startAgain: true }));
    expect(done.status, `${done.error}\n${done.message}`).toBe('succeeded');
    expect(await sha('/dev/vg0/web')).toBe(before);
    expect(await state('web01')).toBe('running');
  }, 240_000);

  it('rolls a thin snapshot back', async () => {
    await sh('dd if=/dev/urandom of=/dev/vg1/thin1 bs=1M count=8 oflag=direct status=none');
    const before = await sha('/dev/vg1/thin1');
    await run(await plan('create-snapshot', { vg: 'vg1', origin: 'thin1', name: 'exec_thin_pre' }));
    await sh('dd if=/dev/urandom of=/dev/vg1/thin1 bs=1M count=8 oflag=direct status=none');
    const job = await run(await plan('merge-snapshot', { vg: 'vg1', snapshot: 'exec_thin_pre', mode: 'now' }));
    expect(job.status, `${job.error}\n${job.message}`).toBe('succeeded');
    expect(await sha('/dev/vg1/thin1')).toBe(before);
  }, 180_000);

  it('exports a snapshot as a 0600 image, and refuses a symlink planted at the destination', async () => {
    const dir = '/var/lib/cowherd-exports';
    await sh(`mkdir -p ${dir}; rm -f ${dir}/exec_exp.qcow2 ${dir}/exec_link.qcow2 /root/exec_victim`);
    await run(await plan('create-snapshot', { vg: 'vg0', origin: 'db', name: 'exec_exp', sizeBytes: 8 * 2 ** 20 }));
    try {
      const job = await run(await plan('export-snapshot', { vg: 'vg0', snapshot: 'exec_exp', file: 'exec_exp.qcow2' }));
      expect(job.status, `${job.error}\n${job.message}`).toBe('succeeded');
      // The remote shell's umask is 022 (a 0644 file before); the image holds a whole disk.
      expect((await sh(`stat -c %a ${dir}/exec_exp.qcow2`)).trim()).toBe('600');

      // A dangling symlink passes `test ! -e`; qemu-img would write through it to the link's target.
      await sh(`ln -s /root/exec_victim ${dir}/exec_link.qcow2`);
      const refused = await run(await plan('export-snapshot', { vg: 'vg0', snapshot: 'exec_exp', file: 'exec_link.qcow2' }));
      expect(refused.status).toBe('failed');
      expect(refused.error).toMatch(/exec_link\.qcow2 already exists \(or is a symbolic link\)/);
      expect(refused.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped', 'skipped']);
      expect(await sh('test -e /root/exec_victim && echo written || echo absent')).toMatch(/absent/);
    } finally {
      await sh(`rm -f ${dir}/exec_exp.qcow2 ${dir}/exec_link.qcow2 /root/exec_victim; lvremove -y vg0/exec_exp >/dev/null`);
    }
  }, 240_000);
});
