import { describe, expect, it } from 'vitest';
import { labHelperRunner, labRunner } from '@/lib/test/lab';
import { collectFullRead } from '@/lib/inventory/collect';
import { applyFill, knownLvs } from './apply';
import { dmStatusArgv } from './commands';
import { DmPollStream } from './poll-stream';
import { deviceSetKey, fillFromDm, parseDmsetupStatusVerbose } from './status';

// Against the real lab (npm run lab:up): the full read carries device-mapper's view of the same moment, and a poll
// right after it finds the same device set and the figures lvs printed.
describe('device-mapper fast path on the lab', () => {
  const r = labRunner();

  it("a poll right after a full read has a figure for every active snapshot and thin LV lvs listed", async () => {
    const full = await collectFullRead('lab', r);
    const poll = parseDmsetupStatusVerbose((await r.run(dmStatusArgv())).stdout);
    const snapshotsAndThin = full.inventory.lvs.filter((lv) => lv.active && ['snapshot', 'thin-pool', 'thin-volume', 'thin-snapshot'].includes(lv.kind));
    const fill = fillFromDm(poll.devices, poll.info, knownLvs(full.inventory));
    for (const lv of snapshotsAndThin) expect(fill.has(`${lv.vg}/${lv.name}`), `${lv.vg}/${lv.name}`).toBe(true);
    const polled = applyFill(full.inventory, fill, 'now');
    // Nothing writes in the lab during this test except possibly an idle guest: the device set is stable.
    expect(polled.lvs.map((l) => [l.vg, l.name, l.kind])).toEqual(full.inventory.lvs.map((l) => [l.vg, l.name, l.kind]));
  });

  it('the poll loop through the host helper answers as the one-shot command does, on one process', async () => {
    const stream = new DmPollStream(labHelperRunner());
    try {
      const once = parseDmsetupStatusVerbose((await r.run(dmStatusArgv())).stdout);
      for (let i = 0; i < 3; i++) {
        const p = parseDmsetupStatusVerbose(await stream.poll(60_000));
        expect(deviceSetKey(p.devices, p.info)).toBe(deviceSetKey(once.devices, once.info));
      }
      // read(): -v once, then plain `dmsetup status` with those UUIDs: the same device set.
      const v = await stream.read(60_000);
      const plain = await stream.read(60_000);
      expect([v.verbose, plain.verbose]).toEqual([true, false]);
      expect(deviceSetKey(plain.devices, plain.info)).toBe(deviceSetKey(once.devices, once.info));
      // One loop on the host for this stream, started by the helper (sh -c with the loop's script).
      const ps = (await r.run(['sh', '-c', "ps -eo args | grep -c '^sh -c n=.1' || true"])).stdout.trim();
      expect(Number(ps)).toBeGreaterThanOrEqual(1);
    } finally {
      stream.close();
    }
  });

  it('a new LV changes the device set; its removal restores it', async () => {
    const before = parseDmsetupStatusVerbose((await r.run(dmStatusArgv())).stdout);
    const name = `dmprobe${process.pid}`;
    await r.run(['lvcreate', '-q', '-L', '4m', '-n', name, 'vg0']);
    try {
      const during = parseDmsetupStatusVerbose((await r.run(dmStatusArgv())).stdout);
      expect(deviceSetKey(during.devices, during.info)).not.toBe(deviceSetKey(before.devices, before.info));
      expect(during.info.map((i) => i.name)).toContain(`vg0-${name}`);
    } finally {
      await r.run(['lvremove', '-q', '-y', `vg0/${name}`]);
    }
    const after = parseDmsetupStatusVerbose((await r.run(dmStatusArgv())).stdout);
    expect(deviceSetKey(after.devices, after.info)).toBe(deviceSetKey(before.devices, before.info));
  });
});
