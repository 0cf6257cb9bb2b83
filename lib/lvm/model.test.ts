import { describe, expect, it } from 'vitest';
import { lvmFixture } from './fixture';
import { buildLvmModel, findLv, snapshotsOf, type InventoryLv, type LvmModel } from './model';
import { parseLvs, parseVgs } from './reports';

function model(state: string, vgState = state): LvmModel {
  return buildLvmModel(parseVgs(lvmFixture(`vgs-${vgState}.json`)), parseLvs(lvmFixture(`lvs-${state}.json`)));
}

function get(m: LvmModel, vg: string, name: string): InventoryLv {
  const lv = findLv(m, vg, name);
  if (!lv) throw new Error(`no ${vg}/${name}`);
  return lv;
}

describe('buildLvmModel on the seed', () => {
  const m = model('seed');

  it('lists the VGs', () => {
    expect(m.vgs).toEqual([
      { name: 'vg0', sizeBytes: 4290772992, freeBytes: 3888119808, extentSizeBytes: 4194304, pvCount: 1, lvCount: 2, snapCount: 0 },
      { name: 'vg1', sizeBytes: 2143289344, freeBytes: 1061158912, extentSizeBytes: 4194304, pvCount: 1, lvCount: 2, snapCount: 0 },
    ]);
  });

  it('gives every LV, hidden ones flagged, names without brackets, sorted', () => {
    expect(m.lvs.map((lv) => [lv.vg, lv.name, lv.kind, lv.hidden])).toEqual([
      ['vg0', 'db', 'plain', false],
      ['vg0', 'web', 'plain', false],
      ['vg1', 'lvol0_pmspare', 'hidden', true],
      ['vg1', 'pool', 'thin-pool', false],
      ['vg1', 'pool_tdata', 'hidden', true],
      ['vg1', 'pool_tmeta', 'hidden', true],
      ['vg1', 'thin1', 'thin-volume', false],
    ]);
  });

  it('reshapes a plain open LV to exactly the InventoryLv fields', () => {
    expect(get(m, 'vg0', 'web')).toStrictEqual({
      vg: 'vg0',
      name: 'web',
      path: '/dev/vg0/web',
      sizeBytes: 268435456,
      attr: '-wi-ao----',
      kind: 'plain',
      origin: null,
      pool: null,
      cowPercent: null,
      active: true,
      open: true,
      merging: false,
      invalid: false,
      mergeFailed: false,
      skipActivation: false,
      createdAt: '2026-11-27T02:53:41.000Z',
      uuid: 'HXJITn-efZ5-Ybvh-srpc-dUKY-Fzzj-JzIs6m',
      hidden: false,
      dataPercent: null,
      metadataPercent: null,
      tags: [],
      chunkSizeBytes: null,
    });
  });

  it('indexes the thin pool with its volume and no snapshots', () => {
    expect(m.volumesByPool).toEqual({ 'vg1/pool': ['thin1'] });
    expect(m.snapshotsByOrigin).toEqual({});
  });
});

