import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { agentBatch, frameSections, inventoryScript, newNonce, parseAgents, parseUuidNames, splitSections, splitVirshBatch } from './batch';

const recorded = readFileSync(path.join(import.meta.dirname, 'fixtures/inventory-seed.txt'), 'utf8');

const N = 'fe0c0ded1a2b3c4d5e6f708192a3b4c5';
const sh = (script: string, env: Record<string, string> = {}) =>
  execFileSync('sh', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env } });

describe('inventory batch', () => {
  it('splits the recorded lab output into its sections, and the virsh batch into its parts', () => {
    const { nonce, sections: s } = splitSections(recorded);
    expect(nonce).toBe(N);
    expect([...s.keys()]).toEqual(['vgs', 'lvs', 'virsh']);
    expect(s.get('vgs')?.exitCode).toBe(0);
    expect(JSON.parse(s.get('lvs')?.stdout ?? '')).toHaveProperty('report');
    const v = splitVirshBatch(s.get('virsh')?.stdout ?? '', nonce);
    expect([...v.keys()]).toEqual(['domstats', 'uuids', 'agents']);
    expect(v.get('domstats')).toMatch(/^Domain: 'web01'/);
    expect(v.get('domstats')).toMatch(/Domain: 'db01'/);
    // web01 has an agent channel, but no agent in it: libvirt says so without waiting for a ping to time out.
    expect(v.get('agents')).toMatch(/name='org\.qemu\.guest_agent\.0' state='disconnected'/);
  });

  it('reads every domain with its UUID (running or not) and which agents answered', () => {
    const { nonce, sections } = splitSections(recorded);
    const v = splitVirshBatch(sections.get('virsh')?.stdout ?? '', nonce);
    expect([...parseUuidNames(v.get('uuids') ?? '')]).toEqual([
      ['52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b', 'web01'],
      ['d0ca08a4-48eb-4ea4-8bdf-349e521f51a8', 'db01'],
    ]);
    expect(parseAgents(v.get('agents') ?? '').size).toBe(0);
  });

  it('sees a guest whose agent channel libvirt reports connected, and only that one', () => {
    const channel = (dom: string, state: string) =>
      `      <source mode='bind' path='/var/lib/libvirt/qemu/channel/target/domain-3-${dom}/org.qemu.guest_agent.0'/>\n` +
      `      <target type='virtio' name='org.qemu.guest_agent.0' state='${state}'/>\n`;
    const a = parseAgents(
      `@@dom 81142170-3005-450c-944c-657d8db8911a\n${channel('a', 'connected')}` +
        `@@dom 82884846-468a-41d0-8774-d85aec68c67c\n${channel('b', 'disconnected')}` +
        // No agent channel at all; then the channel name only in another element's path.
        '@@dom 93a1e2c4-0000-4000-8000-000000000001\n' +
        "@@dom 93a1e2c4-0000-4000-8000-000000000002\n      <source path='/x/org.qemu.guest_agent.0' state='connected'/>\n@@end\n",
    );
    expect([...a]).toEqual(['81142170-3005-450c-944c-657d8db8911a']);
  });

  it('cannot be fooled by a payload that prints a marker: without the nonce it is data, and another nonce is refused', () => {
    const forged = `x\n@@cowherd-0123456789abcdef lvs o 0\nzz\n@@cowherd vgs 0 2 0\n`;
    const out = frameSections(N, [
      { name: 'vgs', exitCode: 0, stdout: forged, stderr: '' },
      { name: 'lvs', exitCode: 0, stdout: 'ok', stderr: 'warn' },
    ]);
    const { sections } = splitSections(out, N);
    expect(sections.get('vgs')?.stdout).toBe(forged);
    expect(sections.get('lvs')).toEqual({ name: 'lvs', exitCode: 0, stdout: 'ok', stderr: 'warn' });
    expect(() => splitSections(out, '0123456789abcdef0123456789abcdef')).toThrow(/another nonce/);
  });

  it('keeps bytes as they were (no final newline, non-ASCII)', () => {
    const out = frameSections(N, [{ name: 'domains', exitCode: 3, stdout: 'сн\nx', stderr: 'é' }]);
    expect(splitSections(out).sections.get('domains')).toEqual({ name: 'domains', exitCode: 3, stdout: 'сн\nx', stderr: 'é' });
  });

  it('rejects truncated or foreign output', () => {
    expect(() => splitSections(`@@cowherd-${N} vgs o 0\nshort`)).toThrow(/truncated/);
    expect(() => splitSections(`@@cowherd-${N} vgs o`)).toThrow(/truncated section header/);
    expect(() => splitSections('garbage')).toThrow(/section header at byte 0/);
    expect(() => splitSections('@@cowherd vgs 0 0 0\n')).toThrow(/section header at byte 0/);
  });

  it('runs in a real POSIX shell: sections in order with exit codes, and no file left behind', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-batch-'));
    const nonce = newNonce();
    const script = inventoryScript({ vgs: ['printf', 'v g\\nno newline'], lvs: ['sh', '-c', 'echo oops >&2; exit 5'], libvirtUri: null, nonce });
    const { sections } = splitSections(sh(`${script}\nwait`, { TMPDIR: dir }), nonce);
    expect([...sections.values()]).toEqual([
      { name: 'vgs', exitCode: 0, stdout: 'v g\nno newline', stderr: '' },
      { name: 'lvs', exitCode: 5, stdout: '', stderr: 'oops\n' },
    ]);
    // The files go in the background after the answer: give rm a moment.
    for (let i = 0; i < 50 && readdirSync(dir).length > 0; i++) execFileSync('sleep', ['0.1']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('never writes through a file that is already there (noclobber)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cw-batch-'));
    const nonce = newNonce();
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'keep');
    symlinkSync(victim, path.join(dir, `cowherd-inv.${nonce}.vgs.o`));
    const script = inventoryScript({ vgs: ['echo', 'overwritten'], lvs: ['true'], libvirtUri: null, nonce });
    // The redirection fails ("File exists"), the section's stderr file is never made, and the read fails.
    expect(() => sh(script, { TMPDIR: dir })).toThrow(/File exists/);
    expect(readFileSync(victim, 'utf8')).toBe('keep');
  });

  it('asks one virsh process for domstats, every UUID and the agent channels', () => {
    const s = inventoryScript({ vgs: ['vgs'], lvs: ['lvs'], libvirtUri: 'qemu+ssh://kvm1/system', agentUuids: [], nonce: N });
    expect(s.match(/virsh --connect/g)?.length).toBe(1);
    expect(s).toContain(
      `sec virsh virsh --connect qemu+ssh://kvm1/system 'echo @@cowherd-${N}:domstats; domstats --state --block; ` +
        `echo @@cowherd-${N}:uuids; list --all --uuid --name; echo @@cowherd-${N}:agents; echo @@end' &`,
    );
  });

  it('quotes every argv word into the script', () => {
    const s = inventoryScript({ vgs: ['vgs', '-o', 'a b'], lvs: ['lvs'], libvirtUri: null, nonce: N });
    expect(s).toContain("sec vgs vgs -o 'a b'");
    expect(s).not.toContain('virsh');
    expect(() => inventoryScript({ vgs: ['vgs'], lvs: ['lvs'], libvirtUri: null, nonce: 'x; reboot' })).toThrow(/nonce/);
  });
});

describe('agent channels of the domains that ran at the last read', () => {
  const spec = { vgs: ['vgs'], lvs: ['lvs'], libvirtUri: 'qemu:///system', nonce: N };
  const web01 = '81142170-3005-450c-944c-657d8db8911a';

  it('are read by the same virsh batch as the rest, not after a virsh list', () => {
    const s = inventoryScript({ ...spec, agentUuids: [web01, 'not-a-uuid; reboot'] });
    expect(s).toContain(`echo @@cowherd-${N}:agents; echo @@dom ${web01}; dumpxml ${web01}; echo @@end' &`);
    expect(s).not.toContain('reboot');
    expect(s).not.toContain('while read');
  });

  it('no previous read: a second virsh lists every domain, then reads the XML of each', () => {
    expect(agentBatch(['x'])).toBe('echo @@end');
    const s = inventoryScript(spec);
    expect(s).toContain('done <"$p.uuids.o"');
    expect(s).toContain('out vgs lvs virsh uuids agents');
  });
});
