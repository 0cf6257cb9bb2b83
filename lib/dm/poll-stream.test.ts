import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner } from '@/lib/host/local';
import type { HostRunner, RunOptions } from '@/lib/host/types';
import { DM_POLL_LOOP } from './commands';
import { DmPollStream } from './poll-stream';
import { parseDmsetupStatusVerbose } from './status';

// The poll loop run for real by /bin/sh on this machine, with a stand-in for dmsetup (this kernel has no
// device-mapper) that prints output recorded in the lab, counts its runs, and fails or hangs when told to.
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'dmsetup-status-verbose-mixed.txt');
let dir: string;
let fake: string;
let starts: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'dm-poll-'));
  fake = path.join(dir, 'dmsetup');
  starts = path.join(dir, 'loop-starts');
  writeFileSync(
    fake,
    `#!/bin/sh
echo run >>'${dir}/runs'
[ -f '${dir}/hang' ] && sleep 30
[ -f '${dir}/fail' ] && { echo 'device-mapper: failed' >&2; exit 1; }
cat '${FIXTURE}'
`,
  );
  chmodSync(fake, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  rmSync(path.join(dir, 'hang'), { force: true });
  rmSync(path.join(dir, 'fail'), { force: true });
  rmSync(path.join(dir, 'runs'), { force: true });
  rmSync(starts, { force: true });
});

/** A local runner that runs the loop with the stand-in dmsetup and records every start of the loop. */
function runner(): HostRunner {
  const local = new LocalRunner('test');
  return {
    hostId: 'test',
    transport: 'ssh',
    run: (argv: readonly string[], options?: RunOptions) => {
      expect(argv.slice(0, 3)).toEqual(['sh', '-c', DM_POLL_LOOP]);
      const script = `echo start >>'${starts}'\n${DM_POLL_LOOP.replace('dmsetup status -v', `'${fake}' status -v`)}`;
      return local.run(['sh', '-c', script, ...argv.slice(3)], options);
    },
  };
}
const count = (f: string) => {
  try {
    return readFileSync(f, 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe('DmPollStream', () => {
  it('answers poll after poll on one loop, each the whole dmsetup output', async () => {
    const s = new DmPollStream(runner());
    const want = parseDmsetupStatusVerbose(readFileSync(FIXTURE, 'utf8'));
    for (let i = 0; i < 5; i++) expect(parseDmsetupStatusVerbose(await s.poll(10_000))).toEqual(want);
    expect(count(path.join(dir, 'runs'))).toBe(5);
    expect(count(starts)).toBe(1);
    s.close();
  });

  it('serialises polls asked for at once', async () => {
    const s = new DmPollStream(runner());
    const outs = await Promise.all([s.poll(10_000), s.poll(10_000), s.poll(10_000)]);
    expect(new Set(outs).size).toBe(1);
    expect(outs[0]).toContain('Name:');
    expect(count(path.join(dir, 'runs'))).toBe(3);
    s.close();
  });

  it('reports a failing dmsetup with its exit status, and the next poll starts a new loop', async () => {
    const s = new DmPollStream(runner());
    await s.poll(10_000);
    writeFileSync(path.join(dir, 'fail'), '');
    await expect(s.poll(10_000)).rejects.toMatchObject({ failure: 'exit', exitCode: 1 });
    rmSync(path.join(dir, 'fail'));
    expect(await s.poll(10_000)).toContain('Name:');
    expect(count(starts)).toBe(2);
    s.close();
  });

  it('gives up on a poll that does not answer in time, and recovers with a new loop', async () => {
    const s = new DmPollStream(runner());
    writeFileSync(path.join(dir, 'hang'), '');
    await expect(s.poll(500)).rejects.toMatchObject({ failure: 'timeout' });
    rmSync(path.join(dir, 'hang'));
    expect(await s.poll(10_000)).toContain('Name:');
    expect(count(starts)).toBe(2);
    s.close();
  });

  it('starts a new loop once the old one reached its age', async () => {
    const s = new DmPollStream(runner(), 200);
    await s.poll(10_000);
    await new Promise((r) => setTimeout(r, 300));
    await s.poll(10_000);
    expect(count(starts)).toBe(2);
    s.close();
  });

  it('after close, the next poll starts a new loop', async () => {
    const s = new DmPollStream(runner());
    await s.poll(10_000);
    s.close();
    expect(await s.poll(10_000)).toContain('Name:');
    expect(count(starts)).toBe(2);
    s.close();
  });
});
