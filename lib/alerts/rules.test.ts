import { describe, expect, it } from 'vitest';
import { labInventory, POOL_UUID, WEB_SNAP_UUID } from './fixtures';
import { alertKey, evaluateHost, evaluatePolicies, evaluateInventory, hostErrorReason, timeToFull, trendNotReliable, withDefaults } from './rules';
import type { AlertRule } from './types';

const defaults = withDefaults([]);
const rulesOf = (conds: { rule: string }[]) => conds.map((c) => c.rule).sort();
const webSnapOf = (inv: ReturnType<typeof labInventory>) => inv.lvs.find((l) => l.name === 'web_snap')!;

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
    const trends = { [WEB_SNAP_UUID]: { ratePerHour: 20, hoursToFull: 4, reliable: true } };
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 20 } }), defaults, { trends });
    expect(rulesOf(conds)).toEqual(['time-to-full']);
    expect(conds[0]!.figures).toMatchObject({ fillPercent: 20, ratePerHour: 20, hoursToFull: 4 });
    expect(conds[0]!.summary).toBe('vg0/web_snap: COW area full in about 4 h at +20.00 %/h (rule: < 6 h)');
    const slow = { [WEB_SNAP_UUID]: { ratePerHour: 1, hoursToFull: 80, reliable: true } };
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 20 } }), defaults, { trends: slow })).toEqual([]);
    // Firing: ends only at 1.25 x the threshold.
    const firing = new Set([alertKey('time-to-full', 'lab', 'vg0', WEB_SNAP_UUID)]);
    const seven = { [WEB_SNAP_UUID]: { ratePerHour: 10, hoursToFull: 7, reliable: true } };
    expect(rulesOf(evaluateInventory(labInventory({ snap: { cowPercent: 30 } }), defaults, { trends: seven, firing }))).toEqual(['time-to-full']);
    expect(evaluateInventory(labInventory({ snap: { cowPercent: 30 } }), defaults, { trends: seven })).toEqual([]);
  });

  it('raises only "snapshot invalid" for an invalid snapshot (reported 100 % full), linking to remove', () => {
    const conds = evaluateInventory(labInventory({ snap: { cowPercent: 100, invalid: true, attr: 'swi-I-s---' } }), defaults, {
      trends: { [WEB_SNAP_UUID]: { ratePerHour: 50, hoursToFull: 0, reliable: true } },
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

  it('raises time-to-full only from a reliable trend: a burst of writes does not say "full in 9 s"', () => {
    // What the trend gives while it has fewer than 3 samples or less than a minute of them (lib/alerts/trend.ts).
    const burst = { [WEB_SNAP_UUID]: { ratePerHour: null, hoursToFull: null, reliable: false } };
    const inv = labInventory({ snap: { cowPercent: 60 } });
    expect(evaluateInventory(inv, defaults, { trends: burst })).toEqual([]);
    expect(trendNotReliable(webSnapOf(inv), burst[WEB_SNAP_UUID])).toBe(true);
    expect(trendNotReliable(webSnapOf(inv), undefined)).toBe(true);
    // An unreliable trend that still carries figures is ignored too: one rule for the page and the engine.
    const forged = { ratePerHour: 14_400, hoursToFull: 0.0025, reliable: false };
    expect(timeToFull(webSnapOf(inv), forged)).toBeNull();
    expect(evaluateInventory(inv, defaults, { trends: { [WEB_SNAP_UUID]: forged } })).toEqual([]);
    const steady = { ratePerHour: 20, hoursToFull: 2, reliable: true };
    expect(timeToFull(webSnapOf(inv), steady)).toBe(2);
    expect(trendNotReliable(webSnapOf(inv), steady)).toBe(false);
    expect(rulesOf(evaluateInventory(inv, defaults, { trends: { [WEB_SNAP_UUID]: steady } }))).toEqual(['time-to-full']);
  });

  it('gives no time to full for a merging, invalid, inactive or full snapshot', () => {
    const steady = { ratePerHour: 20, hoursToFull: 2, reliable: true };
    for (const snap of [{ merging: true }, { invalid: true, cowPercent: 100 }, { cowPercent: null, active: false }, { cowPercent: 100 }]) {
      const inv = labInventory({ snap });
      expect(timeToFull(webSnapOf(inv), steady)).toBeNull();
      expect(trendNotReliable(webSnapOf(inv), undefined)).toBe(false);
    }
  });

  it('raises the thin-pool rules on data or metadata at 80 % (warning) and 90 % (critical), linking to the VG', () => {
    expect(evaluateInventory(labInventory({ pool: { dataPercent: 79.9, metadataPercent: 11.04 } }), defaults)).toEqual([]);
    const warn = evaluateInventory(labInventory({ pool: { dataPercent: 85 } }), defaults);
    expect(warn.map((c) => [c.rule, c.severity, c.summary, c.link?.href])).toEqual([
      ['pool-warning', 'warning', 'vg1/pool: thin pool data 85.00% full (rule: ≥ 80%)', '/vgs/lab/vg1'],
    ]);
    expect(warn[0]).toMatchObject({ key: `pool-warning:lab:vg1/${POOL_UUID}`, vg: 'vg1', lv: 'pool', lvUuid: POOL_UUID });
    expect(warn[0]!.figures).toEqual({ fillPercent: 85, metadataPercent: 11.04, sizeBytes: 1073741824 });
    // Metadata counts as much as data: a pool stops when either is full.
    const meta = evaluateInventory(labInventory({ pool: { dataPercent: 2, metadataPercent: 93 } }), defaults);
    expect(meta.map((c) => [c.rule, c.summary])).toEqual([
      ['pool-warning', 'vg1/pool: thin pool metadata 93.00% full (rule: ≥ 80%)'],
      ['pool-critical', 'vg1/pool: thin pool metadata 93.00% full (rule: ≥ 90%)'],
    ]);
    // Hysteresis as for the snapshot fill, and stored thresholds.
    const firing = new Set([alertKey('pool-warning', 'lab', 'vg1', POOL_UUID)]);
    expect(rulesOf(evaluateInventory(labInventory({ pool: { dataPercent: 79.5 } }), defaults, { firing }))).toEqual(['pool-warning']);
    const rules = withDefaults([{ id: 'pool-warning', enabled: true, severity: 'critical', threshold: 50 }, { id: 'pool-critical', enabled: false, severity: 'critical', threshold: 90 }]);
    expect(evaluateInventory(labInventory({ pool: { dataPercent: 95 } }), rules).map((c) => [c.rule, c.severity])).toEqual([['pool-warning', 'critical']]);
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

describe('policy rules (issue 12)', () => {
  const base = { id: 3, name: 'thin', host: 'lab', enabled: true, createdAt: '2026-11-30T10:00:00Z', lastSuccessAt: '2026-11-30T10:05:00Z', failureStreak: 0 };
  const now = Date.parse('2026-11-30T12:00:00Z');
  const rules = withDefaults([]);

  it('"policy failed" holds with one key for the whole streak and ends with a success', () => {
    const one = evaluatePolicies([{ ...base, lastFinished: { id: 7, result: 'failed', reason: 'no logical volume vg1/x' }, failureStreak: 1 }], rules, now);
    const three = evaluatePolicies([{ ...base, lastFinished: { id: 9, result: 'failed', reason: 'no logical volume vg1/x' }, failureStreak: 3 }], rules, now);
    expect(one.map((c) => c.key)).toEqual(['policy-failed:lab:policy-3']);
    expect(three.map((c) => c.key)).toEqual(one.map((c) => c.key));
    expect(three[0]?.summary).toBe('policy thin: run #9 failed (3 in a row): no logical volume vg1/x');
    expect(evaluatePolicies([{ ...base, lastFinished: { id: 10, result: 'ok', reason: null } }], rules, now)).toEqual([]);
  });

  it('"policy behind" fires when the newest success is older than the threshold, never for a disabled policy', () => {
    const stale = { ...base, lastFinished: null, lastSuccessAt: '2026-11-29T08:00:00Z' };
    expect(evaluatePolicies([stale], rules, now).map((c) => c.rule)).toEqual(['policy-stale']);
    expect(evaluatePolicies([{ ...stale, enabled: false }], rules, now)).toEqual([]);
    expect(evaluatePolicies([stale], rules.map((r) => (r.id === 'policy-stale' ? { ...r, threshold: 48 } : r)), now)).toEqual([]);
  });
});
