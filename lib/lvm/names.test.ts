import { describe, expect, it } from 'vitest';
import { LV_FULL_NAME_MAX, RESERVED_LV_SUBSTRINGS, validateLvName, validateVgName } from './names';

const a = (n: number): string => 'a'.repeat(n);

// [name, expected: null when valid, else a substring of the message]
const LV_CASES: [string, string | null][] = [
  ['web_snap', null],
  ['web-pre-2026-11-27', null],
  ['a+b.c-d_e', null],
  ['A', null],
  ['9lives', null],
  ['.hidden', null],
  ['..x', null],
  ['xsnapshot', null], // only the prefix is reserved
  ['a_vpool', null], // accepted by lvm2 2.03.16 (lab)
  ['lvol0', null],
  [a(127), null],
  ['', 'The LV name is empty.'],
  ['web snap', '"web snap" contains a character LVM does not allow (" ")'],
  ['wеb', '"wеb" contains a character LVM does not allow ("е", U+0435)'], // Cyrillic ie
  ['а', '"а" contains a character LVM does not allow ("а", U+0430)'], // Cyrillic a
  ['web\nsnap', '"web\\nsnap" contains a character LVM does not allow ("\\n", U+000A)'],
  ['web\tsnap', 'U+0009'],
  ['$(id)', '"$(id)" contains a character LVM does not allow ("$")'],
  ['`id`', 'does not allow ("`")'],
  ['web;rm', 'does not allow (";")'],
  ['web/snap', 'does not allow ("/")'],
  ["web'snap", `does not allow ("'")`],
  ['snap\u0000', 'U+0000'],
  ['café', 'U+00E9'],
  ['snap😀', 'U+1F600'],
  ['-web', '"-web" starts with "-", which LVM does not allow.'],
  ['-', 'starts with "-"'],
  ['.', '"." is not allowed as a name.'],
  ['..', '".." is not allowed as a name.'],
  [a(128), 'The LV name is 128 characters long; LVM allows at most 127.'],
  ['snapshot', 'starts with "snapshot", which LVM reserves'],
  ['snapshot1', 'starts with "snapshot"'],
  ['pvmove0', 'starts with "pvmove"'],
  ['web_tdata', 'contains "_tdata", which LVM reserves for its internal volumes.'],
  ['x_tmeta_y', 'contains "_tmeta"'],
  ['lvol0_pmspare', 'contains "_pmspare"'],
  ['web_rimage_0', 'contains "_rimage"'],
  ['a_cpool', 'contains "_cpool"'],
  ['a_wcorig', 'contains "_wcorig"'],
  ['a_vorigin', 'contains "_vorigin"'],
];

describe('validateLvName', () => {
  it.each(LV_CASES)('%j', (name, expected) => {
    const message = validateLvName(name);
    if (expected === null) expect(message).toBeNull();
    else expect(message).toContain(expected);
  });

  it.each(RESERVED_LV_SUBSTRINGS.map((s) => [s]))('reserves %s anywhere in the name', (s) => {
    expect(validateLvName(`x${s}y`)).toContain(`contains "${s}"`);
  });

  it('applies the VG/LV length limit of lvcreate when given the VG (measured: vg1 + 121 ok, 122 not)', () => {
    expect(validateLvName(a(121), 'vg1')).toBeNull();
    expect(validateLvName(a(122), 'vg1')).toContain(`at most ${LV_FULL_NAME_MAX}`);
    expect(validateLvName(a(122), 'vg1')).toContain('at most 121 characters in this VG');
    expect(validateLvName(a(122))).toBeNull();
  });
});

const VG_CASES: [string, string | null][] = [
  ['vg0', null],
  ['my-vg', null],
  ['snapshotx', null], // LV rules only (vgrename --test accepted it)
  ['x_tdata', null],
  [a(121), null],
  ['', 'The VG name is empty.'],
  ['-vg', 'starts with "-"'],
  ['.', 'is not allowed'],
  ['..', 'is not allowed'],
  ['my vg', 'does not allow (" ")'],
  ['vg\n0', 'U+000A'],
  ['vgа', 'U+0430'],
  ['$(id)', 'does not allow ("$")'],
  [a(122), 'The VG name is 122 characters long; LVM allows at most 121.'],
  [a(128), 'at most 121'],
];

describe('validateVgName', () => {
  it.each(VG_CASES)('%j', (name, expected) => {
    const message = validateVgName(name);
    if (expected === null) expect(message).toBeNull();
    else expect(message).toContain(expected);
  });
});
