import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentBatch, inventoryScript, parseAgents, parseUuidNames, splitSections } from './batch';

const recorded = readFileSync(path.join(import.meta.dirname, 'fixtures/inventory-seed.txt'), 'utf8');

describe('inventory batch', () => {
  it('splits the recorded lab output into its sections', () => {
    const s = splitSections(recorded);
    expect([...s.keys()]).toEqual(['vgs', 'lvs', 'domstats', 'uuids', 'agents']);
    expect(s.get('vgs')?.exitCode).toBe(0);
    expect(JSON.parse(s.get('lvs')?.stdout ?? '')).toHaveProperty('report');
    expect(s.get('domstats')?.stdout).toMatch(/Domain: 'db01'/);
    // web01 has an agent channel, but no agent in it: libvirt says so without waiting for a ping to time out.
    expect(s.get('agents')?.stdout).toMatch(/name='org\.qemu\.guest_agent\.0' state='disconnected'/);
  });

  it('reads every domain with its UUID (running or not) and which agents answered', () => {
    const s = splitSections(recorded);
    expect([...parseUuidNames(s.get('uuids')?.stdout ?? '')]).toEqual([
      ['52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b', 'web01'],
      ['d0ca08a4-48eb-4ea4-8bdf-349e521f51a8', 'db01'],
    ]);
    expect(parseAgents(s.get('agents')?.stdout ?? '').size).toBe(0);
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

  it('cannot be fooled by a host that prints a section marker inside a payload', () => {
    const payload = 'x\n@@cowherd lvs 0 2 0\nzz';
    const out = `@@cowherd vgs 0 ${Buffer.byteLength(payload)} 0\n${payload}@@cowherd lvs 0 2 0\nok`;
    const s = splitSections(out);
    expect(s.get('vgs')?.stdout).toBe(payload);
    expect(s.get('lvs')?.stdout).toBe('ok');
  });

  it('counts bytes, not characters', () => {
    const out = '@@cowherd domains 0 5 0\nснx@@cowherd vgs 0 0 0\n';
    expect(splitSections(out).get('domains')?.stdout).toBe('снx');
  });

  it('rejects truncated output', () => {
    expect(() => splitSections('@@cowherd vgs 0 100 0\nshort')).toThrow(/truncated/);
    expect(() => splitSections('garbage')).toThrow(/section header/);
  });

  it('lists every domain with its UUID on the given connection', () => {
    const s = inventoryScript({ vgs: ['vgs'], lvs: ['lvs'], libvirtUri: 'qemu+ssh://kvm1/system' });
    expect(s).toContain('virsh -q --connect qemu+ssh://kvm1/system list --all --uuid --name');
    expect(s).toContain('virsh -q --connect qemu+ssh://kvm1/system domstats --state --block');
  });

  it('quotes every argv word into the script', () => {
    const s = inventoryScript({ vgs: ['vgs', '-o', 'a b'], lvs: ['lvs'], libvirtUri: null });
    expect(s).toContain("sec vgs vgs -o 'a b'");
    expect(s).not.toContain('virsh');
  });
});

describe('agent channels of the domains that ran at the last read', () => {
  const spec = { vgs: ['vgs'], lvs: ['lvs'], libvirtUri: 'qemu:///system' };
  const web01 = '81142170-3005-450c-944c-657d8db8911a';

  it('are read at the same time as the rest, not after a virsh list', () => {
    const s = inventoryScript({ ...spec, agentUuids: [web01, 'not-a-uuid; reboot'] });
    expect(s).toContain(`sec agents agents 'echo @@dom ${web01}; dumpxml ${web01}; echo @@end' &`);
    expect(s).not.toContain('reboot');
    expect(s).not.toContain('while read');
  });

  it('none ran: an empty agents section; no previous read: list first, then the XML of each', () => {
    expect(inventoryScript({ ...spec, agentUuids: [] })).toContain('empty agents');
    expect(agentBatch(['x'])).toBeNull();
    expect(inventoryScript(spec)).toContain('done <"$t/uuids.o"');
  });
});
