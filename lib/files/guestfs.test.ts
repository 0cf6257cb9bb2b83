import { beforeEach, describe, expect, it, vi } from 'vitest';

// Command construction of the libguestfs backend, driven through the public browse API (lib/files/browse.ts) with a
// recording HostRunner that answers with outputs in guestfish's printed formats (see guestfs-parse.test.ts). The
// appliance cannot boot in the lab (README: killed after 480 s under nested emulation), and issue 13 allows this
// unit test of command construction for that case. What it pins: the exact argv sequence, one server per side,
// every remote command sent as "-cmd", every component lstat'ed before anything is read, nothing read through a link.

const HOST = { id: 'kvm1', name: 'KVM 1', ssh: { host: 'kvm1' }, fileBrowse: 'libguestfs', fileBrowseRole: 'operator' };
vi.mock('@/lib/config/hosts', () => ({ findHost: (id: string) => (id === 'kvm1' ? HOST : undefined), config: () => ({ hosts: [HOST] }) }));
vi.mock('@/lib/env', () => ({ env: () => ({ COWHERD_BROWSE_IDLE_S: 600, COWHERD_COMMAND_TIMEOUT_S: 60 }) }));
vi.mock('./volume', () => ({ browsableVolume: () => Promise.resolve({ ok: true, path: '/dev/vg0/web_snap', origin: 'web' }) }));

const calls: string[][] = [];
const raw: string[][] = [];
const streamed: string[][] = [];
type Answer = { stdout?: string; exitCode?: number };
let answer: (argv: string[]) => Answer = () => ({});

const norm = (argv: readonly string[]) => argv.map((a) => a.replace(/[a-f0-9]{16}/g, 'SID'));
vi.mock('@/lib/host', () => ({
  runnerFor: () => ({
    hostId: 'kvm1',
    transport: 'ssh',
    run: (argv: string[], o?: { reject?: boolean }) => {
      const a = norm(argv);
      calls.push(a);
      raw.push(argv);
      const r = answer(a);
      const res = { stdout: r.stdout ?? '', stderr: '', exitCode: r.exitCode ?? 0, durationMs: 1 };
      if (res.exitCode !== 0 && o?.reject !== false) return Promise.reject(new Error(`${a.join(' ')}: exit ${res.exitCode}`));
      return Promise.resolve(res);
    },
  }),
}));
vi.mock('./stream', () => ({
  streamCommand: (_h: unknown, argv: string[]) => {
    streamed.push(norm(argv));
    return { body: new ReadableStream(), done: Promise.resolve({ exitCode: 0, stderr: '' }) };
  },
}));

const browse = await import('./browse');

const statns = (indent: string, mode: number, size: number) =>
  `${indent}st_dev: 2049\n${indent}st_ino: 12\n${indent}st_mode: ${mode}\n${indent}st_nlink: 1\n${indent}st_uid: 0\n${indent}st_gid: 0\n${indent}st_rdev: 0\n${indent}st_size: ${size}\n${indent}st_blksize: 4096\n${indent}st_blocks: 8\n${indent}st_atime_sec: 0\n${indent}st_atime_nsec: 0\n${indent}st_mtime_sec: 1767323045\n${indent}st_mtime_nsec: 0\n${indent}st_ctime_sec: 0\n${indent}st_ctime_nsec: 0\n`;
const list = (...items: string[]) => items.map((s, i) => `[${i}] = {\n${s}}\n`).join('');
const DIR = 0o40755;
const FILE = 0o100644;
const LINK = 0o120777;

const SNAP = ['guestfish', '--remote=4242', '--'];
const ORIG = ['guestfish', '--remote=4343', '--'];
const LOG = '/run/cowherd/browse/SID/s-guestfish.log';
const OLOG = '/run/cowherd/browse/SID/o-guestfish.log';

/** The appliance's answers, by the command line: a small /etc with a link and a name with a space. */
function appliance(argv: string[]): Answer {
  if (argv[0] === 'sh' && argv.includes('--listen')) return { stdout: `GUESTFISH_PID=${argv.includes('/dev/vg0/web') ? 4343 : 4242}; export GUESTFISH_PID\n` };
  const [, remote, , c, ...args] = argv;
  if (argv[0] !== 'guestfish' || !remote?.startsWith('--remote=')) return {};
  const origin = remote === '--remote=4343';
  switch (c) {
    case '-list-filesystems':
      return { stdout: '/dev/sda1: ext4\n/dev/sda2: swap\n' };
    case '-blockdev-getsize64':
      return { stdout: args[0] === '/dev/sda1' ? '1073741824\n' : '536870912\n' };
    case '-vfs-label':
      return { stdout: args[0] === '/dev/sda1' ? 'guestroot\n' : '\n' };
    case '-mountpoints':
      return { stdout: '/dev/sda1: /p1\n' };
    case '-lstatns': {
      const p = args[0] ?? '';
      if (p === '/p1/etc') return { stdout: statns('', DIR, 4096) };
      if (p === '/p1/etc/hosts') return { stdout: statns('', FILE, origin ? 80 : 43) };
      if (p === '/p1/etc/shadow-link') return { stdout: statns('', LINK, 11) };
      if (p === '/p1/etc/my notes') return { stdout: statns('', FILE, 5) };
      return {};
    }
    case '-ls0':
      return { stdout: 'hosts\0shadow-link\0my notes\0' };
    case '-lstatnslist':
      return { stdout: list(statns('  ', FILE, 43), statns('  ', LINK, 11)) };
    case '-readlinklist':
      return { stdout: '/etc/shadow\n' };
    case '-checksum':
      return { stdout: `${(origin ? 'b' : 'a').repeat(64)}\n` };
    case '-download':
      return { stdout: origin ? '127.0.0.1 localhost\n10.0.0.9 cache\n' : '127.0.0.1 localhost\n' };
    default:
      return {};
  }
}

