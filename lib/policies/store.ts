import type { Db } from '@/lib/store/db';
import type { Policy, PolicyInput, PolicyRun, RunResult, RunTrigger } from './schema';

// Policies and their runs in SQLite. Inputs arrive validated (schema.ts); JSON columns hold zod-checked shapes.

interface RawPolicy {
  id: number;
  name: string;
  host: string;
  selector: string;
  action: string;
  cron: string;
  time_zone: string;
  retention: string;
  consistency: PolicyInput['consistency'];
  max_fill_percent: number;
  enabled: number;
  note: string;
  created_at: string;
  updated_at: string;
  last_due_at: string | null;
}

interface RawRun {
  id: number;
  policy_id: number;
  trigger: RunTrigger;
  started_at: string;
  finished_at: string | null;
  result: RunResult;
  reason: string | null;
  job_ids: string;
  duration_ms: number | null;
}

const iso = (ms = Date.now()) => new Date(ms).toISOString();

function toPolicy(r: RawPolicy): Policy & { lastDueAt: string | null } {
  return {
    id: r.id,
    name: r.name,
    selector: JSON.parse(r.selector) as Policy['selector'],
    action: JSON.parse(r.action) as Policy['action'],
    schedule: { cron: r.cron, timeZone: r.time_zone },
    retention: JSON.parse(r.retention) as Policy['retention'],
    consistency: r.consistency,
    maxFillPercent: r.max_fill_percent,
    enabled: r.enabled === 1,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastDueAt: r.last_due_at,
  };
}

function toRun(r: RawRun): PolicyRun {
  return {
    id: r.id,
    policyId: r.policy_id,
    trigger: r.trigger,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    result: r.result,
    reason: r.reason,
    jobIds: JSON.parse(r.job_ids) as number[],
    durationMs: r.duration_ms,
  };
}

export type StoredPolicy = ReturnType<typeof toPolicy>;

export function listPolicies(db: Db): StoredPolicy[] {
  return (db.prepare('SELECT * FROM policies ORDER BY name').all() as RawPolicy[]).map(toPolicy);
}

export function getPolicy(db: Db, id: number): StoredPolicy | undefined {
  const r = db.prepare('SELECT * FROM policies WHERE id = ?').get(id) as RawPolicy | undefined;
  return r ? toPolicy(r) : undefined;
}

function columns(p: PolicyInput): unknown[] {
  return [
    p.name,
    p.selector.host,
    JSON.stringify(p.selector),
    JSON.stringify(p.action),
    p.schedule.cron.trim(),
    p.schedule.timeZone,
    JSON.stringify(p.retention),
    p.consistency,
    p.maxFillPercent,
    p.enabled ? 1 : 0,
    p.note,
  ];
}

export type SaveResult = { ok: true; policy: StoredPolicy } | { ok: false; status: number; error: string };

const nameTaken = (e: unknown) => e instanceof Error && /UNIQUE constraint failed: policies\.name/.test(e.message);

