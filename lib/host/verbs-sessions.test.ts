import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fromVerbLine, toVerbLine } from './verbs';

// Issue 16 x issue 13: every command a file-browsing session really sends, recorded through the public browse API
// (lib/files/browse.ts) with a recording HostRunner, as the files tests do: the mount backend with its private mount
// namespace (a holder) and without (no unshare on the host), and the libguestfs backend. Each must have a verb whose
// line the helper turns back into the same argv (host.conf's dirs play no part: every path is under BROWSE_ROOT).

const HOST = { id: 'kvm1', name: 'KVM 1', ssh: { host: 'kvm1' }, fileBrowse: 'mount', fileBrowseRole: 'operator' };
vi.mock('@/lib/config/hosts', () => ({ findHost: (id: string) => (id === 'kvm1' ? HOST : undefined), config: () => ({ hosts: [HOST] }) }));
vi.mock('@/lib/env', () => ({ env: () => ({ COWHERD_BROWSE_IDLE_S: 600, COWHERD_COMMAND_TIMEOUT_S: 60 }) }));
vi.mock('@/lib/files/volume', () => ({
  browsableVolume: (_h: string, vg: string, lv: string) => Promise.resolve({ ok: true, path: `/dev/${vg}/${lv}`, origin: 'web' }),
}));

const sent: string[][] = [];
type Answer = { stdout?: string; exitCode?: number };
let answer: (argv: string[]) => Answer = () => ({});
vi.mock('@/lib/host', () => ({
  runnerFor: () => ({
    hostId: 'kvm1',
    transport: 'ssh',
    run: (argv: string[], o?: { reject?: boolean }) => {
      sent.push(argv);
      const r = answer(argv);
      const res = { stdout: r.stdout ?? '', stderr: '', exitCode: r.exitCode ?? 0, durationMs: 1 };
      if (res.exitCode !== 0 && o?.reject !== false) return Promise.reject(new Error(`${argv.join(' ')}: exit ${res.exitCode}`));
      return Promise.resolve(res);
    },
  }),
}));
vi.mock('@/lib/files/stream', () => ({
  streamCommand: (_h: unknown, argv: string[]) => {
    sent.push(argv);
    return { body: new ReadableStream(), done: Promise.resolve({ exitCode: 0, stderr: '' }) };
  },
}));

const browse = await import('@/lib/files/browse');

const SID = '0123456789abcdef';

function mountHost(holder: 'ok' | 'missing') {
  return (argv: string[]): Answer => {
    if (argv[0] === 'sh' && argv.includes('unshare')) return holder === 'ok' ? { stdout: '356\n' } : { exitCode: 5 };
    if (argv[0] === 'losetup' && argv.includes('--find')) return { stdout: '/dev/loop3\n' };
    if (argv[0] === 'lsblk') return { stdout: JSON.stringify({ blockdevices: [{ path: '/dev/loop3', type: 'loop', size: 1 }, { path: '/dev/loop3p1', type: 'part', size: 1 }] }) };
    if (argv[0] === 'blkid') return { stdout: 'TYPE=ext4\nLABEL=guestroot\n' };
    if (argv[0] === 'find' && argv[1] === '/run/cowherd/browse') return { stdout: `${SID}\0${holder === 'ok' ? `${SID}/H-356\0` : ''}${SID}/L-loop3\0${SID}/s-p1\0` };
    if (argv[0] === 'ps') return { stdout: 'sleep infinity\n' };
    if (argv[0] === 'losetup' && argv.includes('--list')) return { stdout: JSON.stringify({ loopdevices: [{ name: '/dev/loop3', 'back-file': '/dev/mapper/vg0-web_snap', ro: true }] }) };
    const inner = argv[0] === 'nsenter' ? argv.slice(4) : argv;
    if (inner[0] === 'findmnt') return { stdout: `/run/cowherd/browse/${SID}/s-p1 /dev/loop3p1\n` };
    if (inner[0] === 'stat') return { stdout: inner.slice(3).map((p) => (p.endsWith('/hosts') ? 'regular file' : 'directory')).join('\n') + '\n' };
    if (inner[0] === 'find') return { stdout: 'f\0hosts\x00100644\x000\x000\x0043\x001767323045\x00\0' };
    if (inner[0] === 'cmp') return { exitCode: 1 };
    if (inner[0] === 'sha256sum') return { stdout: '' };
    return {};
  };
}

const statns = (indent: string, mode: number, size: number) =>
  `${indent}st_dev: 2049\n${indent}st_ino: 12\n${indent}st_mode: ${mode}\n${indent}st_nlink: 1\n${indent}st_uid: 0\n${indent}st_gid: 0\n${indent}st_rdev: 0\n${indent}st_size: ${size}\n${indent}st_blksize: 4096\n${indent}st_blocks: 8\n${indent}st_atime_sec: 0\n${indent}st_atime_nsec: 0\n${indent}st_mtime_sec: 1767323045\n${indent}st_mtime_nsec: 0\n${indent}st_ctime_sec: 0\n${indent}st_ctime_nsec: 0\n`;
