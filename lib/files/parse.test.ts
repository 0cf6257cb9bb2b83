import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, fsIdOf, parseBlkidExport, parseFindmnt, parseListing, parseLosetupList, parseLsblk, sortEntries, statType, type FileEntry } from './parse';

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseListing (recorded in the lab, see fixtures/README.md)', () => {
  it('reads /etc of the seeded disk: files, a directory and links with their target text', () => {
    const e = parseListing(fixture('etc.listing'));
    const by = Object.fromEntries(e.map((x) => [x.name, x]));
    expect(Object.keys(by).sort()).toEqual(['app', 'escape', 'hostname', 'hosts', 'passwd', 'shadow-link']);
    expect(by.hosts).toEqual({ name: 'hosts', type: 'file', sizeBytes: 44, mode: '644', uid: 0, gid: 0, mtime: '2026-01-02T03:04:05.000Z', target: null });
    expect(by['shadow-link']).toMatchObject({ type: 'link', target: '/etc/shadow' });
    expect(by.escape).toMatchObject({ type: 'link', target: '../../../../../../../../run/cowherd-canary' });
    expect(by.app).toMatchObject({ type: 'dir', target: null });
  });

  it('reads FIFOs, devices and a name with spaces and non-ASCII', () => {
    const e = parseListing(fixture('dev-home.listing'));
    expect(e.map((x) => [x.name, x.type])).toEqual([
      ['fifo0', 'fifo'],
      ['zero0', 'char'],
      ['Café notes ü.txt', 'file'],
    ]);
  });

  it('ignores a truncated tail', () => {
    expect(parseListing('f\u00001\u0000644\u00000\u00000\u00001.5\u0000\u0000a\u0000f\u00002')).toHaveLength(1);
  });
});

describe('statType', () => {
  it.each([
    ['directory', 'dir'],
    ['regular file', 'file'],
    ['regular empty file', 'file'],
    ['symbolic link', 'link'],
    ['fifo', 'fifo'],
    ['character special file', 'char'],
    ['block special file', 'block'],
    ['socket', 'socket'],
    ['weird', 'unknown'],
  ])('%s -> %s', (w, t) => expect(statType(w)).toBe(t));
});

describe('block devices', () => {
  const lsblk = `{"blockdevices": [{"path": "/dev/loop0","type": "loop","size": 100663296},{"path": "/dev/loop0p1","type": "part","size": 41943040},{"path": "/dev/loop0p2","type": "part","size": 57671680}]}`;
  it('reads lsblk (recorded)', () => {
    expect(parseLsblk(lsblk)).toEqual([
      { path: '/dev/loop0', type: 'loop', sizeBytes: 100663296 },
      { path: '/dev/loop0p1', type: 'part', sizeBytes: 41943040 },
      { path: '/dev/loop0p2', type: 'part', sizeBytes: 57671680 },
    ]);
  });
  it('maps devices to ids', () => {
    expect(fsIdOf('/dev/loop0', '/dev/loop0p2')).toBe('p2');
    expect(fsIdOf('/dev/loop0', '/dev/loop0')).toBe('disk');
    expect(fsIdOf('/dev/loop1', '/dev/loop10p1')).toBeNull();
  });
  it('classifies blkid probes (recorded: ext4 and xfs partitions)', () => {
    const ext4 = parseBlkidExport('DEVNAME=/dev/loop0p1\nLABEL=guestroot\nUUID=d3d61161\nTYPE=ext4\nUSAGE=filesystem\n');
    expect(classify('p1', 41943040, ext4)).toEqual({ id: 'p1', type: 'ext4', label: 'guestroot', sizeBytes: 41943040, browsable: true, note: null });
    expect(classify('p2', 1, parseBlkidExport('LABEL=guestdata\nTYPE=xfs\n')).browsable).toBe(true);
    const lvm = classify('p3', 1, { TYPE: 'LVM2_member' });
    expect(lvm.browsable).toBe(false);
    expect(lvm.note).toContain('not supported yet');
    const btrfs = classify('p4', 1, { TYPE: 'btrfs' });
    expect(btrfs.browsable).toBe(false);
    expect(btrfs.note).toContain('not supported');
    expect(classify('p5', 1, {})).toMatchObject({ browsable: false, note: 'no file system found' });
    expect(classify('p6', 1, { TYPE: 'swap' })).toMatchObject({ browsable: false, note: 'swap space' });
  });
  it('reads losetup --json (recorded) and an empty list', () => {
    expect(parseLosetupList('{"loopdevices": [{"name": "/dev/loop0","back-file": "/dev/mapper/vg0-files","ro": true}]}')).toEqual([
      { name: '/dev/loop0', backFile: '/dev/mapper/vg0-files' },
    ]);
    expect(parseLosetupList('')).toEqual([]);
  });
  it('reads findmnt --raw with escapes', () => {
    expect(parseFindmnt('/ rootfs\n/run/cowherd/browse/0123456789abcdef/s-p1 /dev/loop0p1\n/mnt/a\\x20b /dev/sdb1\n')).toEqual([
      { target: '/', source: 'rootfs' },
      { target: '/run/cowherd/browse/0123456789abcdef/s-p1', source: '/dev/loop0p1' },
      { target: '/mnt/a b', source: '/dev/sdb1' },
    ]);
  });
});

describe('sortEntries', () => {
  const e = (name: string, type: FileEntry['type'], sizeBytes: number, mtime: string): FileEntry => ({ name, type, sizeBytes, mode: '644', uid: 0, gid: 0, mtime, target: null });
  const list = [e('b', 'file', 30, '2026-01-03T00:00:00.000Z'), e('a', 'file', 10, '2026-01-01T00:00:00.000Z'), e('z', 'dir', 4096, '2026-01-02T00:00:00.000Z'), e('c', 'link', 5, '2026-01-04T00:00:00.000Z')];
  it.each([
    ['name', false, ['z', 'a', 'b', 'c']],
    ['name', true, ['z', 'c', 'b', 'a']],
    ['size', true, ['z', 'b', 'a', 'c']],
    ['mtime', false, ['z', 'a', 'b', 'c']],
  ] as const)('by %s (descending: %s), directories first', (key, desc, names) => {
    expect(sortEntries(list, key, desc).map((x) => x.name)).toEqual(names);
  });
});
