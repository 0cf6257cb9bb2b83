import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLvs } from '@/lib/lvm/reports';
import { buildLvmModel } from '@/lib/lvm/model';
import {
  deviceSetKey,
  dmMakePercent,
  fillFromDm,
  lvmDisplayPercent,
  lvmDmUuid,
  parseDmsetupInfo,
  parseDmsetupStatus,
  parseDmsetupStatusVerbose,
  snapshotPercent,
  type KnownLv,
} from './status';

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', f), 'utf8');

const status = parseDmsetupStatus(fixture('dmsetup-status-mixed.txt'));
const info = parseDmsetupInfo(fixture('dmsetup-info-mixed.txt'));
const lvs = parseLvs(fixture('lvs-mixed.json'));
const model = buildLvmModel([], lvs);
const known: KnownLv[] = model.lvs.map((lv) => ({ vg: lv.vg, name: lv.name, uuid: lv.uuid, origin: lv.origin, merging: lv.merging }));

describe('dmsetup status parser', () => {
  it('reads every device of the recorded lab, names with doubled dashes included', () => {
    expect(status.map((d) => d.name)).toContain('vg0-my--lv--snap');
    expect(status).toHaveLength(20);
    expect(status.find((d) => d.name === 'vg0-my--lv--snap')?.target).toEqual({
      type: 'snapshot', state: 'valid', usedSectors: 6184, totalSectors: 16384, metadataSectors: 40,
    });
    expect(status.find((d) => d.name === 'vg0-db_lost')?.target).toEqual({ type: 'snapshot', state: 'invalid' });
    expect(status.find((d) => d.name === 'vg1-pool-tpool')?.target).toMatchObject({
      type: 'thin-pool', usedMetadataBlocks: 114, totalMetadataBlocks: 1024, usedDataBlocks: 80, totalDataBlocks: 16384, mode: 'rw',
    });
    expect(status.find((d) => d.name === 'vg1-thin1_s')?.target).toEqual({ type: 'thin', mappedSectors: 0 });
  });

  it.each([
    ['Merge failed', { type: 'snapshot', state: 'merge-failed' }],
    ['Overflow', { type: 'snapshot', state: 'overflow' }],
  ])('reads a snapshot whose status is %s', (text, expected) => {
    expect(parseDmsetupStatus(`vg-s: 0 8 snapshot ${text}\n`)[0]?.target).toEqual(expected);
  });

  it('sums the targets of a multi-segment device and keeps their types', () => {
    const [d] = parseDmsetupStatus('vg-lv: 0 2048 linear \nvg-lv: 2048 4096 linear \n');
    expect(d).toMatchObject({ lengthSectors: 6144, targetTypes: ['linear', 'linear'] });
  });

  it('reads "No devices found" as none, and refuses garbage', () => {
    expect(parseDmsetupStatus('No devices found\n')).toEqual([]);
    // A device without a live table (recorded in the lab after `dmsetup create --notable cowherdtest`): "NAME: ".
    expect(parseDmsetupStatus('cowherdtest: \nvg-lv: 0 2048 linear \n').map((d) => d.name)).toEqual(['vg-lv']);
    expect(() => parseDmsetupStatus('vg-s: 0 8 snapshot 12/abc 4\n')).toThrow(/used\/total/);
    expect(() => parseDmsetupStatus('not a status line\n')).toThrow(/cannot read/);
  });

  it('maps lvm2 dm UUIDs to LV UUIDs and layers', () => {
    expect(lvmDmUuid('LVM-Xf4D47SR6pnRIVoj0vijtmvtY90Yj5D7knpvtSwkdasaULf32qKywuzWZiR3FgIJ')).toEqual({
      lvUuid: 'knpvtSwkdasaULf32qKywuzWZiR3FgIJ', layer: null,
    });
    expect(lvmDmUuid('LVM-4VcstN0ABH8vVc9UlQH1ToZiPd1iEZiCmUpeeQkrDBYzsbezzREJ0FSu1OCp2sQ1-tpool')?.layer).toBe('tpool');
    expect(lvmDmUuid('CRYPT-LUKS2-abc')).toBeNull();
  });
});

