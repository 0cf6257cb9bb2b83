/**
 * SQLite side of alerting (tables of migration 5): rules, the webhook URL, auto-extend policies, the alert history
 * with its start/end de-duplication, and the record of webhook deliveries. Takes the database as an argument, so
 * tests use openDb(':memory:').
 */
import type { Db } from '@/lib/store/sqlite';
import type { Condition } from './rules';
import { withDefaults } from './rules';
import {
  DEFAULT_AUTOEXTEND,
  RULE_INFO,
  type Alert,
  type AlertFigures,
  type AlertLink,
  type AlertRule,
  type AutoextendPolicies,
  type Delivery,
  type DeliveryEvent,
  type RuleId,
  type Severity,
} from './types';

const iso = (now: number | Date = Date.now()) => new Date(now).toISOString();

// --- rules ------------------------------------------------------------------------------------------------------

export function getRules(db: Db): AlertRule[] {
  const rows = db.prepare('SELECT id, enabled, severity, threshold FROM alert_rules').all() as {
    id: string;
    enabled: number;
    severity: Severity;
    threshold: number | null;
  }[];
  const known = rows
    .filter((r) => r.id in RULE_INFO)
    .map((r) => ({ id: r.id as RuleId, enabled: r.enabled === 1, severity: r.severity, threshold: r.threshold }));
  return withDefaults(known);
}

/** Store the given rules (others keep their settings). */
export function saveRules(db: Db, rules: readonly AlertRule[], now = Date.now()): AlertRule[] {
  const up = db.prepare(
    `INSERT INTO alert_rules (id, enabled, severity, threshold, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET enabled = excluded.enabled, severity = excluded.severity,
       threshold = excluded.threshold, updated_at = excluded.updated_at`,
  );
  db.transaction(() => {
    for (const r of rules) {
      const threshold = RULE_INFO[r.id].unit === null ? null : r.threshold;
      up.run(r.id, r.enabled ? 1 : 0, r.severity, threshold, iso(now));
    }
  })();
  return getRules(db);
}

// --- webhook ----------------------------------------------------------------------------------------------------

const WEBHOOK_KEY = 'webhook_url';

export function getWebhookUrl(db: Db): string | null {
  const row = db.prepare('SELECT value FROM alert_settings WHERE key = ?').get(WEBHOOK_KEY) as { value: string } | undefined;
  return row?.value || null;
}

export function setWebhookUrl(db: Db, url: string | null, now = Date.now()): void {
  if (!url) {
    db.prepare('DELETE FROM alert_settings WHERE key = ?').run(WEBHOOK_KEY);
    return;
  }
  db.prepare(
    `INSERT INTO alert_settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(WEBHOOK_KEY, url, iso(now));
}

// --- auto-extend policies ---------------------------------------------------------------------------------------

interface PolicyRow {
  host: string;
  vg: string;
  snapshot: string;
  enabled: number;
  threshold_percent: number;
  grow_percent: number;
  max_size_bytes: number | null;
}

const toSettings = (r: PolicyRow) => ({
  enabled: r.enabled === 1,
  thresholdPercent: r.threshold_percent,
  growPercent: r.grow_percent,
  maxSizeBytes: r.max_size_bytes,
});

export function getPolicies(db: Db): AutoextendPolicies {
  const rows = db
    .prepare('SELECT host, vg, snapshot, enabled, threshold_percent, grow_percent, max_size_bytes FROM autoextend_policies ORDER BY host, vg, snapshot')
    .all() as PolicyRow[];
  const def = rows.find((r) => r.host === '');
  return {
    default: def ? toSettings(def) : { ...DEFAULT_AUTOEXTEND },
    snapshots: rows.filter((r) => r.host !== '').map((r) => ({ host: r.host, vg: r.vg, snapshot: r.snapshot, ...toSettings(r) })),
  };
}

/** Replace every policy (the default and the per-snapshot ones) in one transaction. */
export function savePolicies(db: Db, p: AutoextendPolicies, now = Date.now()): AutoextendPolicies {
  const ins = db.prepare(
    `INSERT INTO autoextend_policies (host, vg, snapshot, enabled, threshold_percent, grow_percent, max_size_bytes, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    db.prepare('DELETE FROM autoextend_policies').run();
    const d = p.default;
    ins.run('', '', '', d.enabled ? 1 : 0, d.thresholdPercent, d.growPercent, d.maxSizeBytes, iso(now));
    for (const s of p.snapshots) {
      ins.run(s.host, s.vg, s.snapshot, s.enabled ? 1 : 0, s.thresholdPercent, s.growPercent, s.maxSizeBytes, iso(now));
    }
  })();
  return getPolicies(db);
}

// --- alerts -----------------------------------------------------------------------------------------------------

