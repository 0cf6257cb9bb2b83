import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { SshRunner } from '@/lib/host/ssh';
import { frameSections, splitSections } from './batch';
import { collectInventory, parseInventory } from './collect';

const N = 'fe0c0ded1a2b3c4d5e6f708192a3b4c5';
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseInventory on recorded lab output', () => {
  it('reads the seed state', () => {
    const inv = parseInventory('lab', fixture('inventory-seed.txt'), 123);
    expect(inv.vgs.map((v) => [v.name, v.lvCount])).toEqual([['vg0', 2], ['vg1', 2]]);
    const visible = inv.lvs.filter((l) => !l.hidden).map((l) => `${l.vg}/${l.name}:${l.kind}`);
    expect(visible).toEqual(['vg0/db:plain', 'vg0/web:plain', 'vg1/pool:thin-pool', 'vg1/thin1:thin-volume']);
    expect(inv.libvirt).toBe('ok');
    expect(inv.domains).toEqual([
      { name: 'web01', uuid: '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b', state: 'running', agent: false, disks: [{ target: 'vda', source: '/dev/vg0/web', vg: 'vg0', lv: 'web' }] },
      { name: 'db01', uuid: 'd0ca08a4-48eb-4ea4-8bdf-349e521f51a8', state: 'shut off', agent: false, disks: [{ target: 'vda', source: '/dev/vg0/db', vg: 'vg0', lv: 'db' }] },
    ]);
    expect(inv.durationMs).toBe(123);
  });

  it('reads a classic snapshot with its fill and an inactive thin snapshot', () => {
    const inv = parseInventory('lab', fixture('inventory-snapshots.txt'), 1);
    const snap = inv.lvs.find((l) => l.name === 'web_snap');
    expect(snap).toMatchObject({ vg: 'vg0', kind: 'snapshot', origin: 'web', cowPercent: 18.85, active: true, sizeBytes: 32 * 1024 * 1024 });
    expect(inv.lvs.find((l) => l.name === 'web')?.kind).toBe('origin');
    const thin = inv.lvs.find((l) => l.name === 'thin1_snap');
    expect(thin).toMatchObject({ kind: 'thin-snapshot', origin: 'thin1', pool: 'pool', skipActivation: true, active: false, cowPercent: null });
  });

  it('keeps the LVM inventory of a host without libvirt', () => {
    const { nonce, sections } = splitSections(fixture('inventory-seed.txt'));
    const lvmOnly = frameSections(nonce, [sections.get('vgs')!, sections.get('lvs')!, { name: 'virsh-absent', exitCode: 0, stdout: '', stderr: '' }]);
    const inv = parseInventory('lab', lvmOnly, 1);
    expect(inv.libvirt).toBe('absent');
    expect(inv.domains).toEqual([]);
    expect(inv.vgs).toHaveLength(2);
  });

  it('says libvirt failed, in virsh\'s words, when virsh could not connect (it then prints nothing)', () => {
    const { nonce, sections } = splitSections(fixture('inventory-seed.txt'));
    const stderr = "error: failed to connect to the hypervisor\nerror: Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory\n";
    const out = frameSections(nonce, [sections.get('vgs')!, sections.get('lvs')!, { name: 'virsh', exitCode: 1, stdout: '', stderr }]);
    const inv = parseInventory('lab', out, 1);
    expect(inv.libvirt).toBe('error');
    expect(inv.libvirtError).toMatch(/^error: failed to connect to the hypervisor/);
    expect(inv.lvs.length).toBeGreaterThan(0);
  });

  it('fails clearly when vgs fails', () => {
    const out = frameSections(N, [
      { name: 'vgs', exitCode: 5, stdout: '', stderr: '  No volume groups\n' },
      { name: 'lvs', exitCode: 0, stdout: '', stderr: '' },
    ]);
    expect(() => parseInventory('lab', out, 1)).toThrow(/vgs failed \(exit 5\): No volume groups/);
  });
});

describe('collectInventory on a host that does not answer', () => {
  it("says why in ssh's own words, without the inventory script", async () => {
    // A real ssh to a closed port of this machine.
    const runner = new SshRunner('dead', { host: '127.0.0.1', port: 9, user: 'root' }, { controlDir: mkdtempSync(path.join(os.tmpdir(), 'cw-ssh-')) });
    const err = await collectInventory('dead', runner, 10_000).then(
      () => new Error('the read succeeded') as Error & { failure?: string },
      (e: unknown) => e as Error & { failure?: string },
    );
    expect(err.message).toBe('ssh: connect to host 127.0.0.1 port 9: Connection refused');
    expect(err.failure).toBe('unreachable');
  });
});
