import { beforeEach, describe, expect, it, vi } from 'vitest';

// The mount backend's private mount namespace (issue 13): which commands run inside the holder's namespace and which
// on the host, in order, driven through lib/files/browse.ts with a recording HostRunner. The lab e2e
// (e2e/files.spec.ts) checks the outcome on real mounts; this pins the command construction and the fallback.

const HOST = { id: 'kvm1', name: 'KVM 1', ssh: { host: 'kvm1' }, fileBrowse: 'mount', fileBrowseRole: 'operator' };
vi.mock('@/lib/config/hosts', () => ({ findHost: (id: string) => (id === 'kvm1' ? HOST : undefined), config: () => ({ hosts: [HOST] }) }));
vi.mock('@/lib/env', () => ({ env: () => ({ COWHERD_BROWSE_IDLE_S: 600, COWHERD_COMMAND_TIMEOUT_S: 60 }) }));
vi.mock('./volume', () => ({ browsableVolume: () => Promise.resolve({ ok: true, path: '/dev/vg0/web_snap', origin: 'web' }) }));

const calls: string[][] = [];
let answer: (argv: string[]) => { stdout?: string; exitCode?: number } = () => ({});
const norm = (argv: readonly string[]) => argv.map((a) => a.replace(/[a-f0-9]{16}/g, 'SID'));
vi.mock('@/lib/host', () => ({
  runnerFor: () => ({
    hostId: 'kvm1',
    transport: 'ssh',
    run: (argv: string[], o?: { reject?: boolean }) => {
      const a = norm(argv);
      calls.push(a);
      const r = answer(argv);
      const res = { stdout: r.stdout ?? '', stderr: '', exitCode: r.exitCode ?? 0, durationMs: 1 };
      if (res.exitCode !== 0 && o?.reject !== false) return Promise.reject(new Error(`${a.join(' ')}: exit ${res.exitCode}`));
      return Promise.resolve(res);
    },
  }),
}));
vi.mock('./stream', () => ({ streamCommand: () => ({ body: new ReadableStream(), done: Promise.resolve({ exitCode: 0, stderr: '' }) }) }));

const browse = await import('./browse');

const B = '/run/cowherd/browse/SID';
const NS = ['nsenter', '--target=356', '--mount', '--'];

function host(holder: 'ok' | 'missing') {
  return (argv: string[]) => {
    if (argv[0] === 'sh' && argv.includes('unshare')) return holder === 'ok' ? { stdout: '356\n' } : { exitCode: 5 };
    if (argv[0] === 'losetup' && argv.includes('--find')) return { stdout: '/dev/loop3\n' };
    if (argv[0] === 'lsblk') return { stdout: JSON.stringify({ blockdevices: [{ path: '/dev/loop3', type: 'loop', size: 1 }, { path: '/dev/loop3p1', type: 'part', size: 1 }] }) };
    if (argv[0] === 'blkid') return { stdout: 'TYPE=ext4\nLABEL=guestroot\n' };
    const inner = argv[0] === 'nsenter' ? argv.slice(4) : argv;
    if (inner[0] === 'stat') return { stdout: 'directory\n' };
    return {};
  };
}

beforeEach(async () => {
  await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
  calls.length = 0;
});

