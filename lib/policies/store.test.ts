import { describe, expect, it } from 'vitest';
import { openDb } from '@/lib/store/sqlite';
import { policyInput } from './schema';
import { beginRun, createPolicy, deletePolicy, failInterruptedRuns, finishRun, listRuns, policyStatuses, updatePolicy } from './store';
import { dueNow } from './due';

const input = policyInput(true).parse({
  name: 'thin every minute',
  selector: { type: 'lv', host: 'lab', vg: 'vg1', lv: 'thin1' },
  action: { type: 'snapshot' },
  schedule: { cron: '* * * * *', timeZone: 'UTC' },
  retention: { keepLast: 2 },
});

describe('policy store', () => {
  it('stores, refuses a duplicate name, updates and deletes with its runs', () => {
    const db = openDb(':memory:');
    const a = createPolicy(db, input);
    expect(a.ok).toBe(true);
    expect(createPolicy(db, input)).toMatchObject({ ok: false, status: 409 });
    if (!a.ok) return;
    expect(a.policy).toMatchObject({ name: 'thin every minute', selector: { vg: 'vg1' }, retention: { keepLast: 2 }, enabled: true });
    const u = updatePolicy(db, a.policy.id, { ...input, enabled: false });
    expect(u).toMatchObject({ ok: true, policy: { enabled: false } });
    beginRun(db, a.policy.id, 'manual');
    expect(deletePolicy(db, a.policy.id)).toBe(true);
    expect(listRuns(db, a.policy.id)).toEqual([]);
  });

  it('never gives a new policy the id of a deleted one (the id is in its snapshots\' tag)', () => {
    const db = openDb(':memory:');
    const a = createPolicy(db, input);
    if (!a.ok) throw new Error('create');
    deletePolicy(db, a.policy.id);
    const b = createPolicy(db, input);
    expect(b.ok && b.policy.id).toBe(a.policy.id + 1);
  });

  it('never has two runs of a policy at once: a due run while one runs is recorded as skipped', () => {
    const db = openDb(':memory:');
    const p = createPolicy(db, input);
    if (!p.ok) throw new Error('create');
    const first = beginRun(db, p.policy.id, 'schedule');
    expect(first.ok).toBe(true);
    const second = beginRun(db, p.policy.id, 'schedule');
    expect(second).toMatchObject({ ok: false, skipped: { result: 'skipped' } });
    if (second.ok || !first.ok) return;
    expect(second.skipped.reason).toMatch(new RegExp(`run #${first.run.id} .* is still running`));
    finishRun(db, first.run.id, 'ok', null);
    expect(beginRun(db, p.policy.id, 'schedule').ok).toBe(true);
  });

  it('reports the newest finished run as the outcome, not a skip that came after it', () => {
    const db = openDb(':memory:');
    const p = createPolicy(db, input);
    if (!p.ok) throw new Error('create');
    const id = p.policy.id;
    const status = () => policyStatuses(db).get(id);
    expect(status()?.lastOutcome).toBeNull();
    const first = beginRun(db, id, 'schedule');
    if (!first.ok) throw new Error('begin');
    expect(status()?.lastOutcome).toBe('running');
    expect(beginRun(db, id, 'schedule').ok).toBe(false); // skipped: the first still runs
    expect(status()?.lastRun?.result).toBe('skipped');
    expect(status()?.lastOutcome).toBe('running');
    finishRun(db, first.run.id, 'ok', null);
    const second = beginRun(db, id, 'schedule');
    if (!second.ok) throw new Error('begin');
    expect(beginRun(db, id, 'schedule').ok).toBe(false);
    expect(status()?.lastOutcome).toBe('ok');
    finishRun(db, second.run.id, 'failed', 'boom');
    expect(status()?.lastOutcome).toBe('failed');
  });

  it('fails runs a killed process left running, which frees the policy for its next run', () => {
    const db = openDb(':memory:');
    const p = createPolicy(db, input);
    if (!p.ok) throw new Error('create');
    expect(beginRun(db, p.policy.id, 'schedule').ok).toBe(true);
    expect(failInterruptedRuns(db)).toBe(1);
    expect(listRuns(db, p.policy.id)[0]).toMatchObject({ result: 'failed', reason: 'interrupted by a restart of the server' });
    expect(beginRun(db, p.policy.id, 'schedule').ok).toBe(true);
  });

  it('counts a failure streak since the last success; skips do not count', () => {
    const db = openDb(':memory:');
    const p = createPolicy(db, input);
    if (!p.ok) throw new Error('create');
    const id = p.policy.id;
    const run = (result: 'ok' | 'failed' | 'skipped') => {
      const b = beginRun(db, id, 'schedule');
      if (b.ok) finishRun(db, b.run.id, result, result);
    };
    run('ok');
    run('failed');
    run('skipped');
    run('failed');
    const s = policyStatuses(db).get(id);
    expect(s?.failureStreak).toBe(2);
    expect(s?.lastFinished?.result).toBe('failed');
    expect(s?.lastRun?.result).toBe('failed');
    run('ok');
    expect(policyStatuses(db).get(id)?.failureStreak).toBe(0);
  });
});

describe('dueNow', () => {
  const p = (cron: string, lastDueAt: string | null, tz = 'UTC') => ({ schedule: { cron, timeZone: tz }, createdAt: '2026-11-30T10:00:30Z', lastDueAt });

  it('is due once the next time after the last handled one has come', () => {
    expect(dueNow(p('* * * * *', '2026-11-30T10:00:30Z'), Date.parse('2026-11-30T10:00:59Z'))).toBeNull();
    expect(dueNow(p('* * * * *', '2026-11-30T10:00:30Z'), Date.parse('2026-11-30T10:01:00.2Z'))).toEqual({ due: Date.parse('2026-11-30T10:01:00Z'), trigger: 'schedule' });
  });

  it('after downtime, one catch-up: the caller then records "handled up to now" and nothing more is due', () => {
    const now = Date.parse('2026-11-30T15:07:10Z');
    const d = dueNow(p('0 * * * *', '2026-11-30T10:00:00Z'), now);
    expect(d).toEqual({ due: Date.parse('2026-11-30T11:00:00Z'), trigger: 'catch-up' });
    expect(dueNow(p('0 * * * *', new Date(now).toISOString()), now + 1000)).toBeNull();
  });

  it('a daily 02:30 Europe/Berlin policy runs once on the night the clocks go back', () => {
    const runsIn = (fromIso: string, toIso: string) => {
      let last = fromIso;
      const out: string[] = [];
      for (let t = Date.parse(fromIso); t <= Date.parse(toIso); t += 60_000) {
        const d = dueNow(p('30 2 * * *', last, 'Europe/Berlin'), t);
        if (d) {
          out.push(new Date(d.due).toISOString());
          last = new Date(t).toISOString();
        }
      }
      return out;
    };
    expect(runsIn('2026-10-24T22:00:00Z', '2026-10-25T05:00:00Z')).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(runsIn('2026-03-28T22:00:00Z', '2026-03-29T05:00:00Z')).toEqual(['2026-03-29T01:00:00.000Z']);
  });
});
