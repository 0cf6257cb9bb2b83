import { describe, expect, it } from 'vitest';
import type { HostInventoryResponse } from '@/lib/inventory/client';
import type { InventoryLv } from '@/lib/inventory/types';
import { withDefaults } from '@/lib/alerts/rules';
import type { AlertRule } from '@/lib/alerts/types';
import { fillSortValue, guestsByLv, hostAlerts, hoursToFull, snapshotRows } from './derive';

// LVs shaped like the lab's (lib/lvm/fixtures: web_snap at 18.85 %, the merge-deferred and invalid cases).
function lv(over: Partial<InventoryLv>): InventoryLv {
  return {
    vg: 'vg0',
    name: 'web',
    path: '/dev/vg0/web',
    sizeBytes: 268435456,
    attr: '-wi-a-----',
    kind: 'plain',
    origin: null,
    pool: null,
    cowPercent: null,
    active: true,
    open: false,
    merging: false,
    invalid: false,
    mergeFailed: false,
    skipActivation: false,
    createdAt: '2026-11-27T02:53:41.000Z',
    uuid: `uuid-${over.name ?? 'web'}`,
    hidden: false,
    dataPercent: null,
    metadataPercent: null,
    tags: [],
    ...over,
  };
}

const snap = (name: string, over: Partial<InventoryLv> = {}) =>
  lv({ name, kind: 'snapshot', attr: 'swi-a-s---', origin: 'web', sizeBytes: 33554432, cowPercent: 10, dataPercent: 10, ...over });

function inventory(lvs: InventoryLv[], over: Partial<HostInventoryResponse> = {}): HostInventoryResponse {
  return {
    host: 'lab',
    vgs: [{ name: 'vg0', sizeBytes: 4290772992, freeBytes: 3854565376, extentSizeBytes: 4194304, pvCount: 1, lvCount: lvs.length, snapCount: 1 }],
    lvs,
    domains: [
      { name: 'web01', state: 'running', agent: false, disks: [{ target: 'vda', source: '/dev/vg0/web', vg: 'vg0', lv: 'web' }] },
      { name: 'db01', state: 'shut off', agent: false, disks: [{ target: 'vda', source: '/dev/vg0/db', vg: 'vg0', lv: 'db' }] },
    ],
    libvirt: 'ok',
    collectedAt: '2026-11-27T03:11:30.000Z',
    durationMs: 400,
    reachable: true,
    trends: {},
    ...over,
  };
}

const lab = { id: 'lab', name: 'Cowherd lab' };

describe('snapshot rows', () => {
  it('relates snapshots to the guests using their origin and to their pool', () => {
    const inv = inventory([
      lv({ name: 'web', kind: 'origin', attr: 'owi-aos---', open: true }),
      snap('web_snap', { cowPercent: 18.85 }),
      lv({ vg: 'vg1', name: 'pool', kind: 'thin-pool', dataPercent: 42.5 }),
      lv({ vg: 'vg1', name: 'thin1_snap', kind: 'thin-snapshot', origin: 'thin1', pool: 'pool', active: false }),
    ]);
    const rows = snapshotRows(lab, inv);
    expect(rows.map((r) => [r.lv.name, r.guests, r.poolPercent])).toEqual([
      ['web_snap', ['web01'], null],
      ['thin1_snap', [], 42.5],
    ]);
    expect(rows[0]?.key).toBe('lab/uuid-web_snap');
  });

  it('lists each guest once per LV', () => {
    const m = guestsByLv([
      { name: 'a', state: 'running', agent: true, disks: [{ target: 'vda', source: '/dev/vg0/x', vg: 'vg0', lv: 'x' }, { target: 'vdb', source: '/dev/vg0/x', vg: 'vg0', lv: 'x' }] },
      { name: 'b', state: 'running', agent: true, disks: [{ target: 'vda', source: '/srv/b.qcow2', vg: null, lv: null }] },
    ]);
    expect([...m]).toEqual([['vg0/x', ['a']]]);
  });

  it('sorts invalid snapshots above full ones and unknown fill last', () => {
    expect(fillSortValue({ lv: snap('i', { invalid: true, cowPercent: 100 }) })).toBeGreaterThan(fillSortValue({ lv: snap('f', { cowPercent: 100 }) }));
    expect(fillSortValue({ lv: snap('n', { cowPercent: null, active: false }) })).toBeLessThan(0);
  });

  it('only gives a time to full for a valid, active, filling snapshot', () => {
    const trend = { ratePerHour: 5, hoursToFull: 3.5, samples: [], reliable: true };
    expect(hoursToFull({ lv: snap('s'), trend })).toBe(3.5);
    // The engine's rule: not from a trend that is not reliable yet (too few samples, too short a window).
    expect(hoursToFull({ lv: snap('s'), trend: { ...trend, reliable: false } })).toBeNull();
    expect(hoursToFull({ lv: snap('s', { invalid: true }), trend })).toBeNull();
    expect(hoursToFull({ lv: snap('s', { cowPercent: null }), trend })).toBeNull();
    expect(hoursToFull({ lv: snap('s'), trend: { ...trend, hoursToFull: null } })).toBeNull();
  });
});