describe('mount backend in a private mount namespace', () => {
  it('starts a holder first, attaches the loop on the host, and mounts, lists and unmounts only inside the namespace', async () => {
    answer = host('ok');
    const fs = await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
    expect(fs).toMatchObject({ ok: true, backend: 'mount', isolation: 'private-namespace' });
    const list = await browse.listDirectory('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc'], { offset: 0, limit: 10, sort: 'name', desc: false });
    expect(list.ok).toBe(true);
    await browse.releaseVolume('kvm1', 'vg0', 'web_snap');
    expect(calls.map((c) => (c[0] === 'sh' ? ['sh', '-c', '…', ...c.slice(3)] : c))).toEqual([
      ['mkdir', '-p', '-m', '0700', '--', B],
      ['sh', '-c', '…', 'cowherd-holder', 'unshare', '--mount', '--propagation', 'private', '--', 'sleep', 'infinity'],
      ['mkdir', '-p', '-m', '0700', '--', `${B}/H-356`],
      ['losetup', '--find', '--show', '--read-only', '--partscan', '/dev/vg0/web_snap'],
      ['mkdir', '-p', '-m', '0700', '--', `${B}/L-loop3`],
      ['lsblk', '--json', '--bytes', '--output', 'PATH,TYPE,SIZE', '/dev/loop3'],
      ['blkid', '--probe', '--output', 'export', '/dev/loop3p1'],
      ['mkdir', '-p', '-m', '0700', '--', `${B}/s-p1`],
      [...NS, 'mount', '-t', 'ext4', '-o', 'ro,nodev,nosuid,noexec,noload', '/dev/loop3p1', `${B}/s-p1`],
      [...NS, 'stat', '--format=%F', '--', `${B}/s-p1/etc`],
      [...NS, 'find', '-P', `${B}/s-p1/etc`, '-mindepth', '1', '-maxdepth', '1', '-printf', '%y\\0%s\\0%m\\0%U\\0%G\\0%T@\\0%l\\0%f\\0'],
      [...NS, 'umount', `${B}/s-p1`],
      ['kill', '-s', 'KILL', '356'],
      ['losetup', '--detach', '/dev/loop3'],
      ['find', '/run/cowherd/browse', '-mindepth', '1', '-maxdepth', '2', '-type', 'd', '-printf', '%P\\0'],
      ['rmdir', '--ignore-fail-on-non-empty', '--', B],
    ]);
  });

  it('falls back to the host namespace where unshare/nsenter are missing, and says so', async () => {
    answer = host('missing');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const fs = await browse.listFilesystems('kvm1', 'vg0', 'web_snap');
    expect(fs).toMatchObject({ ok: true, isolation: 'host-namespace' });
    await browse.listDirectory('kvm1', 'vg0', 'web_snap', 'snapshot', 'p1', ['etc'], { offset: 0, limit: 10, sort: 'name', desc: false });
    expect(calls.some((c) => c[0] === 'nsenter' || c[0] === 'kill')).toBe(false);
    expect(calls).toContainEqual(['mount', '-t', 'ext4', '-o', 'ro,nodev,nosuid,noexec,noload', '/dev/loop3p1', `${B}/s-p1`]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('at start-up unmounts inside the namespaces of holders a crash left, ends them, then detaches their loops', async () => {
    const id = '0123456789abcdef';
    answer = (argv) => {
      if (argv[0] === 'find') return { stdout: [id, `${id}/H-356`, `${id}/H-357`, `${id}/L-loop3`, `${id}/s-p1`, ''].join('\0') };
      if (argv[0] === 'ps') return { stdout: argv[4] === '356' ? 'sleep infinity\n' : 'nginx: worker\n' };
      if (argv[0] === 'nsenter' && argv.includes('findmnt')) return { stdout: `/ /dev/vda\n${B.replace('SID', id)}/s-p1 /dev/loop3p1\n` };
      if (argv[0] === 'losetup') return { stdout: JSON.stringify({ loopdevices: [{ name: '/dev/loop3', 'back-file': '/dev/dm-4', ro: true }] }) };
      return {};
    };
    const r = await browse.cleanupLeftovers(HOST as never);
    expect(r).toEqual({ unmounted: 1, detached: 1, holders: 1 });
    expect(calls).toEqual([
      ['find', '/run/cowherd/browse', '-mindepth', '1', '-maxdepth', '2', '-type', 'd', '-printf', '%P\\0'],
      ['ps', '-o', 'args=', '-p', '356'],
      [...NS, 'findmnt', '--raw', '--noheadings', '--output', 'TARGET,SOURCE'],
      [...NS, 'umount', `${B}/s-p1`],
      ['kill', '-s', 'KILL', '356'],
      // 357 is no holder any more (its PID was reused): left alone.
      ['ps', '-o', 'args=', '-p', '357'],
      ['findmnt', '--raw', '--noheadings', '--output', 'TARGET,SOURCE'],
      ['find', '/run/cowherd/browse', '-mindepth', '1', '-maxdepth', '2', '-type', 'd', '-printf', '%P\\0'],
      ['losetup', '--list', '--json', '--output', 'NAME,BACK-FILE,RO'],
      ['losetup', '--detach', '/dev/loop3'],
      ['rmdir', '--ignore-fail-on-non-empty', '--', `${B}/L-loop3`, `${B}/H-356`, `${B}/H-357`, `${B}/s-p1`, B],
    ]);
  });
});
