import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LocalRunner } from '@/lib/host/local';
import type { HostRunner, RunOptions } from '@/lib/host/types';
import { splitSections, splitVirshBatch } from './batch';
import { collectFullRead, FullReadStream, INVENTORY_LOOP, inventoryLoopArgv } from './collect';

// The full-read loop run for real by /bin/sh on this machine, with stand-ins for vgs, lvs, dmsetup and virsh (this
// kernel has no device-mapper) that print what was recorded in the lab (fixtures/inventory-seed.txt, dm fixtures)
// and log their arguments. The one-shot script is the reference: the loop must frame the same answer.
const N = 'fe0c0ded1a2b3c4d5e6f708192a3b4c5';
const seed = splitSections(readFileSync(path.join(import.meta.dirname, 'fixtures', 'inventory-seed.txt'), 'utf8'), N).sections;
const batch = splitVirshBatch(seed.get('virsh')!.stdout, N);
const DM = readFileSync(path.join(import.meta.dirname, '../dm/fixtures/dmsetup-status-verbose-mixed.txt'), 'utf8');
const WEB01 = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
const DB01 = 'd0ca08a4-48eb-4ea4-8bdf-349e521f51a8';

let dir: string;
let bin: string;
let tmp: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'inv-loop-'));
  bin = path.join(dir, 'bin');
  tmp = path.join(dir, 'tmp');
  mkdirSync(bin);
  mkdirSync(tmp);
  const data = (name: string, text: string) => writeFileSync(path.join(dir, name), text);
  data('vgs.out', seed.get('vgs')!.stdout);
  data('lvs.out', seed.get('lvs')!.stdout);
  data('dm.out', DM);
  data('domstats.out', batch.get('domstats')!);
  data('uuids.out', batch.get('uuids')!);
  const tool = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\nprintf '%s\\n' "${name} $*" >>'${dir}/log'\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  tool('vgs', `cat '${dir}/vgs.out'`);
  tool('lvs', `cat '${dir}/lvs.out'`);
  tool('dmsetup', `cat '${dir}/dm.out'`);
  // virsh: "-q --connect URI list --all --uuid --name" (separate words), or one batch "cmd; cmd; ..." as the last word.
  tool(
    'virsh',
    `eval "last=\\\${$#}"
case $last in *';'*) ;; *) cat '${dir}/uuids.out'; exit 0;; esac
IFS=';'; set -f
for c in $last; do
  c=\${c#"\${c%%[! ]*}"}
  case $c in
    'echo '*) printf '%s\\n' "\${c#echo }";;
    domstats*) cat '${dir}/domstats.out';;
    list*) cat '${dir}/uuids.out';;
    'dumpxml '*) u=\${c#dumpxml }; printf "<domain><name>gäst-%s</name><channel><target type='virtio' name='org.qemu.guest_agent.0' state='connected'/></channel></domain>\\n" "$u";;
  esac
done`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  rmSync(path.join(dir, 'log'), { force: true });
  // Each test its own TMPDIR: a closed loop removes its files a moment later.
  tmp = path.join(dir, `tmp-${Math.random().toString(16).slice(2)}`);
  mkdirSync(tmp);
});

const log = () => (existsSync(path.join(dir, 'log')) ? readFileSync(path.join(dir, 'log'), 'utf8').split('\n').filter(Boolean) : []);
const starts = () => log().filter((l) => l === 'loop-start').length;

/** A local "ssh" runner: the loop with the stand-ins first on PATH and TMPDIR in the test's directory. */
function runner(onArgv?: (argv: readonly string[]) => void): HostRunner {
  const local = new LocalRunner('test');
  return {
    hostId: 'test',
    transport: 'ssh',
    run: (argv: readonly string[], options?: RunOptions) => {
      onArgv?.(argv);
      const env = `PATH='${bin}':$PATH; TMPDIR='${tmp}'; export PATH TMPDIR; echo loop-start >>'${dir}/log'\n`;
      if (argv[2] === INVENTORY_LOOP) return local.run(['sh', '-c', env + INVENTORY_LOOP, ...argv.slice(3)], options);
      // The one-shot script (the fallback), with the same stand-ins.
      return local.run(['sh', '-c', `PATH='${bin}':$PATH; TMPDIR='${tmp}'; export PATH TMPDIR; echo one-shot >>'${dir}/log'\n${argv[2]}`], options);
    },
  };
}

