import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '@/lib/inventory/collect';
import type { Inventory } from '@/lib/inventory/types';
import { parseOperation } from '@/lib/ops/registry';
import type { PlanResult, Step } from '@/lib/ops/types';
import { parseCapabilities } from './capabilities';
import { domainXmlFacts } from './domain-xml';
import type { MoveFacts, TargetFacts } from './facts';
import type { MoveReview } from './plans';

// Plans from the lab's recorded seed inventory (lib/inventory/fixtures: web01 running without an agent on vg0/web,
// db01 shut off on vg0/db) and the domain XML recorded with `virsh dumpxml --migratable` (fixtures/README.md).
// The target is a second lab host as lab.sh up2 seeds it: vg0 and vg1, no LVs of lab's, no guests.
const seed = parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures/inventory-seed.txt'), 'utf8'), 1);
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const WEB01 = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
const DB01 = 'd0ca08a4-48eb-4ea4-8bdf-349e521f51a8';
const GiB = 1024 ** 3;

const CAPS = `<capabilities><host/><guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>
<emulator>/usr/bin/qemu-system-x86_64</emulator><machine maxCpus='255'>pc-i440fx-7.2</machine>
<machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine><machine maxCpus='288'>pc-q35-7.2</machine>
<machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine><domain type='qemu'/></arch></guest></capabilities>`;

function target(change: Partial<TargetFacts> = {}, invChange: Partial<Inventory> = {}): TargetFacts {
  return {
    host: 'lab2',
    uri: 'qemu:///system',
    backupDir: '/var/lib/cowherd/backups',
    exportDir: '/var/lib/cowherd/exports',
    inv: { ...seed, host: 'lab2', lvs: seed.lvs.filter((l) => l.vg === 'vg1' && l.name === 'pool'), domains: [], ...invChange },
    error: null,
    caps: parseCapabilities(CAPS),
    networks: [],
    probe: { emulator: true, nvramTaken: false, interfaces: ['lo', 'eth0'], avail: { '/var/lib/cowherd/backups': 2 * GiB, '/var/lib/cowherd/exports': 2 * GiB } },
    ...change,
  };
}

function plan(operation: 'move-guest' | 'copy-guest', params: Record<string, unknown>, facts: Partial<MoveFacts> = {}, inv: Inventory = seed): PlanResult {
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) throw new Error(parsed.error);
  const move: MoveFacts = { sourceXml: fixture(operation === 'move-guest' ? 'web01-migratable.xml' : 'db01-migratable.xml'), sourceXmlError: null, target: target(), ...facts };
  return parsed.def.plan({ inv, exportDir: '/x', libvirtUri: 'qemu:///system', hostIds: ['lab', 'lab2'], move, now: new Date('2026-11-30T22:00:00Z') } as never, parsed.params as never);
}
const line = (s: Step) =>
  s.kind === 'run' ? `${s.host ?? 'lab'}: ${s.argv[0] === 'sh' ? `sh -c ${s.argv[2]?.split(/[ ;]/)[0] ?? ''}` : s.argv.slice(0, 3).join(' ')}` : s.kind === 'pipe' ? `pipe ${s.from.host} -> ${s.to.host}: ${s.from.argv[0]} | ${s.to.argv[0] === 'sh' ? s.to.argv[2]?.split(' ')[0] ?? '' : s.to.argv[0]}` : `wait: ${s.title}`;
const titles = (r: PlanResult) => (r.ok ? r.plan.steps.map((s) => s.title) : []);
const refusal = (r: PlanResult) => (r.ok ? 'planned' : r.error);
const MOVE = { domain: 'web01', target: 'lab2', confirmName: 'web01' };

it('reads virsh capabilities: machine names and the canonical names they stand for', () => {
  expect(parseCapabilities(CAPS)).toEqual([{ arch: 'x86_64', osType: 'hvm', emulators: ['/usr/bin/qemu-system-x86_64'], machines: ['pc-i440fx-7.2', 'pc', 'pc-q35-7.2', 'q35'], domainTypes: ['qemu'] }]);
});