describe('figures equal what lvs printed at the same moment', () => {
  const fill = fillFromDm(status, info, known);

  it.each(
    model.lvs
      .filter((lv) => ['snapshot', 'thin-pool', 'thin-volume', 'thin-snapshot'].includes(lv.kind))
      .map((lv) => [`${lv.vg}/${lv.name}`, lv] as const),
  )('%s', (key, lv) => {
    const f = fill.get(key);
    expect(f).toBeDefined();
    if (f?.kind === 'snapshot') {
      expect(f.state === 'invalid').toBe(lv.invalid);
      expect(f.merging).toBe(lv.merging);
      // lvs prints 100.00 for an invalid snapshot; dm only says "Invalid".
      expect(f.percent).toBe(lv.invalid ? null : lv.dataPercent);
    } else if (f?.kind === 'thin-pool') {
      const r = lvs.find((x) => x.vg === lv.vg && x.name === lv.name);
      expect(f.dataPercent).toBe(r?.dataPercent);
      expect(f.metadataPercent).toBe(r?.metadataPercent);
    } else if (f?.kind === 'thin-volume') {
      expect(f.percent).toBe(lv.dataPercent);
    }
  });

  it('covers the states that matter: valid, metadata-only, invalid, merge deferred, thin pool and volumes', () => {
    expect(fill.get('vg0/my-lv-snap')).toMatchObject({ state: 'valid', percent: 37.74 });
    expect(fill.get('vg0/web_keep')).toMatchObject({ state: 'valid', percent: 0 });
    expect(fill.get('vg0/db_lost')).toMatchObject({ state: 'invalid' });
    expect(fill.get('vg0/web_pre')).toMatchObject({ state: 'valid', percent: 6.3, merging: true });
    expect(fill.get('vg1/pool')).toMatchObject({ dataPercent: 0.49, metadataPercent: 11.13 });
    expect(fill.get('vg1/thin1')).toMatchObject({ percent: 0.98 });
    expect(fill.size).toBe(7);
  });

  it('gives a running merge (reported on the origin device) to the merging snapshot', () => {
    // Hand-written from the kernel's format: during the merge the origin's table is snapshot-merge.
    const merging = parseDmsetupStatus('vg0-web: 0 524288 snapshot-merge 2048/65536 32\n');
    const f = fillFromDm(merging, info, known);
    // 2048/65536 is exactly 3.125: glibc's printf rounds the tie to even, so lvs prints 3.12.
    expect(f.get('vg0/web_pre')).toMatchObject({ state: 'valid', percent: 3.12, merging: true });
  });
});

describe("lvm2's percent rounding", () => {
  it.each([
    [0, 100, 0],
    [1, 1_000_000, 0.01], // above 0 never prints 0.00
    [999_999, 1_000_000, 99.99], // below 100 never prints 100.00
    [100, 100, 100],
    [6184, 16384, 37.74],
    [80, 16384, 0.49],
    [10240, 1048576, 0.98],
    [1, 3, 33.33],
  ])('%i/%i -> %f', (n, d, expected) => {
    expect(lvmDisplayPercent(dmMakePercent(n, d))).toBe(expected);
  });

  it('a COW area that holds only its metadata is 0, as lvs says', () => {
    expect(snapshotPercent({ type: 'snapshot', state: 'valid', usedSectors: 16, totalSectors: 65536, metadataSectors: 16 })).toBe(0);
  });
});

describe('dmsetup status -v (one process for names, UUIDs and status)', () => {
  const verbose = parseDmsetupStatusVerbose(fixture('dmsetup-status-verbose-mixed.txt'));

  it('gives the same devices as dmsetup status and the same UUIDs as dmsetup info', () => {
    expect(verbose.devices).toEqual(status);
    expect(verbose.info.map(({ name, uuid }) => ({ name, uuid }))).toEqual(info);
    expect(deviceSetKey(verbose.devices, verbose.info)).toBe(deviceSetKey(status, info));
  });

  it('reads state and open count (web is held open by the running web01)', () => {
    expect(verbose.info.find((i) => i.name === 'vg0-web')).toMatchObject({ state: 'ACTIVE', openCount: 1 });
  });

  it('takes a device with no live table (no status lines) and refuses a stray status line', () => {
    const r = parseDmsetupStatusVerbose('Name:              x\nState:             ACTIVE\nTables present:    None\n\n');
    expect(r).toEqual({ devices: [], info: [{ name: 'x', uuid: '', state: 'ACTIVE' }] });
    expect(() => parseDmsetupStatusVerbose('0 8 linear \n')).toThrow(/before any device/);
  });
});

describe('device set fingerprint', () => {
  it('changes when a device appears, vanishes or its table grows, not when only the fill moves', () => {
    const base = deviceSetKey(status, info);
    const filled = parseDmsetupStatus(fixture('dmsetup-status-mixed.txt').replace('6184/16384', '8000/16384'));
    expect(deviceSetKey(filled, info)).toBe(base);
    const grown = parseDmsetupStatus(fixture('dmsetup-status-mixed.txt').replace('vg0-my--lv--snap-cow: 0 16384', 'vg0-my--lv--snap-cow: 0 32768'));
    expect(deviceSetKey(grown, info)).not.toBe(base);
    expect(deviceSetKey(status.slice(1), info)).not.toBe(base);
  });
});
