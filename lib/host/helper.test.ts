import { mkdtempSync } from 'node:fs';
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
