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
  const LOG = `${DIR}/s-guestfish.log`;

  it('starts one read-only raw server per side, its stderr into the session log, data as positional parameters', () => {
    expect(cmd.guestfishListen('/dev/vg0/web_snap', LOG)).toEqual([
      'sh', '-c', 'log=$1; shift; exec "$@" </dev/null 2>>"$log"', 'cowherd-guestfish', LOG, 'guestfish', '--listen', '--ro', '--format=raw', '--add', '/dev/vg0/web_snap',
    ]);
    expect(() => cmd.guestfishListen('/etc/passwd; rm', LOG)).toThrow(/refusing/);
    expect(() => cmd.guestfishListen('/dev/vg0/web_snap', '/tmp/log')).toThrow(/refusing/);
  });

  it('reads the server pid', () => {
    expect(cmd.parseGuestfishPid('GUESTFISH_PID=4242; export GUESTFISH_PID\n')).toBe(4242);
    expect(cmd.parseGuestfishPid('nothing')).toBeNull();
  });

  it('launches without "-" (a server that cannot launch ends) and with stdout away from the caller', () => {
    expect(cmd.guestfishRun(77)).toEqual(['sh', '-c', 'exec "$@" >/dev/null', 'cowherd-guestfish', 'guestfish', '--remote=77', '--', 'run']);
    expect(cmd.guestfishExit(77)).toEqual(['guestfish', '--remote=77', '--', 'exit']);
  });

  it.each([
    [{ cmd: 'list-filesystems' }, ['-list-filesystems']],
    [{ cmd: 'vfs-label', device: '/dev/sda1' }, ['-vfs-label', '/dev/sda1']],
    [{ cmd: 'blockdev-getsize64', device: '/dev/sda' }, ['-blockdev-getsize64', '/dev/sda']],
    [{ cmd: 'mkmountpoint', mountpoint: '/p1' }, ['-mkmountpoint', '/p1']],
    [{ cmd: 'mount-ro', device: '/dev/sda1', mountpoint: '/p1' }, ['-mount-ro', '/dev/sda1', '/p1']],
    [{ cmd: 'mountpoints' }, ['-mountpoints']],
    [{ cmd: 'ls0', dir: '/p1/etc' }, ['-ls0', '/p1/etc', '-']],
    [{ cmd: 'lstatns', path: '/p1/etc/my notes' }, ['-lstatns', '/p1/etc/my notes']],
    [{ cmd: 'lstatnslist', dir: '/p1/etc', names: ['hosts', 'passwd'] }, ['-lstatnslist', '/p1/etc', 'hosts passwd']],
    [{ cmd: 'readlink', path: '/p1/etc/shadow-link' }, ['-readlink', '/p1/etc/shadow-link']],
    [{ cmd: 'readlinklist', dir: '/p1/etc', names: ['shadow-link'] }, ['-readlinklist', '/p1/etc', 'shadow-link']],
    [{ cmd: 'download', file: '/p1/etc/hosts' }, ['-download', '/p1/etc/hosts', '-']],
    [{ cmd: 'pread', file: '/p1/etc/hosts', count: 65536 }, ['-pread', '/p1/etc/hosts', '65536', '0']],
    [{ cmd: 'checksum', file: '/p1/etc/hosts' }, ['-checksum', 'sha256', '/p1/etc/hosts']],
    [{ cmd: 'tar-out', dir: '/p1/etc' }, ['-tar-out', '/p1/etc', '-', 'compress:gzip', 'numericowner:true']],
  ] as const)('sends %j as "-cmd" (the server stays up when it fails)', (c, tail) => {
    expect(cmd.guestfishRemote(77, c as cmd.GuestfishCommand)).toEqual(['guestfish', '--remote=77', '--', ...tail]);
  });

  it('never lets a word become a second command, leave the guest tree or break a list argument', () => {
    const bad: cmd.GuestfishCommand[] = [
      { cmd: 'download', file: '/p1/etc/../../x' },
      { cmd: 'download', file: 'etc/hosts' },
      { cmd: 'download', file: ':' },
      { cmd: 'lstatns', path: '/p1/a\0b' },
      { cmd: 'mount-ro', device: '/dev/vg0/web', mountpoint: '/p1' },
      { cmd: 'mount-ro', device: '/dev/sda1', mountpoint: '/' },
      { cmd: 'mkmountpoint', mountpoint: '/etc' },
      // A list of one ":" would be the word ":" itself.
      { cmd: 'lstatnslist', dir: '/p1/etc', names: [':'] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: ['a b'] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: ['a\tb'] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: ["it's"] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: ['back\\slash'] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: ['..'] },
      { cmd: 'lstatnslist', dir: '/p1/etc', names: [] },
      { cmd: 'readlinklist', dir: '/p1/etc', names: Array.from({ length: cmd.GUESTFISH_LIST_MAX + 1 }, (_, i) => `n${i}`) },
      { cmd: 'pread', file: '/p1/x', count: 0 },
    ];
    for (const c of bad) expect(() => cmd.guestfishRemote(77, c), JSON.stringify(c)).toThrow(/refusing/);
    expect(() => cmd.guestfishRemote(0, { cmd: 'mountpoints' })).toThrow(/refusing/);
    expect(() => cmd.guestfishRun(Number.NaN)).toThrow(/refusing/);
  });

  it('names whose list travel is safe', () => {
    expect(['hosts', 'a.b-c_d', 'Café', ':x', '~root'].every(cmd.listSafeName)).toBe(true);
    expect(['', '.', '..', ':', 'a b', 'a\nb', "a'b", 'a\\b', 'a/b'].some(cmd.listSafeName)).toBe(false);
  });

  it('maps file system ids to appliance devices and mount points', () => {
    expect(cmd.applianceDevice('p2')).toEqual({ device: '/dev/sda2', mountpoint: '/p2' });
    expect(cmd.applianceDevice('disk')).toEqual({ device: '/dev/sda', mountpoint: '/disk' });
    expect(() => cmd.applianceDevice('p0')).toThrow(/refusing/);
    expect(() => cmd.applianceDevice('../p1')).toThrow(/refusing/);
  });
});

describe('private mount namespace argv', () => {
  it('starts a holder with unshare --mount --propagation private, its argv positional to a fixed script', () => {
    const argv = cmd.startNamespaceHolder();
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv.slice(3)).toEqual(['cowherd-holder', 'unshare', '--mount', '--propagation', 'private', '--', 'sleep', 'infinity']);
    // The script prints the PID only once the process is in a namespace of its own, and needs nsenter too.
    expect(argv[2]).toContain('readlink /proc/$p/ns/mnt');
    expect(argv[2]).toContain('command -v nsenter');
    expect(cmd.HOLDER_ARGS).toBe('sleep infinity');
  });

  it('runs a command inside the holder namespace', () => {
    expect(cmd.inNamespace(356, cmd.umount(`${DIR}/s-p1`))).toEqual(['nsenter', '--target=356', '--mount', '--', 'umount', `${DIR}/s-p1`]);
    expect(() => cmd.inNamespace(0, ['true'])).toThrow(/refusing/);
    expect(() => cmd.inNamespace(356, [])).toThrow(/refusing/);
  });
});