interface AlertRow {
  id: number;
  key: string;
  rule: RuleId;
  severity: Severity;
  state: 'firing' | 'resolved';
  host: string;
  vg: string | null;
  lv: string | null;
  lv_uuid: string | null;
  summary: string;
  figures: string;
  link: string | null;
  started_at: string;
  ended_at: string | null;
  updated_at: string;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    key: r.key,
    rule: r.rule,
    severity: r.severity,
    state: r.state,
    host: r.host,
    vg: r.vg,
    lv: r.lv,
    lvUuid: r.lv_uuid,
    summary: r.summary,
    figures: JSON.parse(r.figures) as AlertFigures,
    link: r.link ? (JSON.parse(r.link) as AlertLink) : null,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    updatedAt: r.updated_at,
  };
}

const SEVERITY_ORDER = `CASE severity WHEN 'critical' THEN 0 ELSE 1 END`;

export function firingAlerts(db: Db, host?: string): Alert[] {
  const rows = (host
    ? db.prepare(`SELECT * FROM alerts WHERE state = 'firing' AND host = ? ORDER BY ${SEVERITY_ORDER}, started_at DESC, id DESC`).all(host)
    : db.prepare(`SELECT * FROM alerts WHERE state = 'firing' ORDER BY ${SEVERITY_ORDER}, started_at DESC, id DESC`).all()) as AlertRow[];
  return rows.map(toAlert);
}

export function recentResolvedAlerts(db: Db, limit = 50): Alert[] {
  return (db.prepare(`SELECT * FROM alerts WHERE state = 'resolved' ORDER BY ended_at DESC, id DESC LIMIT ?`).all(limit) as AlertRow[]).map(toAlert);
}

export function getAlert(db: Db, id: number): Alert | undefined {
  const r = db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
  return r ? toAlert(r) : undefined;
}

export function firingCount(db: Db): { total: number; critical: number; warning: number } {
  const rows = db.prepare(`SELECT severity, count(*) AS n FROM alerts WHERE state = 'firing' GROUP BY severity`).all() as {
    severity: Severity;
    n: number;
  }[];
  const critical = rows.find((r) => r.severity === 'critical')?.n ?? 0;
  const warning = rows.find((r) => r.severity === 'warning')?.n ?? 0;
  return { total: critical + warning, critical, warning };
}

/** Firing alerts per rule and severity (for /metrics). */
export function firingByRule(db: Db): { rule: RuleId; severity: Severity; count: number }[] {
  return db
    .prepare(`SELECT rule, severity, count(*) AS count FROM alerts WHERE state = 'firing' GROUP BY rule, severity`)
    .all() as { rule: RuleId; severity: Severity; count: number }[];
}

export interface Scope {
  host: string;
  /** The rules the conditions answer for: a firing alert of these rules on this host that is not among them ends. */
  rules: readonly RuleId[];
}

export interface SyncResult {
  started: Alert[];
  ended: Alert[];
}

/**
 * Bring the alert history in line with the conditions that hold now, within a scope: a condition without a firing
 * alert starts one; a firing alert whose condition is gone ends; a firing alert whose condition still holds only
 * gets its figures refreshed (no event). One transaction, so two evaluations never both start the same alert
 * (and the partial unique index on firing keys would refuse it anyway).
 */
