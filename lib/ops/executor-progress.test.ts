import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it, vi } from 'vitest';
import { LocalRunner } from '@/lib/host/local';
import { parseInventory } from '@/lib/inventory/collect';
import * as jobs from '@/lib/store/jobs';
import { openDb } from '@/lib/store/sqlite';
import { executePlan } from './executor';
import type { Plan, Step } from './types';

// Issue 14: a move or copy of several disks shows the whole copy (bytes of all disks, throughput, ETA) besides each
// disk's own progress, and says at the end how long the whole copy took. Real streams between two "hosts" that are
// this machine (the local runner); every message the executor writes to the job is recorded.
const messages: string[] = [];
vi.mock('@/lib/store/jobs', async (importOriginal) => {
  const real = await importOriginal<typeof jobs>();
  return {
    ...real,
    updateJob: (...args: Parameters<typeof real.updateJob>) => {
      if (args[2].message) messages.push(args[2].message);
      return real.updateJob(...args);
    },
  };
});

const recorded = parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-snapshots.txt'), 'utf8'), 1);
const MiB = 1024 * 1024;
const copy = (disk: string, mib: number): Step => ({
  kind: 'pipe',
  role: 'copy',
  title: `Copy ${disk}`,
  // Two halves with a pause between: the executor reports progress while the stream runs.
  from: { host: 'lab', argv: ['sh', '-c', `head -c ${(mib * MiB) / 2} /dev/zero; sleep 0.2; head -c ${(mib * MiB) / 2} /dev/zero`] },
  to: { host: 'lab2', argv: ['sh', '-c', 'cat > /dev/null'] },
  bytes: mib * MiB,
});

async function run(steps: Step[]) {
  messages.length = 0;
  const db = openDb(':memory:');
  const plan: Plan = { operation: 'move-guest', host: 'lab', params: {}, summary: 't', consequences: [], lockKey: 'lab:vg0', preflight: [], steps, postChecks: [], destructive: true };
  const started = jobs.startJob(db, plan, 'tester');
  if (!started.ok) throw new Error(started.error);
  await executePlan({ db, runner: new LocalRunner('lab'), runnerFor: (id) => new LocalRunner(id), collect: () => Promise.resolve(recorded), username: 'tester', sleep: () => Promise.resolve() }, started.jobId, plan);
  return jobs.getJob(db, started.jobId)!;
}

it('shows the total of every disk while each one is copied, and the whole copy at the end', async () => {
  const job = await run([copy('vda', 4), { kind: 'run', role: 'verify', title: 'Verify vda', argv: ['true'] }, copy('vdb', 2)]);
  expect(job.status).toBe('succeeded');
  const during = messages.filter((m) => m.startsWith('Copy '));
  // Each disk's own figures, then the whole: 6 MiB over both disks.
  expect(during.some((m) => /^Copy vda: [\d.]+% \(\d+ of 4 MiB, [\d.]+ MiB\/s(, \d+ s left)?\); all 2 disks \(\d+ of 6 MiB, [\d.]+ MiB\/s(, \d+ s left)?\)$/.test(m))).toBe(true);
  // While vdb is copied, vda's 4 MiB are done already.
  const vdb = during.filter((m) => m.startsWith('Copy vdb'));
  expect(vdb.length).toBeGreaterThan(0);
  expect(vdb.every((m) => Number(/all 2 disks \((\d+) of 6 MiB/.exec(m)?.[1]) >= 4)).toBe(true);
  expect(job.message).toMatch(/^All 2 disks: 6 MiB copied in [\d.]+ s \([\d.]+ MiB\/s\)$/m);
});

it('keeps a single disk\'s progress as it was: no total beside it', async () => {
  const job = await run([copy('vda', 2)]);
  expect(job.status).toBe('succeeded');
  expect(messages.filter((m) => m.startsWith('Copy vda')).every((m) => !m.includes('all '))).toBe(true);
  expect(job.message ?? '').not.toContain('All ');
});