/** A new policy; its schedule counts from now (no catch-up for times before it existed). */
export function createPolicy(db: Db, p: PolicyInput, now = Date.now()): SaveResult {
  try {
    const info = db
      .prepare(
        `INSERT INTO policies (name, host, selector, action, cron, time_zone, retention, consistency, max_fill_percent, enabled, note, created_at, updated_at, last_due_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...columns(p), iso(now), iso(now), iso(now));
    return { ok: true, policy: getPolicy(db, Number(info.lastInsertRowid))! };
  } catch (e) {
    if (nameTaken(e)) return { ok: false, status: 409, error: `a policy named ${JSON.stringify(p.name)} exists` };
    throw e;
  }
}

/** Replace a policy. A changed schedule, or enabling it again, counts from now: no catch-up for the time before. */
export function updatePolicy(db: Db, id: number, p: PolicyInput, now = Date.now()): SaveResult {
  const old = getPolicy(db, id);
  if (!old) return { ok: false, status: 404, error: `no policy ${id}` };
  const restart = old.schedule.cron !== p.schedule.cron.trim() || old.schedule.timeZone !== p.schedule.timeZone || (!old.enabled && p.enabled);
  try {
    db.prepare(
      `UPDATE policies SET name = ?, host = ?, selector = ?, action = ?, cron = ?, time_zone = ?, retention = ?, consistency = ?,
         max_fill_percent = ?, enabled = ?, note = ?, updated_at = ?, last_due_at = CASE WHEN ? THEN ? ELSE last_due_at END WHERE id = ?`,
    ).run(...columns(p), iso(now), restart ? 1 : 0, iso(now), id);
  } catch (e) {
    if (nameTaken(e)) return { ok: false, status: 409, error: `a policy named ${JSON.stringify(p.name)} exists` };
    throw e;
  }
  return { ok: true, policy: getPolicy(db, id)! };
}

export function setPolicyEnabled(db: Db, id: number, enabled: boolean, now = Date.now()): StoredPolicy | undefined {
  db.prepare(
    `UPDATE policies SET enabled = ?, updated_at = ?, last_due_at = CASE WHEN ? AND enabled = 0 THEN ? ELSE last_due_at END WHERE id = ?`,
  ).run(enabled ? 1 : 0, iso(now), enabled ? 1 : 0, iso(now), id);
  return getPolicy(db, id);
}

export function deletePolicy(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM policies WHERE id = ?').run(id).changes > 0;
}

/** The scheduler handled the due time up to `at` (a run, a skip or a catch-up): the next due time is after it. */
export function setLastDue(db: Db, id: number, at: number): void {
  db.prepare('UPDATE policies SET last_due_at = ? WHERE id = ?').run(iso(at), id);
}

export type BeginResult = { ok: true; run: PolicyRun } | { ok: false; running: PolicyRun; skipped: PolicyRun };

/**
 * Start a run, unless one of this policy is still running: then a skipped run is recorded (with the running one's
 * id as the reason) and returned. The unique partial index makes this hold even across two processes.
 */
export function beginRun(db: Db, policyId: number, trigger: RunTrigger, now = Date.now()): BeginResult {
  return db
    .transaction((): BeginResult => {
      const running = db.prepare(`SELECT * FROM policy_runs WHERE policy_id = ? AND result = 'running'`).get(policyId) as RawRun | undefined;
      if (running) {
        const skipped = insertRun(db, policyId, trigger, 'skipped', `run #${running.id} (started ${running.started_at}) is still running`, now);
        return { ok: false, running: toRun(running), skipped };
      }
      return { ok: true, run: insertRun(db, policyId, trigger, 'running', null, now) };
    })
    .immediate();
}

