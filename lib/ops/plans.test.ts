import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '@/lib/inventory/collect';
import type { Inventory } from '@/lib/inventory/types';
import { parseOperation } from './registry';
import { planScript } from './render';
import type { PlanResult, Step } from './types';

// Plans made from inventories recorded in the lab (lib/inventory/fixtures/README.md says how): vg0/web with the
// classic snapshot web_snap (32 MiB, 18.85 % full) used by web01 (running, no guest agent), vg0/db used by db01
// (shut off), vg1/thin1 with the thin snapshot thin1_snap.
const recorded = (name: string) =>
  parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures', name), 'utf8'), 1);
const EXPORT_DIR = '/var/lib/cowherd-exports';
/** web01's UUID in the recorded inventories: guests are acted on by it, on the host's connection URI. */
const WEB01 = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
const VIRSH = 'virsh --connect qemu:///system';

function plan(operation: string, params: unknown, inv: Inventory = recorded('inventory-snapshots.txt'), libvirtUri?: string): PlanResult {
  const parsed = parseOperation(operation, params);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.def.plan({ inv, exportDir: EXPORT_DIR, now: new Date('2026-11-27T06:30:00Z'), libvirtUri }, parsed.params as never);
}
const argvs = (r: PlanResult) => (r.ok ? r.plan.steps.flatMap((s: Step) => (s.kind === 'run' ? [s.argv.join(' ')] : [`wait: ${s.title}`])) : []);
/** The same inventory with one LV changed, as lvs would show it in another state. */
function withLv(name: string, change: Record<string, unknown>): Inventory {
  const inv = recorded('inventory-snapshots.txt');
  return { ...inv, lvs: inv.lvs.map((l) => (l.name === name ? { ...l, ...change } : l)) };
}

describe('create-snapshot', () => {
  it('suspends and resumes web01 (no guest agent) around lvcreate, with a default name and a 20 % COW area', () => {
    const r = plan('create-snapshot', { vg: 'vg0', origin: 'web' });
    expect(argvs(r)).toEqual([`${VIRSH} suspend --domain ${WEB01}`, 'lvcreate -s -L 52m -n web_snap_20261127-0630 vg0/web', `${VIRSH} resume --domain ${WEB01}`]);
    expect(r.ok && r.plan.steps.map((s) => s.kind === 'run' && s.role)).toEqual(['suspend', 'snapshot', 'resume']);
    expect(r.ok && r.plan.steps[2]).toMatchObject({ cleanup: { after: 0 } });
    expect(r.ok && r.plan.destructive).toBe(false);
  });

  it('refuses a guest-agent freeze when the agent does not answer', () => {
    const r = plan('create-snapshot', { vg: 'vg0', origin: 'web', consistency: 'freeze' });
    expect(!r.ok && r.error).toContain('guest agent does not answer');
  });

  it('makes a thin snapshot of a thin volume without a size or a guest step', () => {
    expect(argvs(plan('create-snapshot', { vg: 'vg1', origin: 'thin1', name: 't2' }))).toEqual(['lvcreate -s -n t2 vg1/thin1']);
  });

  it('refuses a taken name and a COW area larger than the free space, saying why', () => {
    const taken = plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'web_snap' });
    expect(taken).toMatchObject({ ok: false, error: 'Snapshot name is free: vg0/web_snap already exists' });
    const big = plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'x', sizeBytes: 64 * 1024 ** 3 });
    expect(big.ok).toBe(false);
    expect(!big.ok && big.error).toMatch(/^COW area fits in the free space: 65536 MiB asked, only \d+ MiB free in vg0$/);
  });

  it('refuses a snapshot of a snapshot', () => {
    const r = plan('create-snapshot', { vg: 'vg0', origin: 'web_snap', name: 'x' });
    expect(!r.ok && r.error).toContain('vg0/web_snap is a snapshot volume');
  });
});