const OPEN = [
  ['mkdir', '-p', '-m', '0700', '--', '/run/cowherd/browse/SID'],
  ['sh', '-c', 'log=$1; shift; exec "$@" </dev/null 2>>"$log"', 'cowherd-guestfish', LOG, 'guestfish', '--listen', '--ro', '--format=raw', '--add', '/dev/vg0/web_snap'],
  ['mkdir', '-p', '-m', '0700', '--', '/run/cowherd/browse/SID/G-4242'],
  ['sh', '-c', 'exec "$@" >/dev/null', 'cowherd-guestfish', 'guestfish', '--remote=4242', '--', 'run'],
  [...SNAP, '-list-filesystems'],
  [...SNAP, '-blockdev-getsize64', '/dev/sda1'],
  [...SNAP, '-vfs-label', '/dev/sda1'],
  [...SNAP, '-blockdev-getsize64', '/dev/sda2'],
  [...SNAP, '-vfs-label', '/dev/sda2'],
  [...SNAP, '-mkmountpoint', '/p1'],
];

beforeEach(async () => {
  await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
  calls.length = 0;
  raw.length = 0;
  streamed.length = 0;
  answer = appliance;
});

describe('libguestfs backend: the commands a session sends', () => {
  it('opens one read-only raw handle, launches it, lists the file systems and makes their mount points', async () => {
    const r = await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
    expect(r).toMatchObject({ ok: true, backend: 'libguestfs', isolation: 'appliance', origin: 'web' });
    expect(r.ok && r.filesystems.map((f) => [f.id, f.type, f.label, f.sizeBytes, f.browsable])).toEqual([
      ['p1', 'ext4', 'guestroot', 1073741824, true],
      ['p2', 'swap', null, 536870912, false],
    ]);
    expect(calls).toEqual(OPEN);
    // The same session serves the next request: no second launch.
    calls.length = 0;
    await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
    expect(calls).toEqual([]);
  });

  it('lists a directory: mount-ro once, lstat of each component, ls0, lstat in a list, one at a time for unsafe names, links read, never followed', async () => {
    const r = await browse.listDirectory('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc'], { offset: 0, limit: 100, sort: 'name', desc: false });
    expect(calls.slice(OPEN.length)).toEqual([
      [...SNAP, '-mount-ro', '/dev/sda1', '/p1'],
      [...SNAP, '-mountpoints'],
      [...SNAP, '-lstatns', '/p1/etc'],
      [...SNAP, '-ls0', '/p1/etc', '-'],
      [...SNAP, '-lstatnslist', '/p1/etc', 'hosts shadow-link'],
      [...SNAP, '-lstatns', '/p1/etc/my notes'],
      [...SNAP, '-readlinklist', '/p1/etc', 'shadow-link'],
    ]);
    expect(r.ok && r.listing.entries.map((e) => [e.name, e.type, e.sizeBytes, e.mode, e.target])).toEqual([
      ['hosts', 'file', 43, '644', null],
      ['my notes', 'file', 5, '644', null],
      ['shadow-link', 'link', 11, '777', '/etc/shadow'],
    ]);
  });

  it('streams a file with download (a preview with pread) and refuses a link without reading it', async () => {
    const f = await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'hosts']);
    expect(f.ok).toBe(true);
    const p = await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'hosts'], 65536);
    expect(p.ok).toBe(true);
    const l = await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'shadow-link']);
    expect(l).toMatchObject({ ok: false, status: 409 });
    const through = await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'shadow-link', 'x']);
    expect(through).toMatchObject({ ok: false, status: 409 });
    const missing = await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'nope']);
    expect(missing).toMatchObject({ ok: false, status: 404 });
    expect(streamed).toEqual([
      [...SNAP, '-download', '/p1/etc/hosts', '-'],
      [...SNAP, '-pread', '/p1/etc/hosts', '65536', '0'],
    ]);
    // Through the link: /p1/etc/shadow-link is lstat'ed and the walk stops there; nothing under it is asked for.
    expect(calls.some((c) => c.some((w) => w.startsWith('/p1/etc/shadow-link/')))).toBe(false);
  });

  it('archives a directory with tar-out, gzip, numeric owners', async () => {
    const a = await browse.archiveDirectory('kvm1', 'vg0', 'web_snap', 'p1', ['etc']);
    expect(a).toMatchObject({ ok: true, name: 'web_snap-p1-etc.tar.gz' });
    expect(streamed).toEqual([[...SNAP, '-tar-out', '/p1/etc', '-', 'compress:gzip', 'numericowner:true']]);
  });

  it('compares with the origin in its own handle: checksums, then both texts for a diff', async () => {
    const d = await browse.diffPath('kvm1', 'vg0', 'web_snap', 'p1', ['etc', 'hosts']);
    expect(d.ok && d.result).toMatchObject({ kind: 'file', status: 'changed', diff: expect.stringContaining('+10.0.0.9 cache') as unknown });
    const tail = calls.slice(OPEN.length);
    expect(tail).toEqual(expect.arrayContaining([
      ['sh', '-c', 'log=$1; shift; exec "$@" </dev/null 2>>"$log"', 'cowherd-guestfish', OLOG, 'guestfish', '--listen', '--ro', '--format=raw', '--add', '/dev/vg0/web'],
      ['mkdir', '-p', '-m', '0700', '--', '/run/cowherd/browse/SID/G-4343'],
      ['sh', '-c', 'exec "$@" >/dev/null', 'cowherd-guestfish', 'guestfish', '--remote=4343', '--', 'run'],
      [...ORIG, '-mount-ro', '/dev/sda1', '/p1'],
      [...SNAP, '-checksum', 'sha256', '/p1/etc/hosts'],
      [...ORIG, '-checksum', 'sha256', '/p1/etc/hosts'],
      [...SNAP, '-download', '/p1/etc/hosts', '-'],
      [...ORIG, '-download', '/p1/etc/hosts', '-'],
    ]));
  });

  it('ends both servers before a merge/remove of the snapshot or its origin, and removes its markers and logs', async () => {
    await browse.diffPath('kvm1', 'vg0', 'web_snap', 'p1', ['etc', 'hosts']);
    const id = /browse\/([a-f0-9]{16})$/.exec(raw[0]?.at(-1) ?? '')?.[1] ?? '';
    expect(id).toMatch(/^[a-f0-9]{16}$/);
    calls.length = 0;
    answer = (argv) => (argv[0] === 'find' ? { stdout: [`${id}/G-4242`, `${id}/G-4343`, `${id}/s-guestfish.log`, `${id}/o-guestfish.log`, 'fedcba9876543210/G-77', ''].join('\0') } : {});
    await browse.releaseVolume('kvm1', 'vg0', 'web');
    expect(calls).toEqual([
      ['guestfish', '--remote=4242', '--', 'exit'],
      ['ps', '-o', 'args=', '-p', '4242'],
      ['guestfish', '--remote=4343', '--', 'exit'],
      ['ps', '-o', 'args=', '-p', '4343'],
      ['find', '/run/cowherd/browse', '-mindepth', '1', '-maxdepth', '2', '-printf', '%P\\0'],
      ['rm', '-f', '--', LOG, OLOG],
      ['rmdir', '--ignore-fail-on-non-empty', '--', '/run/cowherd/browse/SID/G-4242', '/run/cowherd/browse/SID/G-4343', '/run/cowherd/browse/SID'],
    ]);
    expect(browse.openSessions()).toEqual([]);
  });

  it('at start-up stops the servers a crash left (only processes that are still guestfish servers)', async () => {
    answer = (argv) => {
      if (argv[0] === 'find') return { stdout: '0123456789abcdef\x000123456789abcdef/G-4242\x000123456789abcdef/G-999\x000123456789abcdef/s-guestfish.log\0' };
      if (argv[0] === 'ps') return { stdout: argv[4] === '4242' ? 'guestfish --listen --ro --format=raw --add /dev/vg0/web_snap\n' : 'sshd: root\n' };
      return {};
    };
    await browse.cleanupAllHosts();
    expect(calls).toEqual([
      ['find', '/run/cowherd/browse', '-mindepth', '1', '-maxdepth', '2', '-printf', '%P\\0'],
      ['ps', '-o', 'args=', '-p', '4242'],
      ['guestfish', '--remote=4242', '--', 'exit'],
      ['ps', '-o', 'args=', '-p', '4242'],
      ['kill', '-s', 'TERM', '4242'],
      ['ps', '-o', 'args=', '-p', '999'],
      ['rm', '-f', '--', LOG],
      ['rmdir', '--ignore-fail-on-non-empty', '--', '/run/cowherd/browse/SID/G-4242', '/run/cowherd/browse/SID/G-999', '/run/cowherd/browse/SID'],
    ]);
  });

  it('a server that cannot launch is a 502 with its log, and is stopped', async () => {
    await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
    answer = (argv) => {
      if (argv[0] === 'sh' && argv.includes('run')) return { exitCode: 1 };
      if (argv[0] === 'tail') return { stdout: 'libguestfs: error: could not create appliance through libvirt\n' };
      return appliance(argv);
    };
    const r = await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
    expect(r).toMatchObject({ ok: false, status: 502, error: expect.stringContaining('could not create appliance') as unknown });
    expect(calls).toEqual(expect.arrayContaining([['guestfish', '--remote=4242', '--', 'exit']]));
    expect(browse.openSessions()).toEqual([]);
  });
});
