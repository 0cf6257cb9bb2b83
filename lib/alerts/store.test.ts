import { describe, expect, it } from 'vitest';
import { openDb } from '@/lib/store/sqlite';
import type { Condition } from './rules';
import {
  firingAlerts,
  firingCount,
  getPolicies,
  getRules,
  getWebhookUrl,
  lastExtendJob,
  pendingNotifications,
  recentResolvedAlerts,
  resolveOrphans,
  savePolicies,
  saveRules,
  setWebhookUrl,
  syncAlerts,
} from './store';
import { DEFAULT_AUTOEXTEND, INVENTORY_RULES } from './types';

const cond = (over: Partial<Condition> = {}): Condition => ({
  key: 'fill-warning:lab:vg0/u1',
  rule: 'fill-warning',
  severity: 'warning',
  host: 'lab',
  vg: 'vg0',
  lv: 's1',
  lvUuid: 'u1',
  summary: 'vg0/s1: COW area 81.00% full (rule: ≥ 80%)',
  figures: { fillPercent: 81 },
  link: { label: 'Extend', href: '/hosts/lab/extend?vg=vg0&snapshot=s1' },
  ...over,
});
const scope = { host: 'lab', rules: INVENTORY_RULES };

describe('syncAlerts: start/end de-duplication', () => {
  it('starts an alert once, refreshes its figures while it holds, and ends it once', () => {
    const db = openDb(':memory:');
    const t0 = Date.parse('2026-11-27T12:00:00Z');
    const first = syncAlerts(db, scope, [cond()], t0);
    expect(first.started.map((a) => [a.key, a.state, a.startedAt])).toEqual([['fill-warning:lab:vg0/u1', 'firing', '2026-11-27T12:00:00.000Z']]);
    expect(first.ended).toEqual([]);

    for (let i = 1; i <= 5; i++) {
      const again = syncAlerts(db, scope, [cond({ figures: { fillPercent: 81 + i }, summary: `at ${81 + i}` })], t0 + i * 2000);
      expect(again).toEqual({ started: [], ended: [] });
    }
    const [firing] = firingAlerts(db);
    expect(firing?.figures).toEqual({ fillPercent: 86 });
    expect(firing?.summary).toBe('at 86');
    expect(firing?.startedAt).toBe('2026-11-27T12:00:00.000Z');

    const end = syncAlerts(db, scope, [], t0 + 60_000);
    expect(end.started).toEqual([]);
    expect(end.ended.map((a) => [a.key, a.state, a.endedAt])).toEqual([['fill-warning:lab:vg0/u1', 'resolved', '2026-11-27T12:01:00.000Z']]);
    expect(syncAlerts(db, scope, [], t0 + 62_000)).toEqual({ started: [], ended: [] });
    expect(firingAlerts(db)).toEqual([]);
    expect(recentResolvedAlerts(db).map((a) => a.key)).toEqual(['fill-warning:lab:vg0/u1']);

    // The same condition later is a new alert (a new start, a new id).
    const again = syncAlerts(db, scope, [cond()], t0 + 120_000);
    expect(again.started).toHaveLength(1);
    expect(again.started[0]?.id).not.toBe(first.started[0]?.id);
  });

  it('touches only the alerts of its scope (host and rules)', () => {
    const db = openDb(':memory:');
    syncAlerts(db, scope, [cond()], 0);
    syncAlerts(db, { host: 'lab', rules: ['host-unreachable'] }, [cond({ key: 'host-unreachable:lab', rule: 'host-unreachable', vg: null, lv: null, lvUuid: null })], 0);
    syncAlerts(db, { host: 'other', rules: INVENTORY_RULES }, [cond({ host: 'other', key: 'fill-warning:other:vg0/u1' })], 0);
    expect(firingCount(db)).toEqual({ total: 3, critical: 0, warning: 3 });
    // An inventory of lab without conditions ends lab's fill alert only.
    const r = syncAlerts(db, scope, [], 1000);
    expect(r.ended.map((a) => a.key)).toEqual(['fill-warning:lab:vg0/u1']);
    expect(firingAlerts(db).map((a) => a.key).sort()).toEqual(['fill-warning:other:vg0/u1', 'host-unreachable:lab']);
    // A host that left the configuration: its alerts end.
    expect(resolveOrphans(db, ['lab'], 2000).map((a) => a.key)).toEqual(['fill-warning:other:vg0/u1']);
  });

  it('lists the notifications not sent yet: the start, then the end', () => {
    const db = openDb(':memory:');
    const now = Date.now();
    syncAlerts(db, scope, [cond()], now - 2000);
    syncAlerts(db, scope, [], now - 1000);
    expect(pendingNotifications(db, 60_000, now).map((p) => p.event)).toEqual(['started', 'ended']);
    expect(pendingNotifications(db, 500, now)).toEqual([]);
  });
});

