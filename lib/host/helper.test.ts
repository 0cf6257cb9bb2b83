import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config/hosts';
import { lvremoveArgv } from '@/lib/lvm/commands';
import { checkHelper } from './helper';
import { remoteCommand, SshRunner } from './ssh';
import { helperVersionLine } from './verbs';

describe('access mode (issue 16)', () => {
  it('is "helper" for an ssh host without one, "shell" for a local host, and a local host cannot be "helper"', () => {
    const c = parseConfig(JSON.stringify({ hosts: [{ id: 'a', name: 'A', ssh: { host: 'kvm1' } }, { id: 'b', name: 'B', ssh: { host: 'kvm2' }, access: 'shell' }, { id: 'c', name: 'C', local: true }] }));
    expect(c.hosts.map((h) => h.access)).toEqual(['helper', 'shell', 'shell']);
    expect(() => parseConfig(JSON.stringify({ hosts: [{ id: 'c', name: 'C', local: true, access: 'helper' }] }))).toThrow(/local host runs commands directly/);
    expect(() => parseConfig(JSON.stringify({ hosts: [{ id: 'a', name: 'A', ssh: { host: 'kvm1' }, access: 'root' }] }))).toThrow(/access/);
  });

  it('sends the verb line in helper mode and the quoted argv in shell mode', () => {
    expect(remoteCommand('helper', lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }))).toEqual({ ok: true, command: 'lvremove vg0/web_snap' });
    expect(remoteCommand('shell', lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }))).toEqual({ ok: true, command: 'lvremove -y vg0/web_snap' });
    expect(remoteCommand('helper', ['sh', '-c', 'id'])).toMatchObject({ ok: false, error: expect.stringMatching(/no host helper verb/) as unknown });
  });

  it('never sends an argv that has no verb: it fails like a refusal (126) without starting ssh', async () => {
    const controlDir = mkdtempSync(path.join(os.tmpdir(), 'cw-'));
    // 192.0.2.1 (TEST-NET-1) would hang until the connect timeout if ssh were started.
    const r = new SshRunner('h', { host: '192.0.2.1', port: 22, user: 'root' }, { controlDir, access: 'helper', connectTimeoutS: 30 });
    const t0 = Date.now();
    await expect(r.run(['cat', '/etc/shadow'])).rejects.toMatchObject({ exitCode: 126, stderr: expect.stringMatching(/not sent to the host helper/) as unknown });
    expect(await r.run(['id'], { reject: false })).toMatchObject({ exitCode: 126 });
    expect(Date.now() - t0).toBeLessThan(2000);
  });
});

describe('a helper-mode host whose key reaches a shell', () => {
  it('gets its version asked once, and no verb line: a shell would run it', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-'));
    const log = path.join(dir, 'sent');
    // A fake ssh: logs the remote command (its last argument) and answers like a login shell that has no helper.
    writeFileSync(path.join(dir, 'ssh'), `#!/bin/sh\nfor a; do last=$a; done\necho "$last" >>'${log}'\necho "bash: line 1: \${last%% *}: command not found" >&2\nexit 127\n`);
    chmodSync(path.join(dir, 'ssh'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${dir}:${saved ?? ''}`;
    try {
      const r = new SshRunner('kvm9', { host: 'kvm9', port: 22, user: 'root' }, { controlDir: path.join(dir, 'c'), access: 'helper' });
      await expect(r.run(lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }))).rejects.toMatchObject({ exitCode: 126, stderr: expect.stringMatching(/host helper does not answer on kvm9.*host:install -- kvm9/) as unknown });
      expect(await r.run(lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }), { reject: false })).toMatchObject({ exitCode: 126 });
      expect(await r.helperState()).toMatchObject({ status: 'missing' });
      expect(readFileSync(log, 'utf8')).toBe('version\n');
      // In shell mode the same runner would have sent the quoted argv: the fake ssh sees it.
      const shell = new SshRunner('kvm9', { host: 'kvm9', port: 22, user: 'root' }, { controlDir: path.join(dir, 'c'), access: 'shell' });
      expect((await shell.run(lvremoveArgv({ vg: 'vg0', lv: 'web_snap' }), { reject: false })).exitCode).toBe(127);
      expect(readFileSync(log, 'utf8')).toBe('version\nlvremove -y vg0/web_snap\n');
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('checkHelper', () => {
  const fake = (stdout: string, exitCode: number, stderr = '') => ({ hostId: 'kvm1', helperVersion: () => Promise.resolve({ stdout, stderr, exitCode, durationMs: 1 }) });
  it('is ok when the host prints this Cowherd\'s version line', async () => {
    expect(await checkHelper(fake(`${helperVersionLine()}\n`, 0))).toMatchObject({ status: 'ok' });
  });
  it('says outdated, with the fix, when the table differs', async () => {
    const s = await checkHelper(fake('cowherd-host 1 000000000000\n', 0));
    expect(s).toMatchObject({ status: 'outdated', found: 'cowherd-host 1 000000000000' });
    expect(s.message).toContain('npm run host:install -- kvm1');
  });
  it('says missing when the key runs a shell (or anything else)', async () => {
    const s = await checkHelper(fake('', 127, 'bash: line 1: version: command not found\n'));
    expect(s).toMatchObject({ status: 'missing' });
    expect(s.message).toContain('version: command not found');
  });
});