describe('alerts', () => {
  it('has none for a healthy host', () => {
    expect(hostAlerts(lab, { inventory: inventory([lv({ kind: 'origin' }), snap('web_snap', { cowPercent: 18.85 })]) })).toEqual([]);
  });

  it('raises fill at 80 % (warning) and 95 % (critical) by default, with the extend wizard', () => {
    const alerts = hostAlerts(lab, { inventory: inventory([snap('a', { cowPercent: 80 }), snap('b', { cowPercent: 95.5 }), snap('c', { cowPercent: 79.99 }), snap('d', { cowPercent: 94 })]) });
    expect(alerts.map((a) => [a.severity, a.message, a.action?.href])).toEqual([
      ['critical', 'vg0/b is 95.50% full', '/hosts/lab/extend?vg=vg0&snapshot=b'],
      ['warning', 'vg0/d is 94.00% full', '/hosts/lab/extend?vg=vg0&snapshot=d'],
      ['warning', 'vg0/a is 80.00% full', '/hosts/lab/extend?vg=vg0&snapshot=a'],
    ]);
  });

  it('follows the stored rules: other thresholds, and a rule turned off', () => {
    const inv = inventory([snap('a', { cowPercent: 72 }), snap('b', { cowPercent: 88 })]);
    const t: AlertRule[] = withDefaults([
      { id: 'fill-warning', enabled: true, severity: 'warning', threshold: 70 },
      { id: 'fill-critical', enabled: true, severity: 'critical', threshold: 85 },
    ]);
    expect(hostAlerts(lab, { inventory: inv }, undefined, t).map((a) => [a.severity, a.message])).toEqual([
      ['critical', 'vg0/b is 88.00% full'],
      ['warning', 'vg0/a is 72.00% full'],
    ]);
    const warningOff = withDefaults([{ id: 'fill-warning', enabled: false, severity: 'warning', threshold: 80 }]);
    expect(hostAlerts(lab, { inventory: inv }, undefined, warningOff)).toEqual([]);
  });

  it('puts the most urgent first within a severity', () => {
    const a = snap('a', { cowPercent: 95 });
    const b = snap('b', { cowPercent: 91 });
    const c = snap('c', { cowPercent: 99 });
    const inv = inventory([a, b, c], { trends: { [b.uuid]: { ratePerHour: 30, hoursToFull: 0.3, samples: [], reliable: true } } });
    // Severities are the rules' (as on the webhook): b is a warning (91 % and full soon), a and c critical.
    expect(hostAlerts(lab, { inventory: inv }).map((x) => [x.severity, x.message])).toEqual([
      ['critical', 'vg0/c is 99.00% full'],
      ['critical', 'vg0/a is 95.00% full'],
      ['warning', 'vg0/b is 91.00% full, full in 18 min'],
    ]);
  });

  it('raises a snapshot that will be full sooner than the time-to-full rule (6 h by default)', () => {
    const s = snap('s', { cowPercent: 40 });
    const inv = inventory([s], { trends: { [s.uuid]: { ratePerHour: 12, hoursToFull: 5, samples: [], reliable: true } } });
    expect(hostAlerts(lab, { inventory: inv }).map((a) => a.message)).toEqual(['vg0/s will be full in 5 h']);
    const later = inventory([s], { trends: { [s.uuid]: { ratePerHour: 10, hoursToFull: 6, samples: [], reliable: true } } });
    expect(hostAlerts(lab, { inventory: later })).toEqual([]);
    const t = withDefaults([{ id: 'time-to-full', enabled: true, severity: 'warning', threshold: 24 }]);
    expect(hostAlerts(lab, { inventory: later }, undefined, t).map((a) => a.message)).toEqual(['vg0/s will be full in 6 h']);
  });

  it('gives a merging snapshot no time to full: it empties', () => {
    const s = snap('s', { cowPercent: 40, merging: true });
    expect(hoursToFull({ lv: s, trend: { ratePerHour: 12, hoursToFull: 5, samples: [], reliable: true } })).toBeNull();
  });

  it('says both when a snapshot is full and filling fast', () => {
    const s = snap('s', { cowPercent: 85 });
    const inv = inventory([s], { trends: { [s.uuid]: { ratePerHour: 15, hoursToFull: 1.5, samples: [], reliable: true } } });
    expect(hostAlerts(lab, { inventory: inv }).map((a) => a.message)).toEqual(['vg0/s is 85.00% full, full in 1 h 30 min']);
  });

  it('raises an invalid snapshot as critical with the remove wizard, and nothing else about it', () => {
    const alerts = hostAlerts(lab, { inventory: inventory([snap('e2e_full', { invalid: true, cowPercent: 100, attr: 'swi-I-s---' })]) });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'critical',
      message: 'vg0/e2e_full is INVALID',
      action: { label: 'Remove', href: '/hosts/lab/remove?vg=vg0&snapshot=e2e_full' },
    });
  });

  it('tells a pending merge (origin open) from a running one, and raises a failed merge', () => {
    const pending = hostAlerts(lab, {
      inventory: inventory([lv({ kind: 'origin', attr: 'Owi-aos---', open: true, merging: true }), snap('web_pre', { attr: 'Swi-a-s---', merging: true })]),
    });
    expect(pending.map((a) => [a.severity, a.message, a.action?.href])).toEqual([
      ['warning', 'Merge of vg0/web_pre into vg0/web is pending', '/hosts/lab/merge?vg=vg0&snapshot=web_pre'],
    ]);
    const running = hostAlerts(lab, {
      inventory: inventory([lv({ kind: 'origin', attr: 'Owi-a-s---', open: false, merging: true }), snap('web_pre', { merging: true, cowPercent: 3 })]),
    });
    expect(running.map((a) => a.message)).toEqual(['Merge of vg0/web_pre into vg0/web is running']);
    const failed = hostAlerts(lab, { inventory: inventory([snap('web_pre', { mergeFailed: true, merging: true })]) });
    expect(failed.map((a) => [a.severity, a.message])).toEqual([['critical', 'Merge of vg0/web_pre into vg0/web failed']]);
  });

  it('raises an origin marked merging whose snapshot is not listed', () => {
    const alerts = hostAlerts(lab, { inventory: inventory([lv({ kind: 'origin', attr: 'Owi-aos---', merging: true })]) });
    expect(alerts.map((a) => a.message)).toEqual(['A snapshot is being merged into vg0/web']);
  });

  it('raises an unreachable host first, with or without old data', () => {
    const withData = hostAlerts(lab, { inventory: { ...inventory([snap('s', { cowPercent: 85 })]), reachable: false }, error: 'ssh: connect refused' });
    expect(withData.map((a) => [a.severity, a.message])).toEqual([
      ['critical', 'Host Cowherd lab is not answering'],
      ['warning', 'vg0/s is 85.00% full'],
    ]);
    expect(withData[0]?.detail).toContain('last successful read');
    const never = hostAlerts(lab, { inventory: null, error: 'timeout' });
    expect(never.map((a) => a.message)).toEqual(['Host Cowherd lab is not answering']);
    const api = hostAlerts(lab, { inventory: inventory([]) }, 'HTTP 502');
    expect(api.map((a) => a.message)).toEqual(['Cowherd could not refresh host Cowherd lab']);
  });

  it('raises what the server raises for the same inventory and rules (one evaluator)', () => {
    const s = snap('s', { cowPercent: 60 });
    const burst = inventory([s], { trends: { [s.uuid]: { ratePerHour: null, hoursToFull: null, samples: [], reliable: false } } });
    // Right after a burst of writes: no "full in 9 s" on the page either.
    expect(hostAlerts(lab, { inventory: burst })).toEqual([]);
    const pool = lv({ vg: 'vg1', name: 'pool', kind: 'thin-pool', dataPercent: 81 });
    const custom = withDefaults([{ id: 'pool-warning', enabled: true, severity: 'warning', threshold: 85 }]);
    expect(hostAlerts(lab, { inventory: inventory([pool]) }, undefined, custom)).toEqual([]);
    expect(hostAlerts(lab, { inventory: inventory([pool]) }).map((a) => [a.severity, a.message])).toEqual([['warning', 'Thin pool vg1/pool is 81.00% full']]);
  });

  it('raises a thin pool whose metadata fills up', () => {
    const pool = lv({ vg: 'vg1', name: 'pool', kind: 'thin-pool', dataPercent: 3, metadataPercent: 92 });
    expect(hostAlerts(lab, { inventory: inventory([pool]) }).map((a) => [a.severity, a.message, a.action?.href])).toEqual([
      ['critical', 'Thin pool vg1/pool metadata is 92.00% full', '/vgs/lab/vg1'],
    ]);
  });

  it('raises a thin pool at 80 % and a failing libvirt', () => {
    const alerts = hostAlerts(lab, {
      inventory: inventory([lv({ vg: 'vg1', name: 'pool', kind: 'thin-pool', dataPercent: 91 })], { libvirt: 'error', libvirtError: 'virsh: failed to connect' }),
    });
    expect(alerts.map((a) => [a.severity, a.message])).toEqual([
      ['critical', 'Thin pool vg1/pool is 91.00% full'],
      ['warning', 'libvirt on Cowherd lab did not answer'],
    ]);
  });
});
