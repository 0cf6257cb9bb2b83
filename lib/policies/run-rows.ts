import type { PolicyRun } from './schema';

/**
 * A policy's run history as people read it: with a schedule shorter than a run, nearly every due time is a skip
 * ("the previous run still runs"), and a hundred such rows hide the runs that did something. Consecutive skipped runs
 * with the same reason fold into one row that says how many and between which times.
 */
export type RunRow =
  | { kind: 'run'; run: PolicyRun }
  | { kind: 'skipped'; count: number; newest: PolicyRun; oldest: PolicyRun; reason: string | null };

export function foldSkipped(runs: readonly PolicyRun[]): RunRow[] {
  const rows: RunRow[] = [];
  for (const run of runs) {
    const last = rows.at(-1);
    if (run.result !== 'skipped') {
      rows.push({ kind: 'run', run });
    } else if (last?.kind === 'skipped' && last.reason === run.reason) {
      // Newest first: each further skip of the streak is older.
      last.count += 1;
      last.oldest = run;
    } else if (last?.kind === 'run' && last.run.result === 'skipped' && last.run.reason === run.reason) {
      rows[rows.length - 1] = { kind: 'skipped', count: 2, newest: last.run, oldest: run, reason: run.reason };
    } else {
      rows.push({ kind: 'run', run });
    }
  }
  return rows;
}

/** `?limit=` and `?result=` of GET /api/policies/:id/runs: a bounded count and a subset of the results. */
export const RUN_RESULTS = ['ok', 'failed', 'skipped', 'running'] as const;
export type RunResultFilter = (typeof RUN_RESULTS)[number];

export function parseRunsQuery(q: URLSearchParams): { ok: true; limit: number; results: RunResultFilter[] | null } | { ok: false; error: string } {
  const rawLimit = q.get('limit');
  let limit = 100;
  if (rawLimit !== null) {
    if (!/^[0-9]{1,4}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > 1000) return { ok: false, error: 'limit: a whole number from 1 to 1000' };
    limit = Number(rawLimit);
  }
  const rawResult = q.get('result');
  if (rawResult === null) return { ok: true, limit, results: null };
  const parts = rawResult.split(',');
  const bad = parts.find((p) => !(RUN_RESULTS as readonly string[]).includes(p));
  if (bad !== undefined || parts.length === 0) return { ok: false, error: `result: a comma-separated list of ${RUN_RESULTS.join(', ')}` };
  return { ok: true, limit, results: [...new Set(parts)] as RunResultFilter[] };
}
