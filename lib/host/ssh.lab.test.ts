import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { labRunner, labHost } from '@/lib/test/lab';
import { SshRunner } from './ssh';
import { CommandError } from './types';
import { HOSTILE_ARGS } from './hostile-args';

// These run against the real lab VM over ssh (npm run lab:up).
describe('SshRunner on the lab', () => {
  const r = labRunner();

  it('delivers every hostile argument byte for byte, one word each', async () => {
    const res = await r.run(['printf', '%s\\0', ...HOSTILE_ARGS]);
    expect(res.stdout.split('\0').slice(0, -1)).toEqual(HOSTILE_ARGS);
  });

  it('runs nothing that a hostile argument smuggles in', async () => {
    const marker = '/tmp/cowherd-hostile-marker';
    await r.run(['rm', '-f', marker]);
    for (const a of [`; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `\ntouch ${marker}`, `&& touch ${marker}`, `| touch ${marker}`]) {
      const res = await r.run(['echo', a]);
      expect(res.stdout).toBe(`${a}\n`);
    }
    const check = await r.run(['test', '-e', marker], { reject: false });
    expect(check.exitCode).toBe(1);
  });

  it('gives a leading "-" to the remote command as an argument, not to ssh', async () => {
    const res = await r.run(['printf', '%s|', '-o', 'ProxyCommand=touch /tmp/x', '--']);
    expect(res.stdout).toBe('-o|ProxyCommand=touch /tmp/x|--|');
  });

  it('reads lvs from the real lvm2 in the lab', async () => {
    const res = await r.run(['lvs', '--noheadings', '-o', 'lv_name', 'vg0']);
    expect(res.stdout.split('\n').map((l) => l.trim())).toEqual(expect.arrayContaining(['web', 'db']));
  });

  it('reports a remote non-zero exit with the remote stderr', async () => {
    try {
      await r.run(['lvs', 'vg0/no-such-lv']);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CommandError);
      const ce = e as CommandError;
      expect(ce.failure).toBe('exit');
      expect(ce.exitCode).toBe(5);
      expect(ce.stderr).toMatch(/Failed to find logical volume "vg0\/no-such-lv"/);
    }
  });

  it('reports a dead port as unreachable', async () => {
    const host = labHost();
    if (!host.ssh) throw new Error('no ssh');
    const dead = new SshRunner('dead', { ...host.ssh, port: 1 }, { connectTimeoutS: 3, controlDir: '/tmp/cowherd-ssh-test' });
    try {
      await dead.run(['true']);
      expect.unreachable();
    } catch (e) {
      expect((e as CommandError).failure).toBe('unreachable');
    }
  });

  it('reuses one connection: every later command arrives over the same TCP connection', async () => {
    // sshd sets SSH_CONNECTION to "client-ip client-port server-ip server-port" per connection: the same client
    // port for every command means one master connection carried them all (no new handshake), whatever the load.
    const conn = async () => (await r.run(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.trim();
    const first = await conn();
    expect(first).toMatch(/^\S+ \d+ \S+ \d+$/);
    for (let i = 0; i < 4; i++) expect(await conn()).toBe(first);
    // Another configured host id for the same machine gets a connection of its own (its own control socket).
    const ssh = labHost().ssh;
    if (!ssh?.identityFile) throw new Error('lab host has no ssh block');
    // The unrestricted lab key: the config's key only runs the host helper (issue 16).
    const other = new SshRunner('lab-other', { ...ssh, identityFile: path.join(path.dirname(ssh.identityFile), 'lab_key') });
    const otherConn = (await other.run(['sh', '-c', 'echo "$SSH_CONNECTION"'])).stdout.trim();
    expect(otherConn.split(' ')[1]).not.toBe(first.split(' ')[1]);
  });
});