const list = (...items: string[]) => items.map((s, i) => `[${i}] = {\n${s}}\n`).join('');

/** The appliance's answers (as lib/files/guestfs.test.ts): a small /etc with a link and a name with a space. */
function appliance(argv: string[]): Answer {
  if (argv[0] === 'sh' && argv.includes('--listen')) return { stdout: `GUESTFISH_PID=${argv.includes('/dev/vg0/web') ? 4343 : 4242}; export GUESTFISH_PID\n` };
  if (argv[0] === 'find') return { stdout: `${SID}\0${SID}/G-4242\0${SID}/s-guestfish.log\0` };
  if (argv[0] === 'ps') return { stdout: 'guestfish --listen --ro --format=raw --add /dev/vg0/web_snap\n' };
  const [, remote, , c, ...args] = argv;
  if (argv[0] !== 'guestfish' || !remote?.startsWith('--remote=')) return {};
  const origin = remote === '--remote=4343';
  switch (c) {
    case '-list-filesystems':
      return { stdout: '/dev/sda1: ext4\n/dev/sda2: swap\n' };
    case '-blockdev-getsize64':
      return { stdout: '1073741824\n' };
    case '-vfs-label':
      return { stdout: 'guestroot\n' };
    case '-mountpoints':
      return { stdout: '/dev/sda1: /p1\n' };
    case '-lstatns': {
      const p = args[0] ?? '';
      if (p === '/p1/etc') return { stdout: statns('', 0o40755, 4096) };
      if (p === '/p1/etc/hosts') return { stdout: statns('', 0o100644, origin ? 80 : 43) };
      if (p === '/p1/etc/my notes') return { stdout: statns('', 0o100644, 5) };
      return {};
    }
    case '-ls0':
      return { stdout: 'hosts\0shadow-link\0my notes\0' };
    case '-lstatnslist':
      return { stdout: list(statns('  ', 0o100644, 43), statns('  ', 0o120777, 11)) };
    case '-readlinklist':
      return { stdout: '/etc/shadow\n' };
    case '-checksum':
      return { stdout: `${(origin ? 'b' : 'a').repeat(64)}\n` };
    case '-download':
      return { stdout: '127.0.0.1 localhost\n' };
    default:
      return {};
  }
}

/** A whole session: file systems, a listing, a file and its preview, an archive, a comparison, the end, a restart. */
async function session(): Promise<void> {
  await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
  await browse.listDirectory('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc'], { offset: 0, limit: 100, sort: 'name', desc: false });
  await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'hosts']);
  await browse.readFile('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc', 'hosts'], 65536);
  await browse.archiveDirectory('kvm1', 'vg0', 'web_snap', 'p1', ['etc']);
  await browse.diffPath('kvm1', 'vg0', 'web_snap', 'p1', ['etc', 'hosts']);
  await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
  await browse.releaseVolume('kvm1', 'vg0', 'web');
  await browse.cleanupAllHosts();
}

function expectAllVerbs(): Set<string> {
  const verbs = new Set<string>();
  const missing: string[] = [];
  for (const argv of sent) {
    const l = toVerbLine(argv);
    if (!l.ok) {
      missing.push(argv.join(' '));
      continue;
    }
    verbs.add(l.verb);
    expect(fromVerbLine(l.line, { dirs: [] })).toMatchObject({ ok: true, argv });
  }
  expect(missing).toEqual([]);
  return verbs;
}

beforeEach(async () => {
  await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
  await browse.releaseVolume('kvm1', 'vg0', 'web');
  sent.length = 0;
});

describe('every command of a file-browsing session has a verb', () => {
  it('mount backend in a private mount namespace', async () => {
    HOST.fileBrowse = 'mount';
    answer = mountHost('ok');
    await session();
    const verbs = expectAllVerbs();
    for (const v of ['ns-holder-start', 'ns-mount-ext', 'ns-browse-list', 'ns-browse-cmp', 'ns-umount', 'ns-findmnt', 'kill-kill', 'process-args']) expect(verbs).toContain(v);
    expect(sent.length).toBeGreaterThan(20);
  });

  it('mount backend without a namespace (no unshare/nsenter on the host)', async () => {
    HOST.fileBrowse = 'mount';
    answer = mountHost('missing');
    await session();
    const verbs = expectAllVerbs();
    for (const v of ['mount-ext', 'browse-list', 'umount', 'losetup-detach']) expect(verbs).toContain(v);
    expect([...verbs].filter((v) => v.startsWith('ns-') && v !== 'ns-holder-start')).toEqual([]);
  });

  it('libguestfs backend', async () => {
    HOST.fileBrowse = 'libguestfs';
    answer = appliance;
    await session();
    const verbs = expectAllVerbs();
    for (const v of ['guestfish-listen', 'guestfish-run', 'guestfish-list-filesystems', 'guestfish-mount-ro', 'guestfish-ls0', 'guestfish-lstatnslist', 'guestfish-download', 'guestfish-checksum', 'guestfish-exit', 'kill-term']) {
      expect(verbs).toContain(v);
    }
  });
});
