import { describe, expect, it } from 'vitest';
import { guestfsFilesystems, guestfsFsId, modeType, parseGuestfishInt, parseGuestfishString, parseGuestfishTable, parseLs0, parseReadlinkList, parseStatns, parseStatnsList, statnsEntry } from './guestfs-parse';

// Outputs in guestfish's documented/generated formats (libguestfs 1.48: fish/run-*.c print_statns_list,
// common/structs/structs-print.c guestfs_int_print_statns_indent, print_table, print_strings). The appliance could
// not be booted in the lab (README: killed after 480 s under nested emulation), so these are written from those
// printers, with the values of the lab's seeded disk (lab/files-seed.sh).
const statns = (indent: string, o: { ino: number; mode: number; size: number; mtime: number; uid?: number }) =>
  [
    ['st_dev', 2049], ['st_ino', o.ino], ['st_mode', o.mode], ['st_nlink', 1], ['st_uid', o.uid ?? 0], ['st_gid', 0], ['st_rdev', 0],
    ['st_size', o.size], ['st_blksize', 4096], ['st_blocks', 8], ['st_atime_sec', 1767323045], ['st_atime_nsec', 0],
    ['st_mtime_sec', o.mtime], ['st_mtime_nsec', 250000000], ['st_ctime_sec', o.mtime], ['st_ctime_nsec', 0],
    ['st_spare1', 0], ['st_spare2', 0], ['st_spare3', 0], ['st_spare4', 0], ['st_spare5', 0], ['st_spare6', 0],
  ]
    .map(([k, v]) => `${indent}${k}: ${v}\n`)
    .join('');

const HOSTS = { ino: 131, mode: 0o100644, size: 43, mtime: 1767323045 };
const LINK = { ino: 140, mode: 0o120777, size: 11, mtime: 1767323045 };
const MISSING = { ino: -1, mode: 0, size: 0, mtime: 0 };

describe('guestfish output parsers', () => {
  it('reads list-filesystems and mountpoints tables', () => {
    expect(parseGuestfishTable('/dev/sda1: ext4\n/dev/sda2: xfs\n/dev/sda3: unknown\n')).toEqual([
      { key: '/dev/sda1', value: 'ext4' },
      { key: '/dev/sda2', value: 'xfs' },
      { key: '/dev/sda3', value: 'unknown' },
    ]);
    expect(parseGuestfishTable('/dev/sda1: /p1\n')).toEqual([{ key: '/dev/sda1', value: '/p1' }]);
    expect(parseGuestfishTable('')).toEqual([]);
  });

  it('reads one lstatns (no indent) and fails on anything else', () => {
    expect(parseStatns(statns('', HOSTS))).toMatchObject({ ino: 131, mode: 0o100644, size: 43, mtimeSec: 1767323045, mtimeNsec: 250000000 });
    expect(parseStatns('')).toBeNull();
    expect(parseStatns('libguestfs: error: lstatns: /p1/nope: No such file or directory\n')).toBeNull();
  });

  it('reads an lstatnslist, one entry per name, missing names as null (st_ino -1)', () => {
    const out = [HOSTS, MISSING, LINK].map((o, i) => `[${i}] = {\n${statns('  ', o)}}\n`).join('');
    const list = parseStatnsList(out, 3);
    expect(list?.map((x) => x?.ino ?? null)).toEqual([131, null, 140]);
    // Anything but exactly one entry per name asked is no answer at all.
    expect(parseStatnsList(out, 2)).toBeNull();
    expect(parseStatnsList('', 1)).toBeNull();
  });

  it.each([
    [0o100644, 'file'], [0o040755, 'dir'], [0o120777, 'link'], [0o020666, 'char'], [0o060660, 'block'], [0o010644, 'fifo'], [0o140777, 'socket'], [0, 'unknown'],
  ] as const)('st_mode %o is a %s', (mode, type) => {
    expect(modeType(mode)).toBe(type);
  });

  it('makes listing entries in the mount backend terms', () => {
    const st = parseStatns(statns('', { ...HOSTS, mode: 0o104755, uid: 1000 }));
    expect(st && statnsEntry('su', st, null)).toEqual({ name: 'su', type: 'file', sizeBytes: 43, mode: '4755', uid: 1000, gid: 0, mtime: '2026-01-02T03:04:05.250Z', target: null });
    const ln = parseStatns(statns('', LINK));
    expect(ln && statnsEntry('shadow-link', ln, '/etc/shadow')).toMatchObject({ type: 'link', mode: '777', target: '/etc/shadow' });
  });

  it('splits ls0 on NUL bytes only (names may hold newlines and spaces)', () => {
    expect(parseLs0('hosts\0Café notes ü.txt\0two\nlines\0')).toEqual(['hosts', 'Café notes ü.txt', 'two\nlines']);
    expect(parseLs0('')).toEqual([]);
  });

  it('reads strings, ints and string lists', () => {
    expect(parseGuestfishString('guestroot\n')).toBe('guestroot');
    expect(parseGuestfishString('\n')).toBe('');
    expect(parseGuestfishString('')).toBeNull();
    expect(parseGuestfishInt('1073741824\n')).toBe(1073741824);
    expect(parseGuestfishInt('')).toBeNull();
    expect(parseReadlinkList('/etc/shadow\n../../../run/cowherd-canary\n', 2)).toEqual(['/etc/shadow', '../../../run/cowherd-canary']);
    // A target with a newline in it: the count no longer matches, so the caller asks one link at a time.
    expect(parseReadlinkList('a\nb\nc\n', 2)).toBeNull();
  });

  it('maps appliance devices to the file system ids of the API', () => {
    expect(guestfsFsId('/dev/sda')).toBe('disk');
    expect(guestfsFsId('/dev/sda12')).toBe('p12');
    expect(guestfsFsId('/dev/sdb1')).toBeNull();
    expect(guestfsFsId('/dev/vg_guest/root')).toBeNull();
  });

  it('lists file systems: partitions by type, guest LVM not browsable', () => {
    const list = parseGuestfishTable('/dev/sda2: xfs\n/dev/sda1: ext4\n/dev/sda3: swap\n/dev/vg_guest/root: ext4\n');
    const fs = guestfsFilesystems(list, new Map([['/dev/sda1', 100], ['/dev/sda2', 200]]), new Map([['/dev/sda1', 'guestroot']]));
    expect(fs.map((f) => [f.id, f.type, f.label, f.sizeBytes, f.browsable])).toEqual([
      ['p1', 'ext4', 'guestroot', 100, true],
      ['p2', 'xfs', null, 200, true],
      ['p3', 'swap', null, 0, false],
      ['vg_guest/root', 'ext4', null, 0, false],
    ]);
    expect(fs[3]?.note).toMatch(/not supported yet/);
  });
});