describe('preflight details', () => {
  it('say what a passing check found, never the reason it would fail', () => {
    const r = plan('remove-snapshot', { vg: 'vg0', snapshot: 'web_snap', confirmName: 'web_snap' });
    expect(r.ok).toBe(true);
    const preflight = r.ok ? r.plan.preflight : [];
    expect(preflight.every((c) => c.ok)).toBe(true);
    expect(preflight.map((c) => c.detail ?? '').join(' | ')).not.toMatch(/cannot|type "|refuse|not found|no logical/);
    expect(preflight.find((c) => c.title === 'Snapshot exists')?.detail).toMatch(/^vg0\/web_snap \(s/);
  });
});

describe('remove-snapshot', () => {
  it('runs lvremove only after the name was typed', () => {
    expect(plan('remove-snapshot', { vg: 'vg0', snapshot: 'web_snap', confirmName: 'web' })).toMatchObject({
      ok: false,
      error: 'The name was typed to confirm: type "web_snap" to confirm',
    });
    expect(argvs(plan('remove-snapshot', { vg: 'vg0', snapshot: 'web_snap', confirmName: 'web_snap' }))).toEqual(['lvremove -y vg0/web_snap']);
  });

  it('refuses a merging snapshot and a volume that is not a snapshot', () => {
    const merging = plan('remove-snapshot', { vg: 'vg0', snapshot: 'web_snap', confirmName: 'web_snap' }, withLv('web_snap', { merging: true }));
    expect(!merging.ok && merging.error).toContain('being merged cannot be removed');
    const origin = plan('remove-snapshot', { vg: 'vg0', snapshot: 'web', confirmName: 'web' });
    expect(!origin.ok && origin.error).toContain('Cowherd removes only snapshots');
  });
});

describe('export-snapshot', () => {
  it('refuses an existing file or a symlink, converts under umask 077, compares, and reads as much as the origin holds', () => {
    const r = plan('export-snapshot', { vg: 'vg0', snapshot: 'web_snap', file: 'web.qcow2', compress: true });
    const steps = r.ok ? r.plan.steps : [];
    expect(steps.map((s) => (s.kind === 'run' ? [s.role, ...s.argv] : []))).toEqual([
      ['mkdir', 'mkdir', '-p', EXPORT_DIR],
      // The script is constant; the path is a positional argument.
      ['check', 'sh', '-c', 'test ! -e "$1" && test ! -L "$1"', 'sh', `${EXPORT_DIR}/web.qcow2`],
      ['export', 'sh', '-c', 'umask 077; exec "$@"', 'sh', 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', '-c', '/dev/vg0/web_snap', `${EXPORT_DIR}/web.qcow2`],
      ['verify', 'qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', '/dev/vg0/web_snap', `${EXPORT_DIR}/web.qcow2`],
    ]);
    expect(r.ok && r.plan.consequences[0]).toContain('256 MiB, the size of its origin');
  });

  it('activates an inactive thin snapshot with -K and deactivates it afterwards, even after a failure', () => {
    const r = plan('export-snapshot', { vg: 'vg1', snapshot: 'thin1_snap', file: 't.qcow2' });
    expect(argvs(r)).toContain('lvchange -ay -K vg1/thin1_snap');
    const steps = r.ok ? r.plan.steps : [];
    const activate = steps.findIndex((s) => s.kind === 'run' && s.argv.join(' ') === 'lvchange -ay -K vg1/thin1_snap');
    expect(steps.at(-1)).toMatchObject({ argv: ['lvchange', '-an', 'vg1/thin1_snap'], cleanup: { after: activate } });
  });

  it('never writes outside the export directory', () => {
    for (const file of ['../etc/passwd', '/etc/x.qcow2', 'a/b.qcow2', '..']) {
      expect(parseOperation('export-snapshot', { vg: 'vg0', snapshot: 'web_snap', file }).ok, file).toBe(false);
    }
  });
});

describe('merge-snapshot (rollback)', () => {
  it('refuses "now" while web01 runs on the origin, and says what to do', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'now' });
    expect(!r.ok && r.error).toContain('web01 is running: shut it down first, or schedule the merge');
  });

  it('shuts web01 down, merges, waits for the end and starts it again', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'shutdown', forceOff: true });
    expect(argvs(r)).toEqual([
      `${VIRSH} shutdown --domain ${WEB01}`,
      'wait: Wait until web01 is shut off',
      'lvconvert --merge --interval 1 vg0/web_snap',
      'wait: Wait until the merge of vg0/web_snap has finished',
      `${VIRSH} start --domain ${WEB01}`,
    ]);
    const wait = r.ok ? r.plan.steps[1] : undefined;
    expect(wait).toMatchObject({
      kind: 'wait',
      wait: { type: 'domain-state', guest: { uuid: WEB01, name: 'web01', uri: 'qemu:///system' }, states: ['shut off'] },
      onTimeout: { role: 'destroy', argv: ['virsh', '--connect', 'qemu:///system', 'destroy', '--domain', WEB01] },
    });
    expect(r.ok && planScript(r.plan)[1]).toContain(`virsh --connect qemu:///system domstate --domain ${WEB01}`);
    expect(r.ok && r.plan.postChecks.at(-1)?.check).toEqual({ type: 'domain-state', domain: 'web01', uuid: WEB01, states: ['running'] });
    expect(r.ok && r.plan.destructive && r.plan.resumable).toBe(true);
  });

  it('powers off only with the separate consent', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'shutdown' });
    expect(r.ok && r.plan.steps[1]).not.toHaveProperty('onTimeout');
  });

  it('refuses a failed merge, in rollback and in completion, with what to do by hand', () => {
    const inv = withLv('web_snap', { merging: true, mergeFailed: true });
    for (const r of [
      plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'schedule' }, inv),
      plan('complete-merge', { vg: 'vg0', snapshot: 'web_snap', shutdown: true }, inv),
    ]) {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toContain('find the cause in the kernel log (dmesg) and fix it, then retry on the host with lvconvert --merge vg0/web_snap');
    }
  });

  it('completes a pending merge: shut web01 down, drive the merge to its end, start web01', () => {
    const r = plan('complete-merge', { vg: 'vg0', snapshot: 'web_snap', shutdown: true }, withLv('web_snap', { merging: true }));
    expect(argvs(r)).toEqual([`${VIRSH} shutdown --domain ${WEB01}`, 'wait: Wait until web01 is shut off', 'wait: Wait until the merge of vg0/web_snap has finished', `${VIRSH} start --domain ${WEB01}`]);
    expect(r.ok && r.plan.steps[2]).toMatchObject({ wait: { type: 'merge-finished', drive: true } });
  });

  it('refuses to complete a merge that is not pending', () => {
    const r = plan('complete-merge', { vg: 'vg0', snapshot: 'web_snap' });
    expect(!r.ok && r.error).toContain('the snapshot is not merging');
  });

  it('schedules: one lvconvert --merge, which lvm2 defers while web01 has the origin open', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'schedule' });
    expect(r.ok && planScript(r.plan)).toEqual(['lvconvert --merge vg0/web_snap']);
  });
});