function insertRun(db: Db, policyId: number, trigger: RunTrigger, result: RunResult, reason: string | null, now: number): PolicyRun {
  const t = iso(now);
  const done = result === 'running' ? null : t;
  const info = db
    .prepare(`INSERT INTO policy_runs (policy_id, trigger, started_at, finished_at, result, reason, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .run(policyId, trigger, t, done, result, reason, done ? 0 : null);
  return toRun(db.prepare('SELECT * FROM policy_runs WHERE id = ?').get(Number(info.lastInsertRowid)) as RawRun);
}

/** Record a skipped run that never started (space guard before anything ran, policy disabled...). */
export function recordSkip(db: Db, policyId: number, trigger: RunTrigger, reason: string, now = Date.now()): PolicyRun {
  return insertRun(db, policyId, trigger, 'skipped', reason, now);
}

export function addRunJob(db: Db, runId: number, jobId: number): void {
  db.prepare(`UPDATE policy_runs SET job_ids = json_insert(job_ids, '$[#]', CAST(? AS INTEGER)) WHERE id = ?`).run(jobId, runId);
}

export function finishRun(db: Db, runId: number, result: Exclude<RunResult, 'running'>, reason: string | null, now = Date.now()): void {
  db.prepare(
    `UPDATE policy_runs SET result = ?, reason = ?, finished_at = ?,
       duration_ms = CAST(ROUND((julianday(?) - julianday(started_at)) * 86400000) AS INTEGER) WHERE id = ?`,
  ).run(result, reason, iso(now), iso(now), runId);
}

/**
 * After a restart (a crash, a SIGKILL) no run of this process can still be running: each one left 'running' is
 * failed as interrupted, which frees its policy for the next due run. Its jobs are recovered by lib/ops/jobs.ts.
 */
export function failInterruptedRuns(db: Db, now = Date.now()): number {
  return db
    .prepare(
      `UPDATE policy_runs SET result = 'failed', reason = 'interrupted by a restart of the server', finished_at = ?,
         duration_ms = CAST(ROUND((julianday(?) - julianday(started_at)) * 86400000) AS INTEGER) WHERE result = 'running'`,
    )
    .run(iso(now), iso(now)).changes;
}

/** Forget a run that did nothing (an expiry check that found nothing due on a fresh read). */
export function discardRun(db: Db, runId: number): boolean {
  return db.prepare(`DELETE FROM policy_runs WHERE id = ? AND job_ids = '[]'`).run(runId).changes > 0;
}

export function listRuns(db: Db, policyId: number, limit = 100, results: readonly string[] | null = null): PolicyRun[] {
  if (results !== null && results.length > 0) {
    const marks = results.map(() => '?').join(', ');
    return (db.prepare(`SELECT * FROM policy_runs WHERE policy_id = ? AND result IN (${marks}) ORDER BY id DESC LIMIT ?`).all(policyId, ...results, limit) as RawRun[]).map(toRun);
  }
  return (db.prepare('SELECT * FROM policy_runs WHERE policy_id = ? ORDER BY id DESC LIMIT ?').all(policyId, limit) as RawRun[]).map(toRun);
}

export interface PolicyStatus {
  policyId: number;
  lastRun: PolicyRun | null;
  /** The newest finished run that was not skipped. */
  lastFinished: PolicyRun | null;
  lastSuccess: PolicyRun | null;
  /**
   * The outcome to report (/metrics): the newest finished run's (ok or failed), else 'running' while one runs, else
   * the newest run's ('skipped'). A skipped run says only that a run was due while another ran: with a short schedule nearly every
   * newest run is one, and reporting it would hide whether the policy works.
   */
  lastOutcome: RunResult | null;
  /** Failed runs since the last success (skips do not count either way). */
  failureStreak: number;
}

/** Per policy: last run, last success, failure streak (alerts, /metrics, the list and the Guests page). */
export function policyStatuses(db: Db): Map<number, PolicyStatus> {
  const out = new Map<number, PolicyStatus>();
  const ids = (db.prepare('SELECT id FROM policies').all() as { id: number }[]).map((r) => r.id);
  const last = db.prepare('SELECT * FROM policy_runs WHERE policy_id = ? ORDER BY id DESC LIMIT 1');
  const lastFinished = db.prepare(`SELECT * FROM policy_runs WHERE policy_id = ? AND result IN ('ok', 'failed') ORDER BY id DESC LIMIT 1`);
  const lastOk = db.prepare(`SELECT * FROM policy_runs WHERE policy_id = ? AND result = 'ok' ORDER BY id DESC LIMIT 1`);
  const running = db.prepare(`SELECT 1 FROM policy_runs WHERE policy_id = ? AND result = 'running' LIMIT 1`);
  const streak = db.prepare(`SELECT count(*) AS n FROM policy_runs WHERE policy_id = ? AND result = 'failed' AND id > ?`);
  for (const id of ids) {
    const ok = lastOk.get(id) as RawRun | undefined;
    const f = lastFinished.get(id) as RawRun | undefined;
    const l = last.get(id) as RawRun | undefined;
    out.set(id, {
      policyId: id,
      lastRun: l ? toRun(l) : null,
      lastFinished: f ? toRun(f) : null,
      lastSuccess: ok ? toRun(ok) : null,
      lastOutcome: f ? toRun(f).result : running.get(id) ? 'running' : l ? toRun(l).result : null,
      failureStreak: (streak.get(id, ok?.id ?? 0) as { n: number }).n,
    });
  }
  return out;
}
