import { describe, expect, it } from 'vitest';
import {
  LVS_FIELDS,
  lvchangeActivateArgv,
  lvchangeDeactivateArgv,
  lvchangeRefreshArgv,
  lvconvertMergeArgv,
  lvcreateSnapshotArgv,
  lvcreateThinSnapshotArgv,
  lvextendArgv,
  lvremoveArgv,
  lvsArgv,
  pvsArgv,
  vgsArgv,
} from './commands';
import { lvmFixture } from './fixture';

const REPORT = ['--reportformat', 'json', '--units', 'b', '--nosuffix', '--binary'];

describe('lvm report argv', () => {
  it.each([
    [
      'vgsArgv()',
      vgsArgv(),
      ['vgs', ...REPORT, '-o', 'vg_name,vg_uuid,vg_size,vg_free,vg_extent_size,vg_extent_count,vg_free_count,pv_count,lv_count,snap_count,vg_attr,vg_tags'],
    ],
    ['vgsArgv({ vg })', vgsArgv({ vg: 'vg0' }), ['vgs', ...REPORT, '-o', expect.any(String), 'vg0']],
    [
      'pvsArgv()',
      pvsArgv(),
      ['pvs', ...REPORT, '-o', 'pv_name,vg_name,pv_uuid,pv_fmt,pv_size,pv_free,pv_used,dev_size,pv_attr,pv_pe_count,pv_pe_alloc_count,pv_missing,pv_tags'],
    ],
    [
      'lvsArgv()',
      lvsArgv(),
      ['lvs', '-a', ...REPORT, '--config', 'report/time_format="%Y-%m-%d %T %z"', '-o', LVS_FIELDS.join(',')],
    ],
    ['lvsArgv({ vg })', lvsArgv({ vg: 'vg1' }), ['lvs', '-a', ...REPORT, '--config', expect.any(String), '-o', expect.any(String), 'vg1']],
    ['lvsArgv({ vg, lv })', lvsArgv({ vg: 'vg0', lv: 'web_snap' }), ['lvs', '-a', ...REPORT, '--config', expect.any(String), '-o', expect.any(String), 'vg0/web_snap']],
  ])('%s', (_label, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  it('asks for the fields the brief lists', () => {
    for (const field of ['lv_name', 'vg_name', 'lv_uuid', 'lv_path', 'lv_dm_path', 'lv_attr', 'lv_size', 'origin', 'origin_size', 'pool_lv', 'data_percent', 'snap_percent', 'metadata_percent', 'lv_role', 'lv_merging', 'lv_merge_failed', 'lv_snapshot_invalid', 'lv_active', 'lv_skip_activation', 'lv_time', 'chunk_size', 'lv_device_open']) {
      expect(LVS_FIELDS).toContain(field);
    }
  });

  it('asks for exactly the fields the recorded fixtures have', () => {
    const row = (JSON.parse(lvmFixture('lvs-seed.json')) as { report: { lv: Record<string, string>[] }[] }).report[0]?.lv[0];
    expect(Object.keys(row ?? {})).toEqual([...LVS_FIELDS]);
  });

  it.each([
    [() => vgsArgv({ vg: '-v' }), /invalid VG name/],
    [() => vgsArgv({ vg: 'vg0 vg1' }), /invalid VG name/],
    [() => lvsArgv({ vg: 'vg0', lv: '--all' }), /invalid LV name/],
    [() => lvsArgv({ lv: 'web' }), /needs its VG/],
  ])('refuses a name that is not a valid LVM name (%#)', (build, message) => {
    expect(build).toThrow(message);
  });
});

describe('lvm change argv', () => {
  const MiB = 1024 * 1024;
  it.each([
    ['classic snapshot', lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 'web_pre', sizeBytes: 52 * MiB }), ['lvcreate', '-s', '-L', '52m', '-n', 'web_pre', 'vg0/web']],
    ['classic snapshot, size rounded up to MiB', lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 's', sizeBytes: MiB + 1 }), ['lvcreate', '-s', '-L', '2m', '-n', 's', 'vg0/web']],
    ['classic snapshot with tags', lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 's', sizeBytes: 4 * MiB, tags: ['cowherd', 'policy:daily'] }), ['lvcreate', '-s', '-L', '4m', '-n', 's', '--addtag', 'cowherd', '--addtag', 'policy:daily', 'vg0/web']],
    ['thin snapshot', lvcreateThinSnapshotArgv({ vg: 'vg1', origin: 'thin1', name: 't2' }), ['lvcreate', '-s', '-n', 't2', 'vg1/thin1']],
    ['thin snapshot with a tag', lvcreateThinSnapshotArgv({ vg: 'vg1', origin: 'thin1', name: 't2', tags: ['cowherd'] }), ['lvcreate', '-s', '-n', 't2', '--addtag', 'cowherd', 'vg1/thin1']],
    ['lvextend', lvextendArgv({ vg: 'vg0', lv: 'web_snap', addBytes: 64 * MiB }), ['lvextend', '-L', '+64m', 'vg0/web_snap']],
    ['lvremove', lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }), ['lvremove', '-y', 'vg0/web_snap']],
    ['merge', lvconvertMergeArgv({ vg: 'vg0', snapshot: 'web_snap' }), ['lvconvert', '--merge', 'vg0/web_snap']],
    ['merge with progress', lvconvertMergeArgv({ vg: 'vg0', snapshot: 'web_snap', intervalSeconds: 1 }), ['lvconvert', '--merge', '--interval', '1', 'vg0/web_snap']],
    ['activate', lvchangeActivateArgv({ vg: 'vg1', lv: 'thin1_snap' }), ['lvchange', '-ay', 'vg1/thin1_snap']],
    ['activate a skip-activation LV', lvchangeActivateArgv({ vg: 'vg1', lv: 'thin1_snap', ignoreSkip: true }), ['lvchange', '-ay', '-K', 'vg1/thin1_snap']],
    ['deactivate', lvchangeDeactivateArgv({ vg: 'vg1', lv: 'thin1_snap' }), ['lvchange', '-an', 'vg1/thin1_snap']],
    ['refresh', lvchangeRefreshArgv({ vg: 'vg0', lv: 'web' }), ['lvchange', '--refresh', 'vg0/web']],
    ['names with every allowed character', lvremoveArgv({ vg: 'my-vg.1+x', lv: 'a_b-c.d+e' }), ['lvremove', '-y', 'my-vg.1+x/a_b-c.d+e']],
  ])('%s', (_label, argv, expected) => {
    expect(argv).toEqual(expected);
  });

  // Hostile and invalid input: each must throw before any argv exists.
  const HOSTILE_LV = ['', '-rf', '--yes', 'a b', 'a/b', '../x', 'x;reboot', '$(id)', '`id`', 'a\nb', 'wеb' /* Cyrillic е */, '.', '..', 'snapshot1', 'pvmove0', 'x_tmeta', 'a'.repeat(128)];
  const HOSTILE_VG = ['', '-vg', 'vg 0', 'vg/0', 'vg0;id', '$HOME', '..'];
  const builders: [string, (lv: string, vg: string) => unknown][] = [
    ['lvcreateSnapshotArgv origin', (lv, vg) => lvcreateSnapshotArgv({ vg, origin: lv, name: 'ok', sizeBytes: MiB })],
    ['lvcreateSnapshotArgv name', (lv, vg) => lvcreateSnapshotArgv({ vg, origin: 'ok', name: lv, sizeBytes: MiB })],
    ['lvcreateThinSnapshotArgv name', (lv, vg) => lvcreateThinSnapshotArgv({ vg, origin: 'ok', name: lv })],
    ['lvextendArgv', (lv, vg) => lvextendArgv({ vg, lv, addBytes: MiB })],
    ['lvremoveArgv', (lv, vg) => lvremoveArgv({ vg, lv })],
    ['lvconvertMergeArgv', (lv, vg) => lvconvertMergeArgv({ vg, snapshot: lv })],
    ['lvchangeActivateArgv', (lv, vg) => lvchangeActivateArgv({ vg, lv, ignoreSkip: true })],
    ['lvchangeDeactivateArgv', (lv, vg) => lvchangeDeactivateArgv({ vg, lv })],
    ['lvchangeRefreshArgv', (lv, vg) => lvchangeRefreshArgv({ vg, lv })],
  ];
  it.each(builders.flatMap(([label, build]) => HOSTILE_LV.map((lv) => [label, JSON.stringify(lv), () => build(lv, 'vg0')] as const)))(
    '%s refuses the LV name %s',
    (_label, _shown, build) => {
      expect(build).toThrow(/invalid LV name/);
    },
  );
  it.each(builders.flatMap(([label, build]) => HOSTILE_VG.map((vg) => [label, JSON.stringify(vg), () => build('web', vg)] as const)))(
    '%s refuses the VG name %s',
    (_label, _shown, build) => {
      expect(build).toThrow(/invalid VG name/);
    },
  );

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])('refuses the size %s', (bytes) => {
    expect(() => lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 's', sizeBytes: bytes })).toThrow(/invalid size/);
    expect(() => lvextendArgv({ vg: 'vg0', lv: 's', addBytes: bytes })).toThrow(/invalid size/);
  });

  it.each(['', '-x', 'a b', 'a;b', '$(id)', 't'.repeat(128)])('refuses the tag %j', (tag) => {
    expect(() => lvcreateThinSnapshotArgv({ vg: 'vg1', origin: 'thin1', name: 't', tags: [tag] })).toThrow(/invalid tag/);
  });

  it('refuses a merge interval that is not a positive whole number of seconds', () => {
    expect(() => lvconvertMergeArgv({ vg: 'vg0', snapshot: 's', intervalSeconds: 0 })).toThrow(/invalid interval/);
  });
});