describe('settings', () => {
  it('serves the default rules and stores changes', () => {
    const db = openDb(':memory:');
    expect(getRules(db).map((r) => [r.id, r.enabled, r.severity, r.threshold])).toEqual([
      ['fill-warning', true, 'warning', 80],
      ['fill-critical', true, 'critical', 95],
      ['time-to-full', true, 'warning', 6],
      ['snapshot-invalid', true, 'critical', null],
      ['merge-failed', true, 'critical', null],
      ['host-unreachable', true, 'critical', 2],
      ['autoextend-blocked', true, 'warning', null],
      ['pool-warning', true, 'warning', 80],
      ['pool-critical', true, 'critical', 90],
      ['policy-failed', true, 'critical', null],
      ['policy-stale', true, 'warning', 26],
    ]);
    const saved = saveRules(db, [{ id: 'fill-warning', enabled: true, severity: 'critical', threshold: 60 }]);
    expect(saved.find((r) => r.id === 'fill-warning')).toEqual({ id: 'fill-warning', enabled: true, severity: 'critical', threshold: 60 });
    expect(getRules(db).find((r) => r.id === 'fill-critical')?.threshold).toBe(95);
  });

  it('stores the webhook URL and removes it', () => {
    const db = openDb(':memory:');
    expect(getWebhookUrl(db)).toBeNull();
    setWebhookUrl(db, 'https://hooks.example.com/T/B/secret');
    expect(getWebhookUrl(db)).toBe('https://hooks.example.com/T/B/secret');
    setWebhookUrl(db, null);
    expect(getWebhookUrl(db)).toBeNull();
  });

  it('keeps auto-extend off by default and replaces the policies as a whole', () => {
    const db = openDb(':memory:');
    expect(getPolicies(db)).toEqual({ default: DEFAULT_AUTOEXTEND, snapshots: [] });
    const p = {
      default: { enabled: true, thresholdPercent: 75, growPercent: 25, maxSizeBytes: null },
      snapshots: [{ host: 'lab', vg: 'vg0', snapshot: 's1', enabled: true, thresholdPercent: 70, growPercent: 50, maxSizeBytes: 1 << 30 }],
    };
    expect(savePolicies(db, p)).toEqual(p);
    expect(savePolicies(db, { default: DEFAULT_AUTOEXTEND, snapshots: [] })).toEqual({ default: DEFAULT_AUTOEXTEND, snapshots: [] });
  });
});

describe('lastExtendJob', () => {
  it('finds the newest extend-snapshot job of a snapshot in the jobs table', () => {
    const db = openDb(':memory:');
    const ins = db.prepare(
      `INSERT INTO jobs (host, operation, params, username, status, created_at, ended_at, error) VALUES (?, ?, ?, ?, ?, '2026-01-01', ?, ?)`,
    );
    ins.run('lab', 'extend-snapshot', JSON.stringify({ vg: 'vg0', snapshot: 's1', addBytes: 1 }), 'alice', 'succeeded', '2026-01-01T00:00:01Z', null);
    ins.run('lab', 'remove-snapshot', JSON.stringify({ vg: 'vg0', snapshot: 's1' }), 'alice', 'running', null, null);
    ins.run('lab', 'extend-snapshot', JSON.stringify({ vg: 'vg0', snapshot: 's2', addBytes: 1 }), 'bob', 'running', null, null);
    ins.run('lab', 'extend-snapshot', JSON.stringify({ vg: 'vg0', snapshot: 's1', addBytes: 1 }), 'cowherd-autoextend', 'failed', '2026-01-01T00:00:02Z', 'lvextend failed');
    expect(lastExtendJob(db, 'lab', 'vg0', 's1')).toEqual({ id: 4, status: 'failed', username: 'cowherd-autoextend', error: 'lvextend failed', endedAt: '2026-01-01T00:00:02Z' });
    expect(lastExtendJob(db, 'lab', 'vg0', 's2')?.status).toBe('running');
    expect(lastExtendJob(db, 'lab', 'vg1', 's1')).toBeUndefined();
  });
});
