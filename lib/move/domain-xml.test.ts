import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { domainXmlDiff, domainXmlFacts, DomainXmlError, rewriteDomainXml } from './domain-xml';

// Fixtures: see fixtures/README.md (web01/db01 recorded from the lab; the edge case written by hand).
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const EDGE = fixture('edge-two-disks-uefi.xml');

describe('domainXmlFacts', () => {
  it('reads disks, interfaces, firmware, CPU and machine of a hand-written edge case', () => {
    const f = domainXmlFacts(EDGE);
    expect(f).toMatchObject({
      name: 'app02',
      uuid: '4a9b6c1e-2f3d-4e5a-8b7c-9d0e1f2a3b4c',
      virtType: 'kvm',
      arch: 'x86_64',
      machine: 'pc-q35-7.2',
      emulator: '/usr/bin/qemu-system-x86_64',
      cpuMode: 'host-passthrough',
      nvram: '/var/lib/libvirt/qemu/nvram/app02_VARS.fd',
      loader: '/usr/share/OVMF/OVMF_CODE_4M.fd',
    });
    expect(f.disks).toEqual([
      { target: 'vda', device: 'disk', type: 'block', source: '/dev/vg0/app02-root', format: 'raw', readonly: false },
      { target: 'vdb', device: 'disk', type: 'block', source: '/dev/mapper/vg1-app02--data', format: 'raw', readonly: false },
      { target: 'sda', device: 'cdrom', type: 'file', source: '/var/lib/libvirt/images/debian-12.iso', format: 'raw', readonly: true },
    ]);
    expect(f.interfaces).toEqual([
      { type: 'bridge', source: 'br0', mac: '52:54:00:6b:3c:58', model: 'virtio' },
      { type: 'direct', source: 'eno1', mac: '52:54:00:aa:bb:cc', model: 'virtio' },
      { type: 'network', source: 'default', mac: '52:54:00:11:22:33', model: 'e1000' },
    ]);
  });

  it.each([
    ['not XML at all', 'hello'],
    ['another root', '<network><name>x</name></network>'],
    ['broken XML', '<domain><name>x</domain>'],
  ])('refuses %s', (_label, xml) => {
    expect(() => domainXmlFacts(xml)).toThrow(DomainXmlError);
  });
});

