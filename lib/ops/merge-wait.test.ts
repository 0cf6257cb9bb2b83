import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostRunner, RunOptions, RunResult } from '@/lib/host/types';
import { lvchangeRefreshArgv, lvsArgv } from '@/lib/lvm/commands';
import { lvmFixture } from '@/lib/lvm/fixture';
import { getJob, startJob } from '@/lib/store/jobs';
import { openDb } from '@/lib/store/sqlite';
import { executePlan, MERGE_FAILED_RETRIES } from './executor';
import type { Plan } from './types';

// The merge wait reads the host through lvsArgv + parseLvs + the LVM model, on `lvs` output recorded in the lab
// (lib/lvm/fixtures/README.md): lvs-merge-deferred.json has vg0/web_pre merging and hidden ("[web_pre]",
// Swi-a-s---, 6.30 %) while web01 holds vg0/web open (Owi-aos---); lvs-snapshots.json has no web_pre (the merge
// ended). Only the command runner is scripted here: it answers what the lab answered. executor.lab.test.ts runs
// real merges.
const DEFERRED = lvmFixture('lvs-merge-deferred.json');
const ENDED = lvmFixture('lvs-snapshots.json');

/** lvs-merge-deferred.json with some fields of one row changed (as lvs prints them: strings). */
function deferredWith(lv: string, change: Record<string, string>): string {
  const json = JSON.parse(DEFERRED) as { report: { lv: Record<string, string>[] }[] };
  for (const row of json.report[0]?.lv ?? []) if (row.lv_name === lv) Object.assign(row, change);
  return JSON.stringify(json);
}

class ScriptedRunner implements HostRunner {
  readonly hostId = 'lab';
  readonly transport = 'local' as const;
  readonly argvs: string[][] = [];
  constructor(private readonly lvs: () => string) {}
  run(argv: readonly string[], _options?: RunOptions): Promise<RunResult> {
    this.argvs.push([...argv]);
    const stdout = argv[0] === 'lvs' ? this.lvs() : '';
    return Promise.resolve({ exitCode: 0, stdout, stderr: '', durationMs: 1 } satisfies RunResult);
  }
}

function mergePlan(): Plan {
  return {
    operation: 'complete-merge',
    host: 'lab',
    params: {},
    summary: 'test',
    consequences: [],
    lockKey: `lab:vg${Math.random()}`,
    preflight: [],
    steps: [{ kind: 'wait', title: 'Wait for the merge', wait: { type: 'merge-finished', vg: 'vg0', snapshot: 'web_pre', origin: 'web', drive: true }, timeoutMs: 600_000, pollMs: 1000 }],
    postChecks: [],
    destructive: true,
  };
}

async function runWait(runner: ScriptedRunner) {
  const db = openDb(':memory:');
  const plan = mergePlan();
  const started = startJob(db, plan, 'tester');
  if (!started.ok) throw new Error(started.error);
  // Time passes only in the sleeps between polls.
  const sleep = (ms: number) => {
    vi.setSystemTime(Date.now() + ms);
    return Promise.resolve();
  };
  await executePlan({ db, runner, collect: () => Promise.reject(new Error('not read')), username: 'tester', sleep }, started.jobId, plan);
  const job = getJob(db, started.jobId);
  if (!job) throw new Error('job vanished');
  return job;
}

describe('the merge wait', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finds the hidden merging snapshot, waits while the origin is open, and ends when lvs no longer lists it', async () => {
    let reads = 0;
    const runner = new ScriptedRunner(() => (++reads <= 3 ? DEFERRED : ENDED));
    const job = await runWait(runner);
    expect(job.steps[0]?.status).toBe('succeeded');
    // Every read is the typed lvs report of the VG; nothing is driven while web01 holds the origin open.
    expect(runner.argvs).toEqual([lvsArgv({ vg: 'vg0' }), lvsArgv({ vg: 'vg0' }), lvsArgv({ vg: 'vg0' }), lvsArgv({ vg: 'vg0' })]);
  });

  it('drives a merge that stands still on a closed origin with lvchange --refresh of the origin', async () => {
    let reads = 0;
    const closed = deferredWith('web', { lv_attr: 'Owi-a-s---', lv_device_open: '0' });
    const runner = new ScriptedRunner(() => (++reads <= 2 ? closed : ENDED));
    const job = await runWait(runner);
    expect(job.steps[0]?.status).toBe('succeeded');
    const read = lvsArgv({ vg: 'vg0' });
    expect(runner.argvs).toEqual([read, read, lvchangeRefreshArgv({ vg: 'vg0', lv: 'web' }), read]);
  });

  it(`gives up a merge that lvm2 marks as failed after ${MERGE_FAILED_RETRIES} retries, saying what to do`, async () => {
    // The origin is closed and the snapshot's merge failed (attr m): each poll past 3 s drives it again.
    const both = JSON.parse(deferredWith('[web_pre]', { lv_attr: 'Swi-a-m---', lv_merge_failed: '1' })) as { report: { lv: Record<string, string>[] }[] };
    for (const row of both.report[0]?.lv ?? []) if (row.lv_name === 'web') Object.assign(row, { lv_attr: 'Owi-a-s---', lv_device_open: '0' });
    const failing = new ScriptedRunner(() => JSON.stringify(both));
    const job = await runWait(failing);
    expect(job.steps[0]?.status).toBe('failed');
    expect(job.steps[0]?.stderr).toMatch(/lvm2 reports the merge of vg0\/web_pre as failed \(attr Swi-a-m---\) after 3 retries: read the kernel log/);
    expect(failing.argvs.filter((a) => a[0] === 'lvchange')).toHaveLength(MERGE_FAILED_RETRIES);
  });

  it('fails the wait with the parser\'s reason when lvs prints something that is not its report', async () => {
    const job = await runWait(new ScriptedRunner(() => '{"report":[{"lv":[{"lv_name":"web_pre"}]}]}'));
    expect(job.steps[0]?.status).toBe('failed');
    expect(job.steps[0]?.stderr).toMatch(/^cannot read lvs: lvs: row 0 \(lv_name "web_pre"\) is malformed/);
  });
});
