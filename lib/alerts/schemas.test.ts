import { describe, expect, it } from 'vitest';
import { policiesBody, rulesBody, webhookBody } from './schemas';

describe('webhookBody', () => {
  it.each([
    ['https://hooks.slack.com/services/T0/B0/x', 'https://hooks.slack.com/services/T0/B0/x'],
    ['  http://127.0.0.1:9000/hook  ', 'http://127.0.0.1:9000/hook'],
    ['', null],
    [null, null],
  ])('accepts %j', (url, expected) => {
    expect(webhookBody.parse({ url })).toEqual({ url: expected });
  });
  it.each(['ftp://example.com/x', 'javascript:alert(1)', 'file:///etc/passwd', 'example.com/hook', 'http://', 'http://a b/'])('refuses %j', (url) => {
    expect(webhookBody.safeParse({ url }).success).toBe(false);
  });
  it('refuses unknown fields', () => {
    expect(webhookBody.safeParse({ url: null, secret: 1 }).success).toBe(false);
  });
});

describe('rulesBody', () => {
  it('accepts rules with thresholds in their bounds', () => {
    const r = rulesBody.parse({
      rules: [
        { id: 'fill-warning', enabled: true, severity: 'warning', threshold: 75 },
        { id: 'snapshot-invalid', enabled: false, severity: 'critical' },
      ],
    });
    expect(r.rules[1]).toEqual({ id: 'snapshot-invalid', enabled: false, severity: 'critical', threshold: null });
  });
  it.each([
    [{ id: 'fill-warning', enabled: true, severity: 'warning', threshold: 101 }, 'between 1 and 100'],
    [{ id: 'fill-warning', enabled: true, severity: 'warning' }, 'needs a threshold'],
    [{ id: 'host-unreachable', enabled: true, severity: 'critical', threshold: 1.5 }, 'whole number'],
    [{ id: 'merge-failed', enabled: true, severity: 'critical', threshold: 3 }, 'has no threshold'],
    [{ id: 'fill-warning', enabled: true, severity: 'info', threshold: 80 }, 'severity'],
    [{ id: 'nope', enabled: true, severity: 'warning' }, 'id'],
  ])('refuses %j', (rule, message) => {
    const r = rulesBody.safeParse({ rules: [rule] });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(message);
  });
});

describe('policiesBody', () => {
  const settings = { enabled: true, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null };
  it('accepts a default and per-snapshot policies', () => {
    expect(policiesBody.parse({ default: settings, snapshots: [{ host: 'lab', vg: 'vg0', snapshot: 'e2ealert_auto', ...settings }] }).snapshots).toHaveLength(1);
    expect(policiesBody.parse({ default: settings }).snapshots).toEqual([]);
  });
  it('refuses bad names, bounds and duplicates', () => {
    const bad = [
      { default: { ...settings, thresholdPercent: 100 } },
      { default: { ...settings, growPercent: 0 } },
      { default: { ...settings, maxSizeBytes: -1 } },
      { default: settings, snapshots: [{ host: 'lab', vg: 'vg0', snapshot: '-x', ...settings }] },
      { default: settings, snapshots: [{ host: 'Lab!', vg: 'vg0', snapshot: 's', ...settings }] },
      { default: settings, snapshots: [1, 2].map(() => ({ host: 'lab', vg: 'vg0', snapshot: 's', ...settings })) },
    ];
    for (const b of bad) expect(policiesBody.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });
});