describe('rewriteDomainXml: a move (same name, UUID and MACs)', () => {
  const moved = rewriteDomainXml(EDGE, {
    disks: {
      vda: { type: 'block', dev: '/dev/vg2/app02-root' },
      vdb: { type: 'file', file: '/srv/images/app02-vdb.qcow2', format: 'qcow2' },
      sda: { type: 'eject' },
    },
    emulator: '/usr/libexec/qemu-kvm',
    nvram: '/srv/nvram/app02_VARS.fd',
    networks: { br0: 'br-lan', eno1: 'enp3s0' },
  });
  const f = domainXmlFacts(moved);

  it('points each disk at its target storage with the matching type and format', () => {
    expect(f.disks).toEqual([
      { target: 'vda', device: 'disk', type: 'block', source: '/dev/vg2/app02-root', format: 'raw', readonly: false },
      { target: 'vdb', device: 'disk', type: 'file', source: '/srv/images/app02-vdb.qcow2', format: 'qcow2', readonly: false },
      { target: 'sda', device: 'cdrom', type: 'file', source: null, format: 'raw', readonly: true },
    ]);
  });

  it('keeps the rest of each disk (boot order, address, cache) and drops the old backing chain', () => {
    expect(moved).toContain("<boot order='1'/>".replace(/'/g, '"'));
    expect(moved).toContain('function="0x0"');
    expect(moved).toContain('io="native"');
    expect(moved).not.toContain('backingStore');
  });

  it('replaces emulator and NVRAM path, keeps the loader and the NVRAM template', () => {
    expect(f.emulator).toBe('/usr/libexec/qemu-kvm');
    expect(f.nvram).toBe('/srv/nvram/app02_VARS.fd');
    expect(f.loader).toBe('/usr/share/OVMF/OVMF_CODE_4M.fd');
    expect(moved).toContain('template="/usr/share/OVMF/OVMF_VARS_4M.fd"');
  });

  it('maps bridge and direct interfaces, leaves an unmapped network alone, keeps name, UUID and MACs', () => {
    expect(f.interfaces.map((i) => [i.type, i.source, i.mac])).toEqual([
      ['bridge', 'br-lan', '52:54:00:6b:3c:58'],
      ['direct', 'enp3s0', '52:54:00:aa:bb:cc'],
      ['network', 'default', '52:54:00:11:22:33'],
    ]);
    expect(f.name).toBe('app02');
    expect(f.uuid).toBe('4a9b6c1e-2f3d-4e5a-8b7c-9d0e1f2a3b4c');
    expect(moved).toContain('mode="bridge"');
  });

  it('keeps text that looks like markup in the description', () => {
    expect(moved).toContain('<![CDATA[odd <text> & such]]>');
  });
});

describe('rewriteDomainXml: a copy (new name, no UUID, no MACs)', () => {
  const copied = rewriteDomainXml(EDGE, {
    disks: { vda: { type: 'block', dev: '/dev/vg0/app03-root' }, vdb: { type: 'remove' }, sda: { type: 'eject' } },
    nvram: '/var/lib/libvirt/qemu/nvram/app03_VARS.fd',
    networks: { default: 'lan' },
    copy: { name: 'app03' },
  });
  const f = domainXmlFacts(copied);

  it('renames, removes the UUID and every MAC so libvirt makes new ones', () => {
    expect(f.name).toBe('app03');
    expect(f.uuid).toBeNull();
    expect(f.interfaces.map((i) => i.mac)).toEqual([null, null, null]);
    expect(f.interfaces.map((i) => i.source)).toEqual(['br0', 'eno1', 'lan']);
    expect(copied).not.toMatch(/<uuid>|<mac /);
  });

  it('removes a disk asked to be removed, with no blank line left behind', () => {
    expect(f.disks.map((d) => d.target)).toEqual(['vda', 'sda']);
    expect(copied).not.toMatch(/\n\s*\n/);
  });
});

describe('rewriteDomainXml refusals', () => {
  it('refuses a disk the domain does not have', () => {
    expect(() => rewriteDomainXml(EDGE, { disks: { vdz: { type: 'eject' } } })).toThrow('the domain has no disk vdz');
  });
  it('refuses an NVRAM path for a guest without one', () => {
    expect(() => rewriteDomainXml(fixture('web01-migratable.xml'), { disks: {}, nvram: '/x' })).toThrow('no NVRAM');
  });
});

describe('recorded from the lab: web01 and db01 (virsh dumpxml --migratable)', () => {
  it.each([
    ['web01-migratable.xml', 'web01', '/dev/vg0/web'],
    ['db01-migratable.xml', 'db01', '/dev/vg0/db'],
  ])('%s: one LV disk, the lab emulator, no interfaces, no NVRAM', (file, name, dev) => {
    const f = domainXmlFacts(fixture(file));
    expect(f.name).toBe(name);
    expect(f.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(f.virtType).toBe('qemu');
    expect(f.machine).toMatch(/^pc/);
    expect(f.emulator).toBe('/usr/bin/qemu-system-x86_64');
    expect(f.nvram).toBeNull();
    expect(f.disks).toEqual([{ target: 'vda', device: 'disk', type: 'block', source: dev, format: 'raw', readonly: false }]);
    expect(f.interfaces).toEqual([]);
  });

  it('a copy of web01 as a qcow2 file: the diff names exactly the changed lines', () => {
    const before = fixture('web01-migratable.xml');
    const after = rewriteDomainXml(before, {
      disks: { vda: { type: 'file', file: '/var/lib/cowherd/moves/web02-vda.qcow2', format: 'qcow2' } },
      copy: { name: 'web02' },
    });
    const diff = domainXmlDiff(before, after, { from: 'lab: web01', to: 'lab2: web02' });
    const changed = diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    const tag = (l: string) => /^[-+]\s*<(\w+)/.exec(l)?.[1];
    expect(changed.filter((l) => l.startsWith('-')).map(tag)).toEqual(['name', 'uuid', 'disk', 'driver', 'source', 'backingStore']);
    expect(changed.filter((l) => l.startsWith('+')).map((l) => l.replace(/^\+\s*/, '+'))).toEqual([
      '+<name>web02</name>',
      "+<disk type='file' device='disk'>".replace(/'/g, '"'),
      '+<driver name="qemu" type="qcow2" cache="none"/>',
      '+<source file="/var/lib/cowherd/moves/web02-vda.qcow2"/>',
    ]);
    expect(domainXmlDiff(before, before, { from: 'a', to: 'b' })).toBe('');
  });
});