describe('move-guest', () => {
  it('shuts web01 down, copies and verifies its LV through the server, defines and starts it on lab2, disables autostart on lab', () => {
    const r = plan('move-guest', MOVE);
    expect(r.ok).toBe(true);
    expect(titles(r)).toEqual([
      'Shut down web01 on lab (ACPI)',
      'Wait until web01 is shut off',
      'Create lab2:vg0/web (256 MiB)',
      'Copy vda to lab2:/dev/vg0/web',
      'Verify vda: SHA-256 on lab and lab2',
      'Define web01 on lab2 (same name, UUID and MAC addresses)',
      'Start web01 on lab2',
      'Check that web01 runs on lab2',
      'Disable autostart of web01 on lab (it stays defined, shut off)',
      'Take the half-made web01 off lab2',
      'Remove the partial copy lab2:vg0/web',
      'Start web01 again on lab',
    ]);
    if (!r.ok) return;
    const s = r.plan.steps;
    expect(s.map(line)).toEqual([
      `lab: virsh --connect qemu:///system`,
      'wait: Wait until web01 is shut off',
      'lab2: lvcreate -y -L',
      'pipe lab -> lab2: dd | dd',
      'pipe lab -> lab2: sh | want=$(head',
      'lab2: sh -c x=$1',
      'lab2: virsh --connect qemu:///system',
      'lab2: sh -c state=$(virsh',
      'lab: virsh --connect qemu:///system',
      'lab2: sh -c uri=$1',
      'lab2: sh -c n=$1',
      'lab: sh -c uri=$1',
    ]);
    expect(s[0]).toMatchObject({ kind: 'run', role: 'shutdown', argv: ['virsh', '--connect', 'qemu:///system', 'shutdown', '--domain', WEB01] });
    expect(s[2]).toMatchObject({ argv: ['lvcreate', '-y', '-L', '256m', '-n', 'web', 'vg0'], host: 'lab2', role: 'create' });
    expect(s[3]).toMatchObject({ kind: 'pipe', bytes: 256 * 1024 * 1024, from: { host: 'lab', argv: ['dd', 'if=/dev/vg0/web', 'bs=4M', 'status=none'] }, to: { host: 'lab2', argv: ['dd', 'of=/dev/vg0/web', 'bs=4M', 'iflag=fullblock', 'conv=fsync', 'status=none'] } });
    expect(s[6]).toMatchObject({ argv: ['virsh', '--connect', 'qemu:///system', 'start', '--domain', WEB01], host: 'lab2' });
    expect(s[8]).toMatchObject({ argv: ['virsh', '--connect', 'qemu:///system', 'autostart', '--disable', '--domain', WEB01] });
    // Undo only on failure and only until the guest started on lab2 (step 6).
    expect(s.slice(9).map((x) => x.cleanup)).toEqual([
      { after: 5, onFailure: true, unless: 6 },
      { after: 2, onFailure: true, unless: 6 },
      { after: 0, onFailure: true, unless: 6 },
    ]);
    // The XML defined on lab2 is the rewritten one, passed as one argument (never shell text), same UUID.
    const define = s[5];
    if (define?.kind !== 'run') throw new Error('no define step');
    const xml = define.argv[4] ?? '';
    expect(define.argv.slice(0, 4)).toEqual(['sh', '-c', 'x=$1; shift; printf "%s" "$x" | "$@"', 'sh']);
    expect(define.argv.slice(5)).toEqual(['virsh', '--connect', 'qemu:///system', 'define', '--file', '/proc/self/fd/0']);
    expect(domainXmlFacts(xml)).toMatchObject({ name: 'web01', uuid: domainXmlFacts(fixture('web01-migratable.xml')).uuid });
    expect(domainXmlFacts(xml).disks[0]).toMatchObject({ type: 'block', source: '/dev/vg0/web' });
    expect(r.plan.postChecks).toEqual([{ title: 'web01 is shut off on lab', check: { type: 'domain-state', domain: 'web01', uuid: WEB01, states: ['shut off'] } }]);
    expect(r.plan.destructive).toBe(true);
  });

  it('powers the guest off after the timeout only with consent, and puts the target LV where asked', () => {
    const r = plan('move-guest', { ...MOVE, forceOff: true, shutdownTimeoutS: 30, disks: { vda: { type: 'lv', vg: 'vg1', name: 'web01-root' } } });
    if (!r.ok) throw new Error(r.error);
    expect(r.plan.steps[1]).toMatchObject({ kind: 'wait', timeoutMs: 30_000, onTimeout: { role: 'destroy', argv: ['virsh', '--connect', 'qemu:///system', 'destroy', '--domain', WEB01] } });
    expect(r.plan.steps[2]).toMatchObject({ argv: ['lvcreate', '-y', '-L', '256m', '-n', 'web01-root', 'vg1'] });
    expect(plan('move-guest', MOVE).ok && (plan('move-guest', MOVE) as { plan: { steps: Step[] } }).plan.steps[1]).not.toHaveProperty('onTimeout');
    const review = r.plan.params.review as MoveReview;
    expect(review.xmlDiff).toMatch(/\n-\s+<source dev="\/dev\/vg0\/web"\/>/);
    expect(review.xmlDiff).toMatch(/\n\+\s+<source dev="\/dev\/vg1\/web01-root"\/>/);
  });

  it('moves a shut-off guest without shutdown, start or restart on the source', () => {
    const inv = { ...seed, domains: seed.domains.map((d) => (d.name === 'web01' ? { ...d, state: 'shut off' as const } : d)) };
    const r = plan('move-guest', MOVE, {}, inv);
    expect(titles(r).filter((t) => /Shut down|Start|Wait/.test(t))).toEqual([]);
    // Without a start on the target the move commits with the last step (autostart off on lab).
    if (r.ok) expect(r.plan.steps.find((s) => s.title.startsWith('Take the half-made'))?.cleanup).toEqual({ after: 3, onFailure: true, unless: 4 });
  });

  it.each([
    ['the name already defined on the target', {}, { domains: [{ name: 'web01', uuid: '11111111-2222-3333-4444-555555555555', state: 'shut off' as const, agent: false, disks: [] }] }, 'No guest named web01 on lab2: lab2 already has a guest named web01 (shut off)'],
    ['the UUID already defined on the target', {}, { domains: [{ name: 'other', uuid: WEB01, state: 'running' as const, agent: false, disks: [] }] }, `No guest with UUID ${WEB01} on lab2: lab2 already has this UUID as other`],
    ['not enough space', {}, { vgs: seed.vgs.map((v) => (v.name === 'vg0' ? { ...v, freeBytes: 100 * 1024 * 1024 } : v)) }, 'Enough free space in lab2:vg0: not enough space: 256 MiB needed, only 100 MiB free in lab2:vg0'],
    ['an LV of that name on the target', {}, { lvs: seed.lvs.map((l) => ({ ...l })) }, 'Target LV lab2:vg0/web is free: lab2 already has vg0/web: choose another name'],
    ['no emulator', { probe: { emulator: false, nvramTaken: false, interfaces: [], avail: {} } }, {}, 'The emulator exists on lab2: lab2 has no /usr/bin/qemu-system-x86_64'],
    ['a machine type the target lacks', { caps: [{ arch: 'x86_64', osType: 'hvm', emulators: [], machines: ['pc-q35-5.2'], domainTypes: ['qemu'] }] }, {}, 'machine type pc-i440fx-'],
    ['an unreachable target', { inv: null, error: 'cannot read lab2: ssh: connect to host 127.0.0.1 port 2271: Connection refused' }, {}, 'The target is reachable with libvirt: cannot read lab2: ssh: connect to host 127.0.0.1 port 2271: Connection refused'],
  ])('refuses %s with the reason', (_label, t: Partial<TargetFacts>, inv: Partial<Inventory>, reason) => {
    const base = target(t, inv);
    expect(refusal(plan('move-guest', MOVE, { target: { ...base, ...t, inv: t.inv === null ? null : base.inv } }))).toContain(reason);
  });

  it('refuses a missing bridge, and takes it when mapped to one the target has', () => {
    const xml = fixture('web01-migratable.xml').replace('</devices>', "<interface type='bridge'><mac address='52:54:00:01:02:03'/><source bridge='br-e2e'/><model type='virtio'/></interface></devices>");
    expect(refusal(plan('move-guest', MOVE, { sourceXml: xml }))).toContain('The bridge br-e2e exists on lab2: missing bridge: lab2 has no bridge br-e2e; map it to one of: eth0');
    const mapped = plan('move-guest', { ...MOVE, networks: { 'br-e2e': 'eth0' } }, { sourceXml: xml });
    if (!mapped.ok) throw new Error(mapped.error);
    expect((mapped.plan.params.review as MoveReview).xmlDiff).toMatch(/\n\+.*<source bridge="eth0"\/>/);
  });

  it('refuses the same host, an unknown host, a wrong confirmation and a guest that does not exist', () => {
    expect(refusal(plan('move-guest', { ...MOVE, target: 'lab' }, { target: null }))).toContain('the guest is on lab already');
    expect(refusal(plan('move-guest', { ...MOVE, target: 'nowhere' }, { target: null }))).toContain('not found: no configured host nowhere');
    expect(refusal(plan('move-guest', { ...MOVE, confirmName: 'web' }))).toContain('type "web01" to confirm the move');
    expect(refusal(plan('move-guest', { ...MOVE, domain: 'nope', confirmName: 'nope' }))).toContain('no guest nope on lab');
  });

  it('flags host-passthrough CPUs without refusing, and copies NVRAM when the guest has one', () => {
    const xml = fixture('web01-migratable.xml')
      .replace('</os>', "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram>/var/lib/libvirt/qemu/nvram/web01_VARS.fd</nvram></os><cpu mode='host-passthrough'/>");
    const r = plan('move-guest', MOVE, { sourceXml: xml });
    if (!r.ok) throw new Error(r.error);
    expect(r.plan.preflight.find((c) => c.title === 'CPU model')).toMatchObject({ ok: false, blocking: false });
    const nv = r.plan.steps.find((s) => s.title.startsWith('Copy the UEFI variables'));
    expect(nv).toMatchObject({ kind: 'pipe', from: { argv: ['cat', '--', '/var/lib/libvirt/qemu/nvram/web01_VARS.fd'] } });
  });
});

