import { describe, expect, it } from 'vitest';
import { HOSTILE_ARGS } from '@/lib/host/hostile-args';
import { cronProblem, globMatch, nextRunTimes, policyInput } from './schema';

const base = {
  name: 'nightly web',
  selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'thin1' },
  action: { type: 'snapshot' },
  schedule: { cron: '0 1 * * *', timeZone: 'Europe/Berlin' },
  retention: { keepLast: 2 },
};

describe('policyInput', () => {
  it('accepts a valid policy and fills the defaults', () => {
    const r = policyInput().parse(base);
    expect(r).toMatchObject({ consistency: 'auto', enabled: true, maxFillPercent: 90, note: '', action: { lifetimeMinutes: 1200, cowPercent: 20 } });
  });

  it.each([
    ['cron with a shell payload', { schedule: { cron: '* * * * *; rm -rf /', timeZone: 'UTC' } }],
    ['cron with $()', { schedule: { cron: '$(reboot) * * * *', timeZone: 'UTC' } }],
    ['cron with a newline', { schedule: { cron: '0 1 * * *\n0 2 * * *', timeZone: 'UTC' } }],
    ['cron out of range', { schedule: { cron: '61 25 * * *', timeZone: 'UTC' } }],
    ['cron too long', { schedule: { cron: '0 '.repeat(60), timeZone: 'UTC' } }],
    ['seconds field without the test switch', { schedule: { cron: '*/5 * * * * *', timeZone: 'UTC' } }],
    ['unknown time zone', { schedule: { cron: '0 1 * * *', timeZone: 'Mars/Olympus' } }],
    ['time zone path', { schedule: { cron: '0 1 * * *', timeZone: '../../etc/passwd' } }],
    ['glob with brackets', { selector: { type: 'glob', host: 'lab', pattern: 'web[0-9]' } }],
    ['glob with a slash', { selector: { type: 'glob', host: 'lab', pattern: '../*' } }],
    ['glob with a space', { selector: { type: 'glob', host: 'lab', pattern: 'web *' } }],
    ['glob with a double star', { selector: { type: 'glob', host: 'lab', pattern: 'w**' } }],
    ['glob empty', { selector: { type: 'glob', host: 'lab', pattern: '' } }],
    ['LV name with a dash first', { selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: '-rf' } }],
    ['LV name with a slash', { selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'a/b' } }],
    ['guest name with a semicolon', { selector: { type: 'guest', host: 'lab', guest: 'web;reboot' } }],
    ['host with a space', { selector: { type: 'lv', host: 'lab 2', vg: 'vg1', lv: 'thin1' } }],
    ['name with a newline', { name: 'a\nb' }],
    ['name with a quote', { name: 'a"b' }],
    ['note with a control character', { note: 'a\u0007' }],
    ['negative keep', { retention: { keepLast: -1 } }],
    ['unknown field', { extra: 1 }],
    ['unknown action', { action: { type: 'format-disk' } }],
  ])('refuses %s', (_what, patch) => {
    expect(policyInput().safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it('refuses every hostile argument as a name, a glob, a guest and a cron string', () => {
    for (const h of HOSTILE_ARGS) {
      expect(policyInput().safeParse({ ...base, selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: h } }).success, h).toBe(false);
      expect(policyInput().safeParse({ ...base, schedule: { cron: h, timeZone: 'UTC' } }).success, h).toBe(false);
    }
  });

  it('accepts a seconds field only with the test switch', () => {
    expect(cronProblem('*/5 * * * * *', 'UTC', false)).toMatch(/five fields/);
    expect(cronProblem('*/5 * * * * *', 'UTC', true)).toBeNull();
  });
});

describe('nextRunTimes', () => {
  it('runs at the right wall-clock time across the spring DST change in Europe/Berlin, once', () => {
    const runs = nextRunTimes('30 2 * * *', 'Europe/Berlin', 3, new Date('2026-03-28T00:00:00Z')).map((d) => d.toISOString());
    // 02:30 does not exist on 29 March: croner runs it once, at 03:00 local (01:00 UTC).
    expect(runs).toEqual(['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
  });

  it('runs once when 02:30 happens twice in autumn', () => {
    const runs = nextRunTimes('30 2 * * *', 'Europe/Berlin', 3, new Date('2026-10-24T12:00:00Z')).map((d) => d.toISOString());
    expect(runs).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-27T01:30:00.000Z']);
  });

  it('gives five times for a valid schedule and none for an invalid one', () => {
    expect(nextRunTimes('0 * * * *', 'UTC', 5, new Date('2026-11-30T10:10:00Z'))).toHaveLength(5);
    expect(nextRunTimes('nonsense', 'UTC')).toEqual([]);
  });
});

describe('globMatch', () => {
  it.each([
    ['web*', 'web01', true],
    ['web*', 'db01', false],
    ['*01', 'web01', true],
    ['w?b01', 'web01', true],
    ['w?b01', 'wb01', false],
    ['*', 'anything', true],
    ['web01', 'web01', true],
    ['web01', 'web011', false],
    ['*a*a*a*a*a*b', 'a'.repeat(60), false],
  ])('%s ~ %s: %s', (p, n, want) => {
    expect(globMatch(p, n)).toBe(want);
  });
});
