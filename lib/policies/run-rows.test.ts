import { describe, expect, it } from 'vitest';
import { foldSkipped, parseRunsQuery } from './run-rows';
import type { PolicyRun } from './schema';

let id = 100;
const run = (result: PolicyRun['result'], reason: string | null = null): PolicyRun => ({
  id: id--,
  policyId: 1,
  trigger: 'schedule',
  startedAt: `2026-11-30T10:${String(id % 60).padStart(2, '0')}:00.000Z`,
  finishedAt: null,
  result,
  reason,
  jobIds: [],
  durationMs: null,
});

describe('foldSkipped', () => {
  it('folds a streak of skips with the same reason into one row, newest first, and keeps single skips as runs', () => {
    const busy = 'the previous run (#7) still runs';
    const runs = [run('ok'), run('skipped', busy), run('skipped', busy), run('skipped', busy), run('failed'), run('skipped', busy), run('skipped', 'space guard: vg0 is 91 % full'), run('skipped', busy)];
    const rows = foldSkipped(runs);
    expect(rows.map((r) => (r.kind === 'run' ? `${r.run.id}:${r.run.result}` : `${r.newest.id}..${r.oldest.id}:skipped x${r.count}`))).toEqual([
      `${runs[0]!.id}:ok`,
      `${runs[1]!.id}..${runs[3]!.id}:skipped x3`,
      `${runs[4]!.id}:failed`,
      `${runs[5]!.id}:skipped`,
      `${runs[6]!.id}:skipped`,
      `${runs[7]!.id}:skipped`,
    ]);
  });
  it('returns nothing for no runs', () => expect(foldSkipped([])).toEqual([]));
});

describe('parseRunsQuery', () => {
  const q = (s: string) => parseRunsQuery(new URLSearchParams(s));
  it('defaults to the newest 100 of every result', () => expect(q('')).toEqual({ ok: true, limit: 100, results: null }));
  it('takes a limit from 1 to 1000 and a subset of results', () => {
    expect(q('limit=5&result=ok,failed,ok')).toEqual({ ok: true, limit: 5, results: ['ok', 'failed'] });
  });
  it.each(['limit=0', 'limit=1001', 'limit=-1', 'limit=1e3', 'limit=', 'result=', 'result=ok,done', "result=ok'--", 'result=OK'])('refuses %s', (s) => {
    expect(q(s).ok).toBe(false);
  });
});
