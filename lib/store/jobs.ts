import type { Db } from './db';
import type { JobStatus, Plan, StepStatus } from '@/lib/ops/types';

export interface JobStepRow {
  id: number;
  seq: number;
  kind: string;
  title: string;
  argv: string[] | null;
  status: StepStatus;
  exitCode: number | null;
  stdout: string | null;
  stderr: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface JobRow {
  id: number;
  host: string;
  operation: string;
  params: Record<string, unknown>;
  username: string;
  status: JobStatus;
  lockKey: string | null;
  phase: string | null;
  progress: number | null;
  message: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  plan: Plan | null;
}

export interface AuditRow {
  id: number;
  at: string;
  host: string;
  jobId: number | null;
  operation: string;
  username: string;
  argv: string[];
  exitCode: number | null;
  durationMs: number | null;
  stderr: string | null;
  /** 'command': a command run on a host; 'security': a security event (lib/store/security-events.ts). */
  kind: AuditKind;
  /** Security events: what happened, in words. */
  detail: string | null;
  /** Security events: the client's address, when the event came from a request. */
  address: string | null;
  /** The API token concerned (created, revoked, or acting), when there is one. */
  tokenId: number | null;
}

export type AuditKind = 'command' | 'security';

const now = () => new Date().toISOString();

interface RawJob {
  id: number;
  host: string;
  operation: string;
  params: string;
  username: string;
  status: JobStatus;
  lock_key: string | null;
  phase: string | null;
  progress: number | null;
  message: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  plan: string | null;
}

function toJob(r: RawJob): JobRow {
  return {
    id: r.id,
    host: r.host,
    operation: r.operation,
    params: JSON.parse(r.params) as Record<string, unknown>,
    username: r.username,
    status: r.status,
    lockKey: r.lock_key,
    phase: r.phase,
    progress: r.progress,
    message: r.message,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    plan: r.plan ? (JSON.parse(r.plan) as Plan) : null,
  };
}

export type StartResult = { ok: true; jobId: number } | { ok: false; busyJobId: number; error: string };

/**
 * Create a running job for a plan, unless another job holds the same lock. Check and insert happen in one
 * transaction (and better-sqlite3 is synchronous), so two requests at the same moment cannot both get the lock.
 */
export function startJob(db: Db, plan: Plan, username: string): StartResult {
  return db.transaction((): StartResult => {
    const busy = db
      .prepare(`SELECT id FROM jobs WHERE lock_key = ? AND status IN ('queued', 'running') ORDER BY id LIMIT 1`)
      .get(plan.lockKey) as { id: number } | undefined;
    if (busy) {
      const what = plan.lockKey.split(':').slice(1).join(':');
      return { ok: false, busyJobId: busy.id, error: `busy: job ${busy.id} is running on ${what}` };
    }
    const t = now();
    const info = db
      .prepare(
        `INSERT INTO jobs (host, operation, params, username, status, lock_key, phase, progress, created_at, started_at, plan)
         VALUES (?, ?, ?, ?, 'running', ?, 'starting', 0, ?, ?, ?)`,
      )
      .run(plan.host, plan.operation, JSON.stringify(plan.params), username, plan.lockKey, t, t, JSON.stringify(plan));
    const jobId = Number(info.lastInsertRowid);
    const ins = db.prepare(
      `INSERT INTO job_steps (job_id, seq, kind, title, argv, status) VALUES (?, ?, ?, ?, ?, 'pending')`,
    );
    plan.steps.forEach((s, i) => ins.run(jobId, i, s.kind, s.title, s.kind === 'run' ? JSON.stringify(s.argv) : null));
    return { ok: true, jobId };
  }).immediate();
}

export function updateJob(
  db: Db,
  id: number,
  patch: Partial<Pick<JobRow, 'phase' | 'progress' | 'message' | 'error' | 'status'>>,
): void {
  const cols: string[] = [];
  const vals: unknown[] = [];
  for (const [k, v] of Object.entries(patch)) {
    cols.push(`${k} = ?`);
    vals.push(v);
  }
  if (patch.status && patch.status !== 'running' && patch.status !== 'queued') {
    cols.push('ended_at = ?');
    vals.push(now());
  }
  if (cols.length === 0) return;
  db.prepare(`UPDATE jobs SET ${cols.join(', ')} WHERE id = ?`).run(...vals, id);
}

export function updateStep(
  db: Db,
  jobId: number,
  seq: number,
  patch: { status: StepStatus; exitCode?: number | null; stdout?: string; stderr?: string },
): void {
  const t = now();
  const started = patch.status === 'running' ? t : null;
  const ended = patch.status === 'running' || patch.status === 'pending' ? null : t;
  db.prepare(
    `UPDATE job_steps SET status = ?,
       exit_code = COALESCE(?, exit_code), stdout = COALESCE(?, stdout), stderr = COALESCE(?, stderr),
       started_at = COALESCE(started_at, ?), ended_at = COALESCE(?, ended_at)
     WHERE job_id = ? AND seq = ?`,
  ).run(patch.status, patch.exitCode ?? null, patch.stdout ?? null, patch.stderr ?? null, started, ended, jobId, seq);
}

export function getJob(db: Db, id: number): (JobRow & { steps: JobStepRow[] }) | undefined {
  const r = db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as RawJob | undefined;
  if (!r) return undefined;
  const steps = (
    db.prepare('SELECT * FROM job_steps WHERE job_id = ? ORDER BY seq').all(id) as {
      id: number;
      seq: number;
      kind: string;
      title: string;
      argv: string | null;
      status: StepStatus;
      exit_code: number | null;
      stdout: string | null;
      stderr: string | null;
      started_at: string | null;
      ended_at: string | null;
    }[]
  ).map((s) => ({
    id: s.id,
    seq: s.seq,
    kind: s.kind,
    title: s.title,
    argv: s.argv ? (JSON.parse(s.argv) as string[]) : null,
    status: s.status,
    exitCode: s.exit_code,
    stdout: s.stdout,
    stderr: s.stderr,
    startedAt: s.started_at,
    endedAt: s.ended_at,
  }));
  return { ...toJob(r), steps };
}

export function listJobs(db: Db, opts: { limit?: number; status?: JobStatus[]; host?: string } = {}): JobRow[] {
  const where: string[] = [];
  const vals: unknown[] = [];
  if (opts.status?.length) {
    where.push(`status IN (${opts.status.map(() => '?').join(', ')})`);
    vals.push(...opts.status);
  }
  if (opts.host) {
    where.push('host = ?');
    vals.push(opts.host);
  }
  const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (db.prepare(sql).all(...vals, opts.limit ?? 100) as RawJob[]).map(toJob);
}

export function addAudit(
  db: Db,
  row: Omit<AuditRow, 'id' | 'at' | 'kind' | 'detail' | 'address' | 'tokenId'> & { at?: string },
): number {
  const info = db
    .prepare(
      `INSERT INTO audit (at, host, job_id, operation, username, argv, exit_code, duration_ms, stderr)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      row.at ?? now(),
      row.host,
      row.jobId,
      row.operation,
      row.username,
      JSON.stringify(row.argv),
      row.exitCode,
      row.durationMs === null ? null : Math.round(row.durationMs),
      row.stderr ? row.stderr.slice(0, 4000) : null,
    );
  return Number(info.lastInsertRowid);
}

export function listAudit(
  db: Db,
  opts: { host?: string; operation?: string; kind?: AuditKind; limit?: number; beforeId?: number } = {},
): AuditRow[] {
  const where: string[] = [];
  const vals: unknown[] = [];
  if (opts.kind) {
    where.push('kind = ?');
    vals.push(opts.kind);
  }
  if (opts.host) {
    where.push('host = ?');
    vals.push(opts.host);
  }
  if (opts.operation) {
    where.push('operation = ?');
    vals.push(opts.operation);
  }
  if (opts.beforeId) {
    where.push('id < ?');
    vals.push(opts.beforeId);
  }
  const sql = `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  return (
    db.prepare(sql).all(...vals, opts.limit ?? 200) as {
      id: number;
      at: string;
      host: string;
      job_id: number | null;
      operation: string;
      username: string;
      argv: string;
      exit_code: number | null;
      duration_ms: number | null;
      stderr: string | null;
      kind: AuditKind;
      detail: string | null;
      address: string | null;
      token_id: number | null;
    }[]
  ).map((r) => ({
    id: r.id,
    at: r.at,
    host: r.host,
    jobId: r.job_id,
    operation: r.operation,
    username: r.username,
    argv: JSON.parse(r.argv) as string[],
    exitCode: r.exit_code,
    durationMs: r.duration_ms,
    stderr: r.stderr,
    kind: r.kind,
    detail: r.detail,
    address: r.address,
    tokenId: r.token_id,
  }));
}

/** Commands run on hosts (security events are not counted: tests use this to prove nothing ran). */
export function auditCount(db: Db): number {
  return (db.prepare("SELECT count(*) AS n FROM audit WHERE kind = 'command'").get() as { n: number }).n;
}