describe('copy-guest', () => {
  const COPY = { domain: DB01, target: 'lab2', name: 'db02', disks: { vda: { type: 'qcow2' } } };

  it('snapshots db01, streams the snapshot into a raw file on lab2, converts and compares it, defines db02 with a new UUID and MACs, removes the snapshot', () => {
    const r = plan('copy-guest', COPY);
    if (!r.ok) throw new Error(r.error);
    expect(titles(r)).toEqual([
      'Snapshot vg0/db as db_copy_20261130-2200',
      'Check lab2:/var/lib/cowherd/backups (writable, 256 MiB free)',
      'Check that lab2:/var/lib/cowherd/backups/db02-vda.qcow2 does not exist yet',
      'Check that lab2:/var/lib/cowherd/backups/db02-vda.qcow2.part does not exist yet',
      'Copy vda to lab2:/var/lib/cowherd/backups/db02-vda.qcow2.part',
      'Verify vda: SHA-256 on lab and lab2',
      'Convert vda to qcow2 on lab2',
      'Verify /var/lib/cowherd/backups/db02-vda.qcow2 against the raw copy (qemu-img compare)',
      'Define db02 on lab2 (new UUID and MAC addresses, not started)',
      'Remove the raw copy lab2:/var/lib/cowherd/backups/db02-vda.qcow2.part',
      'Remove the snapshot vg0/db_copy_20261130-2200',
      'Remove lab2:/var/lib/cowherd/backups/db02-vda.qcow2',
      'Remove lab2:/var/lib/cowherd/backups/db02-vda.qcow2.part',
    ]);
    const s = r.plan.steps;
    expect(s[4]).toMatchObject({ kind: 'pipe', from: { host: 'lab', argv: ['dd', 'if=/dev/vg0/db_copy_20261130-2200', 'bs=4M', 'status=none'] } });
    expect(s[4]?.kind === 'pipe' && s[4].to.argv.slice(-4)).toEqual(['of=/var/lib/cowherd/backups/db02-vda.qcow2.part', 'bs=4M', 'iflag=fullblock', 'conv=sparse,fsync', 'status=none'].slice(-4));
    expect(s[10]?.cleanup).toEqual({ after: 0 });
    expect(s[11]?.cleanup).toEqual({ after: 2, onFailure: true, unless: 8 });
    const define = s[8];
    const xml = define?.kind === 'run' ? (define.argv[4] ?? '') : '';
    const f = domainXmlFacts(xml);
    expect(f).toMatchObject({ name: 'db02', uuid: null });
    expect(f.disks[0]).toMatchObject({ type: 'file', source: '/var/lib/cowherd/backups/db02-vda.qcow2', format: 'qcow2' });
    expect(r.plan.postChecks.map((c) => c.title)).toEqual(['the snapshot vg0/db_copy_20261130-2200 is removed']);
  });

  it('suspends a running guest without an agent for the moment of the snapshot, and resumes it on every path', () => {
    const r = plan('copy-guest', { domain: 'web01', target: 'lab2', name: 'web02' }, { sourceXml: fixture('web01-migratable.xml') });
    if (!r.ok) throw new Error(r.error);
    expect(titles(r).slice(0, 3)).toEqual(['Suspend web01', 'Snapshot vg0/web as web_copy_20261130-2200', 'Resume web01']);
    expect(r.plan.steps[2]?.cleanup).toEqual({ after: 0 });
  });

  it('refuses a copy name that exists on the target, and a qcow2 directory that is not one of the target\'s', () => {
    const taken = target({}, { domains: [{ name: 'db02', uuid: '11111111-2222-3333-4444-555555555555', state: 'shut off', agent: false, disks: [] }] });
    expect(refusal(plan('copy-guest', COPY, { target: taken }))).toContain('lab2 already has a guest named db02 (shut off): choose another name');
    expect(refusal(plan('copy-guest', { ...COPY, disks: { vda: { type: 'qcow2', dir: '/etc' } } }))).toContain('/etc is neither the backup directory');
    expect(parseOperation('copy-guest', { ...COPY, name: '42' })).toMatchObject({ ok: false });
  });
});