// [state, vg, name, expected subset]
const CASES: [string, string, string, Partial<InventoryLv>][] = [
  // classic snapshot, active, 4 MiB written to the origin: cowPercent is the recorded data_percent
  ['snapshots', 'vg0', 'web_snap', { kind: 'snapshot', origin: 'web', cowPercent: 12.57, dataPercent: 12.57, active: true, invalid: false, merging: false, hidden: false, path: '/dev/vg0/web_snap', sizeBytes: 33554432, createdAt: '2026-11-27T03:00:20.000Z', chunkSizeBytes: 4096 }],
  ['snapshots', 'vg0', 'web', { kind: 'origin', origin: null, open: true, cowPercent: null }],
  ['snapshots', 'vg0', 'db', { kind: 'origin', open: false }],
  // invalid (overflowed) snapshot: active, invalid, cowPercent = lvm2's 100 (see model.ts)
  ['snapshots', 'vg0', 'full_snap', { kind: 'snapshot', origin: 'db', invalid: true, active: true, cowPercent: 100, mergeFailed: false }],
  // thin snapshot, inactive, skip-activation
  ['snapshots', 'vg1', 'thin1_snap', { kind: 'thin-snapshot', origin: 'thin1', pool: 'pool', active: false, open: false, skipActivation: true, cowPercent: null, dataPercent: null, attr: 'Vwi---tz-k' }],
  ['snapshots', 'vg1', 'thin1', { kind: 'thin-volume', origin: null, pool: 'pool', dataPercent: 2.34, cowPercent: null }],
  ['snapshots', 'vg1', 'pool', { kind: 'thin-pool', pool: null, path: null, dataPercent: 1.17, cowPercent: null }],
  // thin snapshot activated with -K: still 'k', dataPercent is its share of the pool, no cowPercent
  ['thin-snap-active', 'vg1', 'thin1_snap', { kind: 'thin-snapshot', active: true, skipActivation: true, cowPercent: null, dataPercent: 1.95 }],
  // deferred merge: the hidden [web_pre] is a snapshot, merging, not hidden
  ['merge-deferred', 'vg0', 'web_pre', { kind: 'snapshot', origin: 'web', merging: true, hidden: false, path: null, cowPercent: 6.3, attr: 'Swi-a-s---', active: true }],
  ['merge-deferred', 'vg0', 'web', { kind: 'origin', merging: true, attr: 'Owi-aos---', open: true }],
  ['merge-deferred', 'vg0', 'web_snap', { kind: 'snapshot', merging: false, cowPercent: 18.85 }],
  // origin deactivated: its snapshots are inactive, cowPercent null, invalidity unknowable
  ['origin-inactive', 'vg0', 'db_snap', { kind: 'snapshot', active: false, cowPercent: null, invalid: false }],
  ['origin-inactive', 'vg0', 'full_snap', { kind: 'snapshot', active: false, cowPercent: null, invalid: false }],
  ['origin-inactive', 'vg0', 'db', { kind: 'origin', active: false, open: false }],
  ['origin-inactive', 'vg1', 'pool_tdata', { kind: 'hidden', hidden: true, pool: null, path: null }],
];

describe('buildLvmModel on recorded states', () => {
  it.each(CASES)('%s: %s/%s', (state, vg, name, expected) => {
    expect(get(model(state, state === 'thin-snap-active' || state === 'origin-inactive' ? 'snapshots' : state), vg, name)).toMatchObject(expected);
  });

  it('relates origins to their snapshots (classic and thin)', () => {
    const m = model('merge-deferred');
    expect(m.snapshotsByOrigin).toEqual({ 'vg0/db': ['full_snap'], 'vg0/web': ['web_pre', 'web_snap'], 'vg1/thin1': ['thin1_snap'] });
    expect(m.volumesByPool).toEqual({ 'vg1/pool': ['thin1', 'thin1_snap'] });
    expect(snapshotsOf(m, 'vg0', 'web').map((s) => [s.name, s.merging])).toEqual([
      ['web_pre', true],
      ['web_snap', false],
    ]);
    expect(snapshotsOf(m, 'vg0', 'nothing')).toEqual([]);
  });

  it('lists a merging snapshot among the visible LVs', () => {
    const visible = model('merge-deferred').lvs.filter((lv) => !lv.hidden).map((lv) => `${lv.vg}/${lv.name}`);
    expect(visible).toEqual(['vg0/db', 'vg0/full_snap', 'vg0/web', 'vg0/web_pre', 'vg0/web_snap', 'vg1/pool', 'vg1/thin1', 'vg1/thin1_snap']);
  });

  it('gives the same model from reports taken without --binary', () => {
    for (const state of ['seed', 'snapshots', 'merge-deferred', 'origin-inactive']) {
      const words = buildLvmModel([], parseLvs(lvmFixture(`lvs-${state}-words.json`)));
      const binary = buildLvmModel([], parseLvs(lvmFixture(`lvs-${state}.json`)));
      expect(words).toEqual(binary);
    }
  });
});
