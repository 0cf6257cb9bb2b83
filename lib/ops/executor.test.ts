import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalRunner } from '@/lib/host/local';
import { parseInventory } from '@/lib/inventory/collect';
import { openDb } from '@/lib/store/sqlite';
import { getJob, listAudit, startJob, updateJob } from '@/lib/store/jobs';
import { executePlan, POST_CHECK_READS } from './executor';
import type { Plan, Step } from './types';

// The executor's own logic (cleanups, failures, post-check reads), with real commands run on this machine by the
// local runner (true, false, sh) and the host read from an inventory recorded in the lab (web_snap present).
// executor.lab.test.ts runs real plans on the lab.
const recorded = parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-snapshots.txt'), 'utf8'), 1);

function planOf(steps: Step[]): Plan {
  return {
    operation: 'create-snapshot',
    host: 'lab',
    params: {},
    summary: 'test',
    consequences: [],
    lockKey: `lab:vg${Math.random()}`,
    preflight: [],
    steps,
    postChecks: [{ title: 'lvs lists vg0/web_snap', check: { type: 'lv-present', vg: 'vg0', lv: 'web_snap', origin: 'web' } }],
    destructive: false,
  };
}

async function run(steps: Step[], collect: () => Promise<typeof recorded> = () => Promise.resolve(recorded), fromStep = 0, withOtherHosts = false) {
  const db = openDb(':memory:');
  const plan = planOf(steps);
  const started = startJob(db, plan, 'tester');
  if (!started.ok) throw new Error(started.error);
  if (fromStep > 0) updateJob(db, started.jobId, { message: 'the server restarted during step 2; continuing from what the host shows' });
  const runnerFor = withOtherHosts ? (id: string) => new LocalRunner(id) : undefined;
  await executePlan({ db, runner: new LocalRunner('lab'), runnerFor, collect, username: 'tester', sleep: () => Promise.resolve() }, started.jobId, plan, fromStep);
  const job = getJob(db, started.jobId);
  if (!job) throw new Error('job vanished');
  return { job, audit: listAudit(db, {}) };
}
const sh = (title: string, script: string, extra: Partial<Step> = {}): Step => ({ kind: 'run', title, argv: ['sh', '-c', script], ...extra }) as Step;

describe('executePlan', () => {
  it('runs the steps, audits each command, and succeeds when the re-read host passes the post-checks', async () => {
    const { job, audit } = await run([sh('one', 'echo one'), sh('two', 'echo two >&2')]);
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((s) => [s.status, (s.stdout ?? '').trim(), (s.stderr ?? '').trim()])).toEqual([['succeeded', 'one', ''], ['succeeded', '', 'two']]);
    expect(audit.map((a) => a.argv.join(' '))).toEqual(['sh -c echo two >&2', 'sh -c echo one']);
    expect(job.message).toBe('✓ lvs lists vg0/web_snap: swi-a-s---');
  });

  it('still runs the cleanup of a step that succeeded when a later step fails, and skips the rest', async () => {
    const { job } = await run([
      sh('suspend', 'true'),
      sh('lvcreate', 'echo "Volume group vg0 has insufficient free space" >&2; exit 5'),
      sh('not reached', 'true'),
      sh('resume', 'true', { cleanup: { after: 0 } }),
    ]);
    expect(job.status).toBe('failed');
    expect(job.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped', 'succeeded']);
    expect(job.error).toBe('lvcreate failed (exit 5): Volume group vg0 has insufficient free space');
  });

  it(`re-reads a host that missed a read (up to ${POST_CHECK_READS} reads) before it judges the job`, async () => {
    let reads = 0;
    const flaky = () => (++reads < POST_CHECK_READS ? Promise.reject(new Error('ssh: timed out')) : Promise.resolve(recorded));
    const { job } = await run([sh('one', 'true')], flaky);
    expect(reads).toBe(POST_CHECK_READS);
    expect(job.status).toBe('succeeded');

    const dead = () => Promise.reject(new Error('ssh: timed out'));
    const failed = (await run([sh('one', 'true')], dead)).job;
    expect(failed.status).toBe('failed');
    expect(failed.message).toBe(`✗ could not re-read the host: ssh: timed out (${POST_CHECK_READS} reads failed)`);
  });

  it('keeps the restart note of a resumed job above its checks', async () => {
    const { job } = await run([sh('one', 'true'), sh('two', 'true')], undefined, 1);
    expect(job.message?.split('\n')).toEqual(['the server restarted during step 2; continuing from what the host shows', '✓ lvs lists vg0/web_snap: swi-a-s---']);
  });

  it('streams a pipe step between two hosts, runs a step on the other host, and audits each command under its host', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cowherd-exec-pipe-'));
    const out = path.join(dir, 'copy');
    try {
      const { job, audit } = await run(
        [
          { kind: 'pipe', title: 'copy', role: 'export', from: { host: 'lab', argv: ['head', '-c', '3000000', '/dev/zero'] }, to: { host: 'lab2', argv: ['sh', '-c', 'cat > "$1"', '--', out] }, bytes: 3_000_000 },
          { kind: 'run', title: 'size on lab2', role: 'verify', host: 'lab2', argv: ['stat', '-c', '%s', out] },
        ],
        undefined,
        0,
        true,
      );
      expect(job.status).toBe('succeeded');
      expect(job.steps[0]?.stdout).toMatch(/^3000000 bytes streamed from lab to lab2 in /);
      expect(job.steps[1]?.stdout?.trim()).toBe('3000000');
      expect(audit.map((a) => [a.host, a.argv[0]])).toEqual([
        ['lab2', 'stat'],
        ['lab2', 'sh'],
        ['lab', 'head'],
      ]);
      expect(readFileSync(out).length).toBe(3_000_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails a pipe step with the side that failed, and a step on another host without a way to reach it', async () => {
    const failedPipe = await run(
      [{ kind: 'pipe', title: 'copy', role: 'export', from: { host: 'lab', argv: ['sh', '-c', 'echo "/dev/vg0/x: No such file" >&2; exit 2'] }, to: { host: 'lab2', argv: ['sh', '-c', 'cat > /dev/null'] } }],
      undefined,
      0,
      true,
    );
    expect(failedPipe.job.status).toBe('failed');
    expect(failedPipe.job.error).toBe('copy failed (exit 2): reading on lab: /dev/vg0/x: No such file');
    const noRunner = await run([{ kind: 'run', title: 'elsewhere', role: 'other', host: 'lab2', argv: ['true'] }]);
    expect(noRunner.job.status).toBe('failed');
    expect(noRunner.job.error).toBe('elsewhere failed: this job cannot reach host lab2');
  });

  // Issue 14: a move undoes what it made on the target only when it failed, and never once the guest started there.
  it('runs an onFailure cleanup only after a failure, and skips it once its `unless` step succeeded', async () => {
    const steps = (failAt: 'copy' | 'autostart' | null): Step[] => [
      sh('create target LV', 'true'),
      sh('copy', failAt === 'copy' ? 'exit 3' : 'true'),
      sh('start on target', 'true'),
      sh('disable autostart on source', failAt === 'autostart' ? 'exit 4' : 'true'),
      sh('remove target LV', 'true', { cleanup: { after: 0, onFailure: true, unless: 2 } }),
      sh('restart on source', 'true', { cleanup: { after: 0, onFailure: true, unless: 2 } }),
    ];
    expect((await run(steps(null))).job.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'skipped', 'skipped']);
    expect((await run(steps('copy'))).job.steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped', 'skipped', 'succeeded', 'succeeded']);
    expect((await run(steps('autostart'))).job.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'skipped', 'skipped']);
  });
});
