import { describe, expect, it } from 'vitest';
import { labInventory, WEB_SNAP_UUID } from './fixtures';
import { alertKey, evaluateHost, evaluateInventory, hostErrorReason, withDefaults } from './rules';
import type { AlertRule } from './types';

const defaults = withDefaults([]);
const rulesOf = (conds: { rule: string }[]) => conds.map((c) => c.rule).sort();

describe('evaluateInventory', () => {
  it('raises nothing for the recorded lab state (web_snap at 18.85 %)', () => {
    expect(evaluateInventory(labInventory(), defaults)).toEqual([]);
  });

  it('raises the fill warning at 80 % and both fill alerts at 95 %, with figures and the extend wizard', () => {
    const warn = evaluateInventory(labInventory({ snap: { cowPercent: 80 } }), defaults);
    expect(rulesOf(warn)).toEqual(['fill-warning']);
    const c = warn[0]!;
    expect(c).toMatchObject({
      key: `fill-warning:lab:vg0/${WEB_SNAP_UUID}`,
      severity: 'warning',
      host: 'lab',
      vg: 'vg0',
      lv: 'web_snap',
      lvUuid: WEB_SNAP_UUID,
      summary: 'vg0/web_snap: COW area 80.00% full (rule: ≥ 80%)',
      link: { label: 'Extend', href: '/hosts/lab/extend?vg=vg0&snapshot=web_snap' },
    });
    expect(c.figures).toMatchObject({ fillPercent: 80, sizeBytes: 32 * 1024 * 1024, vgFreeBytes: 3854565376 });
    expect(rulesOf(evaluateInventory(labInventory({ snap: { cowPercent: 95.5 } }), defaults))).toEqual(['fill-critical', 'fill-warning']);
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 79.99 } }), defaults)).toEqual([]);
  });

  it('keeps a firing fill alert until the fill is a point below the threshold (hysteresis)', () => {
    const inv = labInventory({ snap: { cowPercent: 79.5 } });
    const firing = new Set([alertKey('fill-warning', 'lab', 'vg0', WEB_SNAP_UUID)]);
    expect(rulesOf(evaluateInventory(inv, defaults, { firing }))).toEqual(['fill-warning']);
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 78.9 } }), defaults, { firing })).toEqual([]);
  });

  it('raises time-to-full below 6 h from the trend, with rate and hours in the figures', () => {
    const trends = new Map([[WEB_SNAP_UUID, { ratePerHour: 20, hoursToFull: 4 }]]);
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 20 } }), defaults, { trends });
    expect(rulesOf(conds)).toEqual(['time-to-full']);
    expect(conds[0]!.figures).toMatchObject({ fillPercent: 20, ratePerHour: 20, hoursToFull: 4 });
    expect(conds[0]!.summary).toBe('vg0/web_snap: COW area full in about 4 h at +20.00 %/h (rule: < 6 h)');
    const slow = new Map([[WEB_SNAP_UUID, { ratePerHour: 1, hoursToFull: 80 }]]);
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 20 } }), defaults, { trends: slow })).toEqual([]);
    // Firing: ends only at 1.25 x the threshold.
    const firing = new Set([alertKey('time-to-full', 'lab', 'vg0', WEB_SNAP_UUID)]);
    const seven = new Map([[WEB_SNAP_UUID, { ratePerHour: 10, hoursToFull: 7 }]]);
    expect(rulesOf(evaluateInventory(labInventory({ snap: { cowPercent: 30 } }), defaults, { trends: seven, firing }))).toEqual(['time-to-full']);
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 30 } }), defaults, { trends: seven })).toEqual([]);
  });

  it('raises only "snapshot invalid" for an invalid snapshot (reported 100 % full), linking to remove', () => {
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 100, invalid: true, attr: 'swi-I-s---' } }), defaults, {
      trends: new Map([[WEB_SNAP_UUID, { ratePerHour: 50, hoursToFull: 0 }]]),
    });
    expect(conds.map((c) => [c.rule, c.severity, c.link?.href])).toEqual([
      ['snapshot-invalid', 'critical', '/hosts/lab/remove?vg=vg0&snapshot=web_snap'],
    ]);
  });

  it('raises "merge failed" (critical, merge wizard) and no fill alerts for a merging snapshot', () => {
    const failed = evaluateInventory(labInventory({ snap: { mergeFailed: true, cowPercent: 90 } }), defaults);
    expect(failed.map((c) => [c.rule, c.severity, c.link?.href])).toEqual([
      ['merge-failed', 'critical', '/hosts/lab/merge?vg=vg0&snapshot=web_snap'],
    ]);
    expect(evaluateInventory(labInventory({ snap: { merging: true, cowPercent: 90 } }), defaults)).toEqual([]);
  });

  it('says nothing about an inactive snapshot (no data_percent)', () => {
    expect(evaluateInventory(labInventory({ snap: { cowPercent: null, active: false } }), defaults)).toEqual([]);
  });

  it('raises "cannot auto-extend" with the reason', () => {
    const blocked = new Map([[WEB_SNAP_UUID, 'no free space in vg0 (0 B free)']]);
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 75 } }), defaults, { blocked });
    expect(conds.map((c) => [c.rule, c.summary])).toEqual([
      ['autoextend-blocked', 'cannot auto-extend vg0/web_snap: no free space in vg0 (0 B free)'],
    ]);
  });

  it('follows the stored rules: thresholds, severities, disabled rules', () => {
    const rules: AlertRule[] = withDefaults([
      { id: 'fill-warning', enabled: false, severity: 'warning', threshold: 80 },
      { id: 'fill-critical', enabled: true, severity: 'warning', threshold: 50 },
    ]);
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 85 } }), rules);
    expect(conds.map((c) => [c.rule, c.severity])).toEqual([['fill-critical', 'warning']]);
  });
});

