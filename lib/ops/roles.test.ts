import { describe, expect, it } from 'vitest';
import { roleOfArgv, withRoles } from './roles';
import type { Plan, Step } from './types';

describe('roles of steps stored before steps had one', () => {
  it.each([
    [['virsh', 'domfsfreeze', 'web01'], 'freeze'],
    [['virsh', 'domfsthaw', 'web01'], 'thaw'],
    [['virsh', 'suspend', 'web01'], 'suspend'],
    [['virsh', 'resume', 'web01'], 'resume'],
    [['virsh', 'shutdown', 'web01'], 'shutdown'],
    [['virsh', 'destroy', 'web01'], 'destroy'],
    [['virsh', 'start', 'web01'], 'start'],
    [['virsh', '--connect', 'qemu:///system', 'destroy', '--domain', 'x'], 'destroy'],
    [['lvcreate', '-s', '-L', '52m', '-n', 's', 'vg0/web'], 'snapshot'],
    [['lvextend', '-L', '+64m', 'vg0/s'], 'extend'],
    [['lvremove', '-y', 'vg0/s'], 'remove'],
    [['lvconvert', '--merge', '--interval', '1', 'vg0/s'], 'merge'],
    [['lvchange', '-ay', '-K', 'vg1/t'], 'activate'],
    [['lvchange', '-an', 'vg1/t'], 'deactivate'],
    [['lvchange', '--refresh', 'vg0/web'], 'refresh'],
    [['qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', '/dev/vg0/s', '/x.qcow2'], 'export'],
    [['sh', '-c', 'umask 077; exec "$@"', 'sh', 'qemu-img', 'convert', '/dev/vg0/s', '/x.qcow2'], 'export'],
    [['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', '/dev/vg0/s', '/x.qcow2'], 'verify'],
    [['mkdir', '-p', '/x'], 'mkdir'],
    [['test', '!', '-e', '/x/y.qcow2'], 'check'],
    [['true'], 'other'],
  ])('%j is %s', (argv, role) => {
    expect(roleOfArgv(argv)).toBe(role);
  });

  it('fills in missing roles of a stored plan (run steps and forced power-offs) and keeps the ones it has', () => {
    const stored = {
      operation: 'merge-snapshot',
      host: 'lab',
      params: {},
      summary: '',
      consequences: [],
      lockKey: 'lab:vg0',
      preflight: [],
      postChecks: [],
      destructive: true,
      steps: [
        { kind: 'run', title: 'Shut down web01', argv: ['virsh', 'shutdown', 'web01'] },
        { kind: 'wait', title: 'w', wait: { type: 'domain-state', domain: 'web01', states: ['shut off'] }, timeoutMs: 1, onTimeout: { title: 'off', argv: ['virsh', 'destroy', 'web01'] } },
        { kind: 'run', title: 'Merge', argv: ['lvconvert', '--merge', 'vg0/s'] },
        { kind: 'run', role: 'other', title: 'kept', argv: ['lvconvert', '--merge', 'vg0/s'] },
      ],
    } as unknown as Plan;
    const steps = withRoles(stored).steps;
    expect(steps.map((s: Step) => (s.kind === 'run' ? s.role : s.kind === 'wait' ? s.onTimeout?.role : s.role))).toEqual(['shutdown', 'destroy', 'merge', 'other']);
  });
});
