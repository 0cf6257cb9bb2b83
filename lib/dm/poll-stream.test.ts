import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner } from '@/lib/host/local';
import type { HostRunner, RunOptions } from '@/lib/host/types';
import { DM_POLL_LOOP } from './commands';
import { DmPollStream } from './poll-stream';
import { deviceSetKey, parseDmsetupStatusVerbose } from './status';

// The poll loop run for real by /bin/sh on this machine, with a stand-in for dmsetup (this kernel has no
// device-mapper) that prints output recorded in the lab, counts its runs, and fails or hangs when told to.
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'dmsetup-status-verbose-mixed.txt');
/** `dmsetup status` of the same moment. */
const PLAIN = path.join(import.meta.dirname, 'fixtures', 'dmsetup-status-mixed.txt');
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
echo "$*" >>'${dir}/args'
[ -f '${dir}/hang' ] && sleep 30
[ -f '${dir}/fail' ] && { echo 'device-mapper: failed' >&2; exit 1; }
case "$*" in
  'status -v') cat '${FIXTURE}' ;;
  status) cat '${PLAIN}'; if [ -f '${dir}/extra' ]; then echo 'vg0-new: 0 8192 linear 254:0 2048'; fi ;;
  *) exit 9 ;;
esac
`,
  );
  chmodSync(fake, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  rmSync(path.join(dir, 'hang'), { force: true });
  rmSync(path.join(dir, 'fail'), { force: true });
  rmSync(path.join(dir, 'runs'), { force: true });
  rmSync(path.join(dir, 'args'), { force: true });
  rmSync(path.join(dir, 'extra'), { force: true });
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
      const script = `echo start >>'${starts}'\n${DM_POLL_LOOP.replace('dmsetup status -v', `'${fake}' status -v`).replace('dmsetup status;', `'${fake}' status;`)}`;
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

  it('read: -v first, then plain dmsetup status with the UUIDs it gave, the same device set and figures', async () => {
    const s = new DmPollStream(runner());
    const first = await s.read(10_000);
    const second = await s.read(10_000);
    expect([first.verbose, second.verbose]).toEqual([true, false]);
    expect(readFileSync(path.join(dir, 'args'), 'utf8').split('\n').filter(Boolean)).toEqual(['status -v', 'status']);
    expect(deviceSetKey(second.devices, second.info)).toBe(deviceSetKey(first.devices, first.info));
    expect(second.devices).toEqual(first.devices);
    expect(second.info.find((i) => i.name === 'vg0-my--lv--snap')?.uuid).toMatch(/^LVM-/);
    s.close();
  });

  it('read: a device it has no UUID for, or verbose: true, polls with -v', async () => {
    const s = new DmPollStream(runner());
    await s.read(10_000);
    writeFileSync(path.join(dir, 'extra'), '');
    const r = await s.read(10_000);
    expect(r.verbose).toBe(true);
    expect(await s.read(10_000, { verbose: true })).toMatchObject({ verbose: true });
    expect(readFileSync(path.join(dir, 'args'), 'utf8').split('\n').filter(Boolean)).toEqual(['status -v', 'status', 'status -v', 'status -v']);
    s.close();
  });
});