describe('the full-read loop (real sh, recorded output)', () => {
  it('answers read after read on one loop with the sections of the one-shot script', async () => {
    const r = runner();
    const stream = new FullReadStream(r);
    const first = await collectFullRead('test', r, 10_000, undefined, undefined, stream);
    const again = await collectFullRead('test', r, 10_000, undefined, [WEB01], stream);
    const oneShot = await collectFullRead('test', r, 10_000, undefined, [WEB01]);
    expect(starts()).toBe(1);
    // No dmsetup in a full read: the monitor's baseline is a poll (service.ts).
    expect(log().filter((l) => l.startsWith('dmsetup'))).toEqual([]);
    expect(log().filter((l) => l === 'one-shot')).toHaveLength(1);
    for (const read of [first, again, oneShot]) {
      expect(read.inventory.lvs.map((l) => l.name)).toEqual(oneShot.inventory.lvs.map((l) => l.name));
      expect(read.inventory.domains.map((d) => [d.name, d.uuid, d.state])).toEqual([['web01', WEB01, 'running'], ['db01', DB01, 'shut off']]);
    }
    // The first read lists the domains and reads every one's XML; a later one reads only the UUIDs it was given.
    expect(first.inventory.domains.map((d) => d.agent)).toEqual([true, true]);
    expect(again.inventory.domains.map((d) => d.agent)).toEqual([true, false]);
    expect(again).toEqual({ ...oneShot, inventory: { ...oneShot.inventory, collectedAt: again.inventory.collectedAt, fullReadAt: again.inventory.fullReadAt, durationMs: again.inventory.durationMs } });
    // The section files are made once and kept while the loop runs; they go with it.
    expect(readdirSync(tmp).filter((f) => f.startsWith('cowherd-inv.')).length).toBeGreaterThanOrEqual(24);
    stream.close();
    await expect.poll(() => readdirSync(tmp).filter((f) => f.startsWith('cowherd-inv.')).length, { timeout: 5000 }).toBe(0);
  });

  it('keeps a multi-byte character whole wherever the pipe splits the answer', async () => {
    const stream = new FullReadStream(runner());
    const uuids = Array.from({ length: 400 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const out = await stream.read(N, uuids, 10_000);
    stream.close();
    expect(out).not.toContain('\ufffd');
    expect(out.match(/gäst-/g)).toHaveLength(400);
  });

  it.each([
    ['a request that is not a full read', 'poll'],
    ['a short nonce', `full ${N.slice(0, 30)} first`],
    ['a nonce that is not hex', `full ${N.slice(0, 31)}g first`],
    ['words after first', `full ${N} first ${WEB01}`],
    ['a UUID with shell in it', `full ${N} known ${WEB01} $(touch${'${IFS}'}${dir}/pwned)`],
    ['a UUID with a glob', `full ${N} known *`],
    ['an upper-case UUID', `full ${N} known ${WEB01.toUpperCase()}`],
    ['an unknown mode', `full ${N} all`],
  ])('ends on %s, and runs nothing', async (_what, line) => {
    const local = new LocalRunner('test');
    const r = await local
      .run(['sh', '-c', `PATH='${bin}':$PATH; TMPDIR='${tmp}'; export PATH TMPDIR\n${INVENTORY_LOOP}`, 'sh', 'qemu:///system', N], { input: `${line}\n`, reject: false })
      .catch((e: unknown) => e as { exitCode: number });
    expect(r.exitCode).toBe(2);
    expect(log()).toEqual([]);
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('cowherd-inv.'))).toEqual([]);
  });

  it('refuses to start over a file someone placed at its name, and the read falls back to the one-shot script', async () => {
    const id = 'abcdef0123456789abcdef0123456789';
    writeFileSync(path.join(tmp, `cowherd-inv.${id}.lvs.o`), 'placed');
    const r = runner();
    const local = new LocalRunner('test');
    const direct = await local
      .run(['sh', '-c', `TMPDIR='${tmp}'; export TMPDIR\n${INVENTORY_LOOP}`, 'sh', 'qemu:///system', id], { input: `full ${N} first\n`, reject: false })
      .catch((e: unknown) => e as { exitCode: number; stdout: string });
    expect(direct.exitCode).toBe(3);
    expect(readFileSync(path.join(tmp, `cowherd-inv.${id}.lvs.o`), 'utf8')).toBe('placed');
    rmSync(path.join(tmp, `cowherd-inv.${id}.lvs.o`));
    // Through the stream: a loop that ends without an answer costs one one-shot read, never the read.
    const broken: HostRunner = { ...r, run: (argv, o) => (argv[2] === INVENTORY_LOOP ? r.run([...argv.slice(0, 3), 'sh', 'qemu:///system', 'not-hex'], o) : r.run(argv, o)) };
    const read = await collectFullRead('test', broken, 10_000, undefined, [WEB01], new FullReadStream(broken));
    expect(read.inventory.domains).toHaveLength(2);
    expect(log().filter((l) => l === 'one-shot')).toHaveLength(1);
  });

  it('the argv carries the URI and the id, never a nonce of a read', () => {
    const argv = inventoryLoopArgv('qemu:///system', N);
    expect(argv).toEqual(['sh', '-c', INVENTORY_LOOP, 'sh', 'qemu:///system', N]);
    expect(INVENTORY_LOOP).not.toMatch(/[0-9a-f]{32}/);
  });
});