export function syncAlerts(db: Db, scope: Scope, conditions: readonly Condition[], now = Date.now()): SyncResult {
  const t = iso(now);
  return db.transaction((): SyncResult => {
    const firing = new Map(firingAlerts(db, scope.host).filter((a) => scope.rules.includes(a.rule)).map((a) => [a.key, a]));
    const started: Alert[] = [];
    const ended: Alert[] = [];
    const seen = new Set<string>();
    const ins = db.prepare(
      `INSERT INTO alerts (key, rule, severity, state, host, vg, lv, lv_uuid, summary, figures, link, started_at, updated_at)
       VALUES (?, ?, ?, 'firing', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const upd = db.prepare(`UPDATE alerts SET severity = ?, lv = ?, summary = ?, figures = ?, link = ?, updated_at = ? WHERE id = ?`);
    for (const c of conditions) {
      if (c.host !== scope.host || !scope.rules.includes(c.rule) || seen.has(c.key)) continue;
      seen.add(c.key);
      const link = c.link ? JSON.stringify(c.link) : null;
      const existing = firing.get(c.key);
      if (existing) {
        upd.run(c.severity, c.lv, c.summary, JSON.stringify(c.figures), link, t, existing.id);
        continue;
      }
      const info = ins.run(c.key, c.rule, c.severity, c.host, c.vg, c.lv, c.lvUuid, c.summary, JSON.stringify(c.figures), link, t, t);
      const a = getAlert(db, Number(info.lastInsertRowid));
      if (a) started.push(a);
    }
    const end = db.prepare(`UPDATE alerts SET state = 'resolved', ended_at = ?, updated_at = ?, notify_end = 'pending' WHERE id = ?`);
    for (const [key, a] of firing) {
      if (seen.has(key)) continue;
      end.run(t, t, a.id);
      ended.push({ ...a, state: 'resolved', endedAt: t, updatedAt: t });
    }
    return { started, ended };
  }).immediate();
}

/** End the firing alerts of hosts that are no longer configured (nothing else would ever end them). */
export function resolveOrphans(db: Db, hostIds: readonly string[], now = Date.now()): Alert[] {
  const ended: Alert[] = [];
  const hosts = new Set(hostIds);
  for (const a of firingAlerts(db)) {
    if (hosts.has(a.host)) continue;
    ended.push(...syncAlerts(db, { host: a.host, rules: [a.rule] }, [], now).ended);
  }
  return ended;
}

// --- notifications and deliveries ---------------------------------------------------------------------------------

export type NotifyState = 'pending' | 'sent' | 'failed' | 'skipped';

export function markNotified(db: Db, alertId: number, event: 'started' | 'ended', state: NotifyState): void {
  const col = event === 'started' ? 'notify_start' : 'notify_end';
  db.prepare(`UPDATE alerts SET ${col} = ? WHERE id = ?`).run(state, alertId);
}

/** Notifications not sent yet (the server stopped before), oldest first, of alerts that changed after `since`. */
export function pendingNotifications(db: Db, sinceMs: number, now = Date.now()): { alert: Alert; event: 'started' | 'ended' }[] {
  const since = iso(now - sinceMs);
  const rows = db
    .prepare(
      `SELECT *, 'started' AS ev, started_at AS ev_at FROM alerts WHERE notify_start = 'pending' AND started_at >= ?
       UNION ALL
       SELECT *, 'ended' AS ev, ended_at AS ev_at FROM alerts WHERE notify_end = 'pending' AND ended_at >= ?
       ORDER BY ev_at, id`,
    )
    .all(since, since) as (AlertRow & { ev: 'started' | 'ended' })[];
  return rows.map((r) => ({ alert: toAlert(r), event: r.ev }));
}

export interface DeliveryRecord {
  alertId: number | null;
  alertKey: string;
  event: DeliveryEvent;
  target: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  error: string | null;
  durationMs: number | null;
  at?: string;
}

export function recordDelivery(db: Db, d: DeliveryRecord): number {
  const info = db
    .prepare(
      `INSERT INTO alert_deliveries (alert_id, alert_key, event, target, attempt, at, ok, status, error, duration_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      d.alertId,
      d.alertKey,
      d.event,
      d.target,
      d.attempt,
      d.at ?? iso(),
      d.ok ? 1 : 0,
      d.status,
      d.error ? d.error.slice(0, 500) : null,
      d.durationMs === null ? null : Math.round(d.durationMs),
    );
  return Number(info.lastInsertRowid);
}

export function listDeliveries(db: Db, limit = 50): Delivery[] {
  return (
    db.prepare('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?').all(limit) as {
      id: number;
      alert_id: number | null;
      alert_key: string;
      event: DeliveryEvent;
      target: string;
      attempt: number;
      at: string;
      ok: number;
      status: number | null;
      error: string | null;
      duration_ms: number | null;
    }[]
  ).map((r) => ({
    id: r.id,
    alertId: r.alert_id,
    alertKey: r.alert_key,
    event: r.event,
    target: r.target,
    attempt: r.attempt,
    at: r.at,
    ok: r.ok === 1,
    status: r.status,
    error: r.error,
    durationMs: r.duration_ms,
  }));
}

/** Forget resolved alerts and delivery records older than `keepMs`. */
export function pruneAlerts(db: Db, keepMs: number, now = Date.now()): void {
  const before = iso(now - keepMs);
  db.prepare(`DELETE FROM alert_deliveries WHERE at < ?`).run(before);
  db.prepare(`DELETE FROM alerts WHERE state = 'resolved' AND ended_at < ?`).run(before);
}

// --- jobs (read-only view of lib/ops' table) -------------------------------------------------------------------

export interface ExtendJobInfo {
  id: number;
  status: string;
  username: string;
  error: string | null;
  endedAt: string | null;
}

/** The newest extend-snapshot job for a snapshot, whoever started it. */
export function lastExtendJob(db: Db, host: string, vg: string, snapshot: string): ExtendJobInfo | undefined {
  const r = db
    .prepare(
      `SELECT id, status, username, error, ended_at FROM jobs
       WHERE host = ? AND operation = 'extend-snapshot'
         AND json_extract(params, '$.vg') = ? AND json_extract(params, '$.snapshot') = ?
       ORDER BY id DESC LIMIT 1`,
    )
    .get(host, vg, snapshot) as { id: number; status: string; username: string; error: string | null; ended_at: string | null } | undefined;
  return r ? { id: r.id, status: r.status, username: r.username, error: r.error, endedAt: r.ended_at } : undefined;
}