describe('evaluateHost', () => {
  it('raises "host unreachable" from the second failed read in a row by default', () => {
    expect(evaluateHost('lab', 1, 'ssh: connect to host 127.0.0.1 port 2250: Connection refused', defaults)).toEqual([]);
    const [c] = evaluateHost('lab', 2, 'ssh: connect to host 127.0.0.1 port 2250: Connection refused', defaults);
    expect(c).toMatchObject({
      key: 'host-unreachable:lab',
      severity: 'critical',
      summary: 'host unreachable (2 failed reads in a row): ssh: connect to host 127.0.0.1 port 2250: Connection refused',
      link: null,
    });
    expect(evaluateHost('lab', 0, undefined, defaults)).toEqual([]);
  });

  it('keeps the reason of a failed read, not the inventory script', () => {
    // As lib/host's CommandError words it (recorded from a host whose ssh port was closed).
    const script = 'sh -c set -u\numask 077\nif [ -n "$b" ]; then sec agents virsh -c qemu:///system "$b echo @@end"; fi';
    expect(hostErrorReason(`${script}: host unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused`)).toBe(
      'host unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused',
    );
    expect(hostErrorReason(`${script}: timed out`)).toBe('timed out');
    expect(hostErrorReason(`${script}: exited with code 5: No volume groups found`)).toBe('exited with code 5: No volume groups found');
    expect(hostErrorReason('unknown host lab2')).toBe('unknown host lab2');
    const [c] = evaluateHost('lab', 3, `${script}: timed out`, defaults);
    expect(c?.summary).toBe('host unreachable (3 failed reads in a row): timed out');
    const [d] = evaluateHost('lab', 2, `${script}: host unreachable: ssh: connect to host 127.0.0.1 port 1: Connection refused`, defaults);
    expect(d?.summary).toBe('host unreachable (2 failed reads in a row): ssh: connect to host 127.0.0.1 port 1: Connection refused');
  });
});
