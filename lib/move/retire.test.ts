import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '@/lib/inventory/collect';
import type { Inventory, InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { evaluatePostCheck } from '@/lib/ops/post-checks';
import { parseOperation } from '@/lib/ops/registry';
import type { PlanResult } from '@/lib/ops/types';
import { parseDominfoAutostart, parseQemuImgVirtualSize, type RetireFacts, type RetireReview, type RetireTargetFacts } from './retire';

// "Remove the old copy" after a move, planned on the lab's recorded seed inventory (lib/inventory/fixtures: db01 shut
// off on vg0/db, 128 MiB; web01 running on vg0/web). The target lab2 is what a finished move leaves there: db01 with
// the same UUID on its own vg0/db.
const seed = parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-seed.txt'), 'utf8'), 1);
const DB01 = 'd0ca08a4-48eb-4ea4-8bdf-349e521f51a8';
const WEB01 = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
const MiB = 1024 * 1024;
const db01 = seed.domains.find((d) => d.name === 'db01')!;
const dbLv = seed.lvs.find((l) => l.name === 'db')!;

function target(domains: InventoryDomain[] = [{ ...db01, state: 'running' }], lvs: InventoryLv[] = [dbLv], change: Partial<RetireTargetFacts> = {}): RetireTargetFacts {
  return { host: 'lab2', uri: 'qemu:///system', inv: { ...seed, host: 'lab2', lvs, domains }, error: null, fileSizes: {}, fileErrors: {}, ...change };
}

function plan(params: Record<string, unknown>, facts: Partial<RetireFacts> = {}, inv: Inventory = seed): PlanResult {
  const parsed = parseOperation('retire-moved-guest', { domain: DB01, target: 'lab2', confirmName: 'db01', ...params });
  if (!parsed.ok) throw new Error(parsed.error);
  const retire: RetireFacts = { autostart: false, autostartError: null, nvram: null, xmlError: null, target: target(), ...facts };
  return parsed.def.plan({ inv, exportDir: '/x', libvirtUri: 'qemu:///system', hostIds: ['lab', 'lab2'], retire } as never, parsed.params as never);
}
const refusal = (r: PlanResult) => (r.ok ? 'planned' : r.error);

describe('retire-moved-guest', () => {
  it('checks lab2 still has db01 and lab has it shut off, then undefines db01 on lab and removes vg0/db; post-checks re-read lab', () => {
    const r = plan({});
    expect(refusal(r)).toBe('planned');
    if (!r.ok) return;
    expect(r.plan.steps.map((s) => [s.kind === 'run' ? (s.host ?? 'lab') : s.kind, s.title, s.kind === 'run' ? s.argv : []])).toEqual([
      ['lab2', 'Check that db01 is still defined on lab2', ['virsh', '--connect', 'qemu:///system', 'domstate', '--domain', DB01]],
      ['lab', 'Check that db01 is shut off on lab', ['sh', '-c', expect.stringContaining('domstate') as unknown as string, 'sh', 'qemu:///system', DB01, 'shut off']],
      ['lab', 'Undefine db01 on lab', ['virsh', '--connect', 'qemu:///system', 'undefine', '--domain', DB01]],
      ['lab', 'Remove lab:vg0/db (128 MiB)', ['lvremove', '-y', 'vg0/db']],
    ]);
    expect(r.plan.postChecks).toEqual([
      { title: 'db01 is no longer defined on lab', check: { type: 'domain-absent', domain: 'db01', uuid: DB01 } },
      { title: 'vg0/db is removed', check: { type: 'lv-absent', vg: 'vg0', lv: 'db' } },
    ]);
    expect(r.plan.destructive).toBe(true);
    expect(r.plan.params.retire).toEqual({ guest: 'db01', uuid: DB01, source: 'lab', target: 'lab2', lvs: [{ vg: 'vg0', lv: 'db', bytes: 128 * MiB, disk: 'vda' }], nvram: null, kept: [] } satisfies RetireReview);
    expect(r.plan.preflight.filter((c) => !c.ok)).toEqual([]);
  });

  it('undefines with --nvram when the old copy has UEFI variables, and names the file', () => {
    const r = plan({}, { nvram: '/var/lib/libvirt/qemu/nvram/db01_VARS.fd' });
    expect(r.ok && r.plan.steps[2]).toMatchObject({ title: 'Undefine db01 on lab with its UEFI variables', argv: ['virsh', '--connect', 'qemu:///system', 'undefine', '--domain', DB01, '--nvram'] });
    expect(r.ok && r.plan.consequences[0]).toContain('/var/lib/libvirt/qemu/nvram/db01_VARS.fd');
  });

  it('accepts a disk moved as a qcow2 file when its virtual size is the LV\'s, read on the target', () => {
    const file = '/var/lib/cowherd/backups/db01-vda.qcow2';
    const onTarget = { ...db01, disks: [{ target: 'vda', source: file, vg: null, lv: null }] };
    expect(refusal(plan({}, { target: target([onTarget], [], { fileSizes: { [file]: 128 * MiB } }) }))).toBe('planned');
    expect(refusal(plan({}, { target: target([onTarget], [], { fileSizes: { [file]: null }, fileErrors: { [file]: 'qemu-img: Could not open' } }) }))).toContain(
      `Disk vda is on lab2: the size of lab2:${file} could not be read: qemu-img: Could not open`,
    );
  });

  it.each([
    ['the guest is still running', { domain: WEB01, confirmName: 'web01' }, {}, 'web01 is shut off on lab: web01 is running on lab: only a shut-off old copy can be removed'],
    ['the guest is not defined on the target', {}, { target: target([]) }, 'db01 is defined on lab2 with the same UUID: not defined on lab2: db01 (d0ca08a4-48eb-4ea4-8bdf-349e521f51a8) is not there, so removing it here would lose the guest'],
    ['the UUID differs on the target', {}, { target: target([{ ...db01, uuid: '11111111-2222-3333-4444-555555555555' }]) }, 'UUID differs: lab2 has a guest named db01 with UUID 11111111-2222-3333-4444-555555555555, not d0ca08a4'],
    ['the UUID is there under another name', {}, { target: target([{ ...db01, name: 'db01-new' }]) }, 'UUID differs in name: lab2 has UUID d0ca08a4-48eb-4ea4-8bdf-349e521f51a8 as db01-new, not db01'],
    ['the target lacks the disk', {}, { target: target([{ ...db01, disks: [] }]) }, 'Disk vda is on lab2: db01 on lab2 has no disk vda: the copy of vg0/db is not there'],
    ['the target disk is smaller', {}, { target: target(undefined, [{ ...dbLv, sizeBytes: 64 * MiB }]) }, 'lab2:vg0/db has 64 MiB, less than vg0/db (128 MiB): it is not a whole copy'],
    ['autostart is enabled on the source', {}, { autostart: true }, 'Autostart of db01 is disabled on lab: autostart is enabled on lab'],
    ['autostart could not be read', {}, { autostart: null, autostartError: 'virsh dominfo: error: failed to connect' }, 'Autostart of db01 is disabled on lab: virsh dominfo: error: failed to connect'],
    ['the target could not be read', {}, { target: target(undefined, undefined, { inv: null, error: 'cannot read lab2: ssh: connect refused' }) }, 'lab2 is reachable with libvirt: cannot read lab2: ssh: connect refused'],
    ['the target is the source', { target: 'lab' }, {}, 'The target is another configured host'],
    ['the name is not confirmed', { confirmName: 'db' }, {}, 'The name was typed to confirm: type "db01" to confirm the removal'],
  ] as const)('refuses when %s, with the reason', (_, params, facts, reason) => {
    expect(refusal(plan(params, facts))).toContain(reason);
  });

  it('refuses an LV with snapshots and lists them, and an LV another guest uses or that is open', () => {
    const snap: InventoryLv = { ...dbLv, name: 'db_snap_1', kind: 'snapshot', origin: 'db', attr: 'swi-a-s---', uuid: 'x1' };
    const snap2: InventoryLv = { ...dbLv, name: 'db_snap_2', kind: 'snapshot', origin: 'db', attr: 'swi-a-s---', uuid: 'x2' };
    expect(refusal(plan({}, {}, { ...seed, lvs: [...seed.lvs, snap, snap2] }))).toContain('vg0/db has no snapshots: vg0/db has snapshots: db_snap_1, db_snap_2; lvremove would remove them with it');
    const other: InventoryDomain = { name: 'db01-twin', uuid: 'aaaaaaaa-2222-3333-4444-555555555555', state: 'shut off', agent: false, disks: [{ target: 'vdb', source: '/dev/vg0/db', vg: 'vg0', lv: 'db' }] };
    expect(refusal(plan({}, {}, { ...seed, domains: [...seed.domains, other] }))).toContain('vg0/db is used by no other guest: vg0/db is also a disk of db01-twin on lab');
    const open = seed.lvs.map((l) => (l.name === 'db' ? { ...l, open: true, attr: '-wi-ao----' } : l));
    expect(refusal(plan({}, {}, { ...seed, lvs: open }))).toContain('vg0/db is not open: lab:vg0/db is open (attr -wi-ao----)');
  });

  it('keeps disks that are not LVs and says so, without removing anything for them', () => {
    const inv = { ...seed, domains: seed.domains.map((d) => (d.name === 'db01' ? { ...d, disks: [...d.disks, { target: 'sda', source: '/srv/iso/debian.iso', vg: null, lv: null }] } : d)) };
    const r = plan({}, {}, inv);
    expect(r.ok && r.plan.steps.filter((s) => s.kind === 'run' && s.argv[0] === 'lvremove').length).toBe(1);
    expect(r.ok && (r.plan.params.retire as RetireReview).kept).toEqual(['sda: /srv/iso/debian.iso (not an LV of lab: left as it is)']);
  });

  it('refuses unknown parameters and a bad host id before planning', () => {
    expect(parseOperation('retire-moved-guest', { domain: DB01, target: 'lab2', confirmName: 'db01', force: true }).ok).toBe(false);
    expect(parseOperation('retire-moved-guest', { domain: DB01, target: 'Lab 2', confirmName: 'db01' }).ok).toBe(false);
  });
});

describe('retire facts', () => {
  it('reads Autostart from virsh dominfo (recorded from libvirt 9.0)', () => {
    const out = (a: string) => `Id:             -\nName:           db01\nUUID:           ${DB01}\nOS Type:        hvm\nState:          shut off\nCPU(s):         1\nMax memory:     32768 KiB\nUsed memory:    32768 KiB\nPersistent:     yes\nAutostart:      ${a}\nManaged save:   no\nSecurity model: none\nSecurity DOI:   0\n`;
    expect(parseDominfoAutostart(out('disable'))).toBe(false);
    expect(parseDominfoAutostart(out('enable'))).toBe(true);
    expect(parseDominfoAutostart('Name: x\n')).toBe(null);
  });

  it('reads the virtual size of qemu-img info --output=json', () => {
    expect(parseQemuImgVirtualSize('{"virtual-size": 134217728, "filename": "/x.qcow2", "format": "qcow2", "actual-size": 200704}')).toEqual({ ok: true, bytes: 134217728 });
    expect(parseQemuImgVirtualSize('qemu-img: Could not open').ok).toBe(false);
  });

  it('domain-absent post-check: passes when the UUID is gone, fails while virsh lists it', () => {
    const c = { type: 'domain-absent' as const, domain: 'db01', uuid: DB01 };
    expect(evaluatePostCheck(seed, c)).toEqual({ ok: false, detail: 'virsh still lists db01 (shut off)' });
    expect(evaluatePostCheck({ ...seed, domains: seed.domains.filter((d) => d.uuid !== DB01) }, c)).toEqual({ ok: true, detail: 'gone from virsh list --all' });
  });
});
