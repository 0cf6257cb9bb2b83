import { describe, expect, it } from 'vitest';
import * as cmd from './commands';

const SID = '0123456789abcdef';
const DIR = `${cmd.BROWSE_ROOT}/${SID}`;

describe('mount backend argv', () => {
  it('attaches read-only with partition scan, and detaches only loop devices', () => {
    expect(cmd.losetupAttach('/dev/vg0/web_snap')).toEqual(['losetup', '--find', '--show', '--read-only', '--partscan', '/dev/vg0/web_snap']);
    expect(cmd.losetupDetach('/dev/loop3')).toEqual(['losetup', '--detach', '/dev/loop3']);
    expect(() => cmd.losetupAttach('/etc/shadow')).toThrow(/refusing/);
    expect(() => cmd.losetupAttach('/dev/vg0/../sda')).toThrow(/refusing/);
    expect(() => cmd.losetupDetach('/dev/sda')).toThrow(/refusing/);
    expect(() => cmd.losetupDetach('/dev/loop3p1')).toThrow(/refusing/);
  });

  it.each([
    ['ext4', 'ro,nodev,nosuid,noexec,noload'],
    ['ext3', 'ro,nodev,nosuid,noexec,noload'],
    ['ext2', 'ro,nodev,nosuid,noexec,noload'],
    ['xfs', 'ro,nodev,nosuid,noexec,norecovery,nouuid'],
  ] as const)('mounts %s with an explicit type and %s', (type, opts) => {
    expect(cmd.mountReadOnly(type, '/dev/loop3p1', `${DIR}/s-p1`)).toEqual(['mount', '-t', type, '-o', opts, '/dev/loop3p1', `${DIR}/s-p1`]);
  });

  it('never mounts an unknown type, a foreign device or outside the browse root', () => {
    expect(() => cmd.mountReadOnly('btrfs' as cmd.MountableType, '/dev/loop3p1', `${DIR}/s-p1`)).toThrow(/refusing/);
    expect(() => cmd.mountReadOnly('ext4', '/dev/sda1', `${DIR}/s-p1`)).toThrow(/refusing/);
    expect(() => cmd.mountReadOnly('ext4', '/dev/loop3p1', '/mnt')).toThrow(/refusing/);
    expect(() => cmd.mountReadOnly('ext4', '/dev/loop3p1', `${DIR}/../../../etc`)).toThrow(/refusing/);
    expect(() => cmd.umount('/')).toThrow(/refusing/);
    expect(() => cmd.rmdirs(['/run/cowherd'])).toThrow(/refusing/);
  });

  it('names session directories only from a 16-hex id and a plain entry name', () => {
    expect(cmd.browseDir(SID)).toBe(DIR);
    expect(cmd.browseDir(SID, 'L-loop3')).toBe(`${DIR}/L-loop3`);
    expect(() => cmd.browseDir('../x')).toThrow(/refusing/);
    expect(() => cmd.browseDir(SID, '../x')).toThrow(/refusing/);
    expect(() => cmd.browseDir(SID, 'a/b')).toThrow(/refusing/);
  });

  it('lists without following links and reads after --', () => {
    expect(cmd.listDirectory(`${DIR}/s-p1/etc`)).toEqual(['find', '-P', `${DIR}/s-p1/etc`, '-mindepth', '1', '-maxdepth', '1', '-printf', cmd.LIST_FORMAT]);
    expect(cmd.lstatTypes([`${DIR}/s-p1/etc`, `${DIR}/s-p1/etc/-rf`])).toEqual(['stat', '--format=%F', '--', `${DIR}/s-p1/etc`, `${DIR}/s-p1/etc/-rf`]);
    expect(cmd.lstatTypes([`${DIR}/a`])).not.toContain('-L');
    expect(cmd.readFile(`${DIR}/s-p1/etc/hosts`)).toEqual(['cat', '--', `${DIR}/s-p1/etc/hosts`]);
    expect(cmd.readHead(`${DIR}/s-p1/x`, 65536)).toEqual(['head', '--bytes=65536', '--', `${DIR}/s-p1/x`]);
    expect(() => cmd.readFile('/etc/shadow')).toThrow(/refusing/);
  });

  it('archives relative to the mount point, links as links, holes as holes', () => {
    const argv = cmd.tarGz(`${DIR}/s-p1`, 'etc');
    expect(argv).toEqual(['tar', '--create', '--gzip', '--file=-', '--sparse', '--one-file-system', '--numeric-owner', '--directory', `${DIR}/s-p1`, '--', 'etc']);
    expect(argv).not.toContain('--dereference');
    expect(argv).not.toContain('-h');
    expect(() => cmd.tarGz(`${DIR}/s-p1`, '../etc')).toThrow(/refusing/);
    expect(() => cmd.tarGz(`${DIR}/s-p1`, '/etc')).toThrow(/refusing/);
  });

  it('diffs with the labels the user sees', () => {
    expect(cmd.diffFiles(`${DIR}/s-p1/a`, `${DIR}/o-p1/a`, 'snapshot:/a', 'origin:/a')).toEqual([
      'diff', '--unified', '--label', 'snapshot:/a', '--label', 'origin:/a', '--', `${DIR}/s-p1/a`, `${DIR}/o-p1/a`,
    ]);
  });
});

describe('libguestfs backend argv', () => {
  it('starts one read-only raw handle per session', () => {
    expect(cmd.guestfishListen('/dev/vg0/web_snap')).toEqual(['guestfish', '--listen', '--ro', '--format=raw', '--add', '/dev/vg0/web_snap']);
    expect(() => cmd.guestfishListen('/etc/passwd; rm')).toThrow(/refusing/);
  });

  it('reads the server pid', () => {
    expect(cmd.parseGuestfishPid('GUESTFISH_PID=4242; export GUESTFISH_PID\n')).toBe(4242);
    expect(cmd.parseGuestfishPid('nothing')).toBeNull();
  });

  it.each([
    [{ cmd: 'run' }, ['run']],
    [{ cmd: 'list-filesystems' }, ['list-filesystems']],
    [{ cmd: 'mount-ro', device: '/dev/sda1' }, ['mount-ro', '/dev/sda1', '/']],
    [{ cmd: 'ls', dir: '/etc' }, ['ls', '/etc']],
    [{ cmd: 'lstatnslist', dir: '/etc', names: ['hosts', 'passwd'] }, ['lstatnslist', '/etc', 'hosts passwd']],
    [{ cmd: 'download', file: '/etc/hosts' }, ['download', '/etc/hosts', '-']],
    [{ cmd: 'tgz-out', dir: '/etc' }, ['tgz-out', '/etc', '-']],
  ] as const)('sends %j to the handle', (c, tail) => {
    expect(cmd.guestfishRemote(77, c as cmd.GuestfishCommand)).toEqual(['guestfish', '--remote=77', '--', ...tail]);
  });

  it('refuses escapes and unsplittable names', () => {
    expect(() => cmd.guestfishRemote(77, { cmd: 'download', file: '/etc/../../x' })).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(77, { cmd: 'download', file: 'etc/hosts' })).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(77, { cmd: 'mount-ro', device: '/dev/vg0/web' })).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(77, { cmd: 'lstatnslist', dir: '/etc', names: ['a b'] })).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(77, { cmd: 'lstatnslist', dir: '/etc', names: ['..'] })).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(0, { cmd: 'run' })).toThrow(/refusing/);
  });
});