describe('guests are acted on by UUID, on the host\'s connection', () => {
  /** The recorded inventory with web01 renamed: a guest called "3" (virsh would read "3" as a domain ID). */
  function guestNamed(name: string, uuid: string | null = WEB01): Inventory {
    const inv = recorded('inventory-snapshots.txt');
    return {
      ...inv,
      domains: inv.domains.map((d) => (d.name === 'web01' ? { ...d, name, ...(uuid ? { uuid } : { uuid: undefined }) } : d)),
    };
  }

  it('shuts down, powers off and starts a guest named "3" (disk vg0/web) by its UUID with --connect, never as "3"', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'shutdown', forceOff: true }, guestNamed('3'));
    expect(r.ok).toBe(true);
    const steps = r.ok ? r.plan.steps : [];
    const virsh = steps.flatMap((s) => (s.kind === 'run' ? [s.argv] : s.kind === 'wait' && s.onTimeout ? [s.onTimeout.argv] : [])).filter((a) => a[0] === 'virsh');
    expect(virsh).toEqual([
      ['virsh', '--connect', 'qemu:///system', 'shutdown', '--domain', WEB01],
      ['virsh', '--connect', 'qemu:///system', 'destroy', '--domain', WEB01],
      ['virsh', '--connect', 'qemu:///system', 'start', '--domain', WEB01],
    ]);
    expect(virsh.flat()).not.toContain('3');
    expect(r.ok && planScript(r.plan).join('\n')).not.toMatch(/domstate (--domain )?3\b/);
  });

  it('uses the host\'s own libvirt URI', () => {
    const r = plan('create-snapshot', { vg: 'vg0', origin: 'web', name: 'x' }, undefined, 'qemu+ssh://admin@kvm1/system');
    expect(argvs(r)[0]).toBe(`virsh --connect qemu+ssh://admin@kvm1/system suspend --domain ${WEB01}`);
  });

  it('refuses to act on a guest whose UUID is unknown, saying so', () => {
    const r = plan('merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'shutdown' }, guestNamed('3', null));
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.error).toContain('Guests are known by their UUID: virsh did not list the UUID of "3"');
  });
});
