import { readFileSync } from 'node:fs';
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

async function run(steps: Step[], collect: () => Promise<typeof recorded> = () => Promise.resolve(recorded), fromStep = 0) {
  const db = openDb(':memory:');
  const plan = planOf(steps);
  const started = startJob(db, plan, 'tester');
  if (!started.ok) throw new Error(started.error);
  if (fromStep > 0) updateJob(db, started.jobId, { message: 'the server restarted during step 2; continuing from what the host shows' });
  await executePlan({ db, runner: new LocalRunner('lab'), collect, username: 'tester', sleep: () => Promise.resolve() }, started.jobId, plan, fromStep);
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
});
