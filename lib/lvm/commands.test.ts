import { describe, expect, it } from 'vitest';
import { LVS_FIELDS, lvsArgv, pvsArgv, vgsArgv } from './commands';
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
