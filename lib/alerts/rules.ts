/**
 * The one alert evaluator: rules evaluated against what a host shows, used by the server (alert engine, webhook,
 * /metrics) and by the pages (components/inventory/derive.ts hostAlerts), so they raise the same alerts from the same
 * figures. Pure and browser-safe (no server modules, no node:): the inputs are an inventory (or a count of failed
 * reads), the rules, and what the caller knows besides (fill trends, which alerts fire now, why auto-extension is
 * blocked); the output is the set of conditions that hold now. Turning conditions into started/ended alerts is
 * store.ts's job.
 *
 * Decisions:
 * - Only classic (COW) snapshots have a COW area that can overflow; thin snapshots use the pool, which has rules
 *   of its own (pool-warning, pool-critical) on the fuller of its data and metadata: a pool stops at either.
 * - An invalid snapshot raises only "snapshot invalid" (its 100 % fill is the consequence, not news); a merging
 *   snapshot's data_percent is the merge's progress, not a fill, so no fill or time-to-full alerts for it.
 * - Time to full only from a reliable trend (lib/alerts/trend.ts: enough samples over a long enough window).
 * - Hysteresis, so a value wobbling around a threshold does not start and end an alert on every poll: a firing fill
 *   alert ends only below threshold - 1 point; a firing time-to-full alert only at 1.25 x the threshold or when the
 *   snapshot stops filling.
 */
import { formatHours, formatPercent, formatRate } from '@/lib/format';
import { hrefs } from '@/lib/hrefs';
import type { Inventory } from '@/lib/inventory/types';
import type { InventoryLv } from '@/lib/lvm/model';
import type { FillTrend } from './trend';
import { RULE_INFO, type AlertFigures, type AlertLink, type AlertRule, type RuleId, type Severity } from './types';

export interface Condition {
  key: string;
  rule: RuleId;
  severity: Severity;
  host: string;
  vg: string | null;
  lv: string | null;
  lvUuid: string | null;
  summary: string;
  figures: AlertFigures;
  link: AlertLink | null;
}

export interface EvaluationContext {
  /** Fill trend per snapshot uuid (lib/alerts/trend.ts; unreliable ones are ignored). */
  trends?: Readonly<Record<string, FillTrend | undefined>>;
  /** Keys of the alerts firing now (for hysteresis). */
  firing?: ReadonlySet<string>;
  /** Snapshot uuid -> why an auto-extend policy cannot grow it. */
  blocked?: ReadonlyMap<string, string>;
}

export const FILL_HYSTERESIS_POINTS = 1;
export const TIME_TO_FULL_HYSTERESIS = 1.25;

/** The stable identity of an alert: rule + host (+ vg / LV uuid; a renamed LV keeps its alerts). */
export function alertKey(rule: RuleId, host: string, vg?: string | null, uuid?: string | null): string {
  return vg && uuid ? `${rule}:${host}:${vg}/${uuid}` : `${rule}:${host}`;
}

/** The pages that help with an alert. */
export const wizardLinks = {
  extend: (host: string, vg: string, snapshot: string): AlertLink => ({ label: 'Extend', href: hrefs.extend(host, vg, snapshot) }),
  remove: (host: string, vg: string, snapshot: string): AlertLink => ({ label: 'Remove', href: hrefs.remove(host, vg, snapshot) }),
  merge: (host: string, vg: string, snapshot: string): AlertLink => ({ label: 'Review merge', href: hrefs.merge(host, vg, snapshot) }),
  vg: (host: string, vg: string): AlertLink => ({ label: 'Open volume group', href: hrefs.vg(host, vg) }),
};

/** Every rule, with defaults for those not in `rules` (stored settings may predate a rule). */
export function withDefaults(rules: readonly AlertRule[]): AlertRule[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  return (Object.keys(RULE_INFO) as RuleId[]).map((id) => byId.get(id) ?? { id, ...RULE_INFO[id].defaults });
}

function activeRule(rules: readonly AlertRule[], id: RuleId): AlertRule | undefined {
  const r = rules.find((x) => x.id === id) ?? { id, ...RULE_INFO[id].defaults };
  return r.enabled ? r : undefined;
}

const thresholdOf = (r: AlertRule): number => r.threshold ?? RULE_INFO[r.id].defaults.threshold ?? 0;

/** A rule's threshold when it is on, else null (the pages flag what the rules flag). */
export function ruleThreshold(rules: readonly AlertRule[], id: RuleId): number | null {
  const r = activeRule(rules, id);
  return r ? thresholdOf(r) : null;
}

/** Whether `lv` is a classic snapshot whose COW area can still fill (active, not lost, not merging). */
function isFilling(lv: InventoryLv): boolean {
  return lv.kind === 'snapshot' && !lv.invalid && !lv.merging && !lv.mergeFailed && lv.cowPercent !== null && lv.cowPercent < 100;
}

/**
 * Hours until a classic snapshot's COW area is full: the figure the time-to-full rule, the webhook and the pages
 * use. Null when it is not filling, lost, merging (it empties), inactive, or the trend is not reliable yet.
 */
export function timeToFull(lv: InventoryLv, trend: FillTrend | undefined): number | null {
  if (!isFilling(lv) || !trend?.reliable) return null;
  const h = trend.hoursToFull;
  return h === null || !Number.isFinite(h) ? null : h;
}

/** True for a filling classic snapshot whose trend is not reliable yet (too few samples, too short a window). */
export function trendNotReliable(lv: InventoryLv, trend: FillTrend | undefined): boolean {
  return isFilling(lv) && !trend?.reliable;
}

/** The fuller of a thin pool's data and metadata, and which one it is; null when lvm2 reports neither. */
export function poolFill(lv: Pick<InventoryLv, 'dataPercent' | 'metadataPercent'>): { percent: number; of: 'data' | 'metadata' } | null {
  const data = lv.dataPercent;
  const meta = lv.metadataPercent;
  if (data === null && meta === null) return null;
  return (meta ?? -1) > (data ?? -1) ? { percent: meta ?? 0, of: 'metadata' } : { percent: data ?? 0, of: 'data' };
}

export function evaluateInventory(inv: Inventory, rules: readonly AlertRule[], ctx: EvaluationContext = {}): Condition[] {
  const out: Condition[] = [];
  const firing = ctx.firing ?? new Set<string>();
  const vgFree = new Map(inv.vgs.map((v) => [v.name, v.freeBytes]));
  const fillW = activeRule(rules, 'fill-warning');
  const fillC = activeRule(rules, 'fill-critical');
  const ttf = activeRule(rules, 'time-to-full');
  const invalid = activeRule(rules, 'snapshot-invalid');
  const mergeFailed = activeRule(rules, 'merge-failed');
  const blockedRule = activeRule(rules, 'autoextend-blocked');
  const poolW = activeRule(rules, 'pool-warning');
  const poolC = activeRule(rules, 'pool-critical');

  for (const lv of inv.lvs) {
    if (lv.kind === 'thin-pool') {
      out.push(...poolConditions(inv.host, lv, [poolW, poolC], firing));
      continue;
    }
    if (lv.kind !== 'snapshot') continue;
    const base = (rule: AlertRule, summary: string, figures: AlertFigures, link: AlertLink | null): Condition => ({
      key: alertKey(rule.id, inv.host, lv.vg, lv.uuid),
      rule: rule.id,
      severity: rule.severity,
      host: inv.host,
      vg: lv.vg,
      lv: lv.name,
      lvUuid: lv.uuid,
      summary,
      figures,
      link,
    });
    const name = `${lv.vg}/${lv.name}`;
    const trend = ctx.trends?.[lv.uuid];
    const hoursToFull = timeToFull(lv, trend);
    const figures: AlertFigures = {
      fillPercent: lv.cowPercent,
      ratePerHour: trend?.reliable ? trend.ratePerHour : null,
      hoursToFull,
      sizeBytes: lv.sizeBytes,
      vgFreeBytes: vgFree.get(lv.vg),
    };

    if (lv.invalid) {
      if (invalid) {
        out.push(base(invalid, `${name}: snapshot invalid: its COW area overflowed and the snapshot is lost`, figures,
          wizardLinks.remove(inv.host, lv.vg, lv.name)));
      }
      continue;
    }
    if (lv.mergeFailed) {
      if (mergeFailed) {
        out.push(base(mergeFailed, `${name}: the merge into ${lv.vg}/${lv.origin ?? '?'} failed`, figures,
          wizardLinks.merge(inv.host, lv.vg, lv.name)));
      }
      continue;
    }
    if (lv.merging) continue;

    const reason = ctx.blocked?.get(lv.uuid);
    if (reason !== undefined && blockedRule) {
      out.push(base(blockedRule, `cannot auto-extend ${name}: ${reason}`, { ...figures, error: reason },
        wizardLinks.extend(inv.host, lv.vg, lv.name)));
    }

    const fill = lv.cowPercent;
    if (fill === null) continue; // inactive: nothing can be known
    for (const rule of [fillW, fillC]) {
      if (!rule) continue;
      const t = thresholdOf(rule);
      const key = alertKey(rule.id, inv.host, lv.vg, lv.uuid);
      const limit = firing.has(key) ? t - FILL_HYSTERESIS_POINTS : t;
      if (fill >= limit) {
        out.push(base(rule, `${name}: COW area ${formatPercent(fill)} full (rule: ≥ ${t}%)`, figures,
          wizardLinks.extend(inv.host, lv.vg, lv.name)));
      }
    }
    if (ttf && hoursToFull !== null) {
      const t = thresholdOf(ttf);
      const key = alertKey('time-to-full', inv.host, lv.vg, lv.uuid);
      const limit = firing.has(key) ? t * TIME_TO_FULL_HYSTERESIS : t;
      if (hoursToFull < limit) {
        out.push(base(ttf,
          `${name}: COW area full in about ${formatHours(hoursToFull)} at ${formatRate(figures.ratePerHour)} (rule: < ${t} h)`,
          figures, wizardLinks.extend(inv.host, lv.vg, lv.name)));
      }
    }
  }
  return out;
}

/** The thin-pool rules on one pool: data or metadata at or above the threshold (with the fill hysteresis). */
function poolConditions(host: string, lv: InventoryLv, rules: readonly (AlertRule | undefined)[], firing: ReadonlySet<string>): Condition[] {
  const fill = poolFill(lv);
  if (!fill) return [];
  const name = `${lv.vg}/${lv.name}`;
  const out: Condition[] = [];
  for (const rule of rules) {
    if (!rule) continue;
    const t = thresholdOf(rule);
    const key = alertKey(rule.id, host, lv.vg, lv.uuid);
    const limit = firing.has(key) ? t - FILL_HYSTERESIS_POINTS : t;
    if (fill.percent < limit) continue;
    out.push({
      key,
      rule: rule.id,
      severity: rule.severity,
      host,
      vg: lv.vg,
      lv: lv.name,
      lvUuid: lv.uuid,
      summary: `${name}: thin pool ${fill.of} ${formatPercent(fill.percent)} full (rule: ≥ ${t}%)`,
      figures: { fillPercent: lv.dataPercent, metadataPercent: lv.metadataPercent, sizeBytes: lv.sizeBytes },
      link: wizardLinks.vg(host, lv.vg),
    });
  }
  return out;
}

/** Host-level rules: `failures` failed reads in a row (0 after a successful read). */
export function evaluateHost(host: string, failures: number, error: string | undefined, rules: readonly AlertRule[]): Condition[] {
  const rule = activeRule(rules, 'host-unreachable');
  if (!rule || failures < Math.max(1, thresholdOf(rule))) return [];
  // "host unreachable (3 failed reads in a row): ssh: connect to host ...", without saying "host unreachable" twice.
  const reason = error ? hostErrorReason(error).replace(/^host unreachable: /, '') : '';
  return [
    {
      key: alertKey('host-unreachable', host),
      rule: 'host-unreachable',
      severity: rule.severity,
      host,
      vg: null,
      lv: null,
      lvUuid: null,
      summary: `host unreachable (${failures} failed read${failures === 1 ? '' : 's'} in a row)${reason ? `: ${reason}` : ''}`,
      figures: { failures, ...(reason ? { error: reason } : {}) },
      link: null,
    },
  ];
}

// lib/host's CommandError reads "<the whole command>: <why>[: <stderr>]", and the inventory's command is a long
// script: keep only the reason (the last "why" in the message), else the last line.
const WHY = /: (timed out|command not found|host unreachable|was killed|exited with code -?\d+)(?=$|: )/g;

/** The reason a host read failed, without the command: "host unreachable: ssh: connect to host ...: Connection refused". */
export function hostErrorReason(message: string): string {
  let start = -1;
  for (const m of message.matchAll(WHY)) start = m.index + 2;
  const reason = start >= 0 ? message.slice(start) : (message.split('\n').filter((l) => l.trim() !== '').pop() ?? message);
  return reason.trim().slice(0, 300);
}


/** What the policy rules need to know of a snapshot policy (issue 12; from lib/policies/store.ts policyStatuses). */
export interface PolicyAlertInput {
  id: number;
  name: string;
  host: string;
  enabled: boolean;
  createdAt: string;
  /** The newest run that ended ok or failed (skips say nothing about success). */
  lastFinished: { id: number; result: string; reason: string | null } | null;
  lastSuccessAt: string | null;
  failureStreak: number;
}

export const policyAlertKey = (rule: RuleId, host: string, policyId: number) => `${rule}:${host}:policy-${policyId}`;

/**
 * Policy rules: "policy failed" holds while the newest finished run failed (the same key for the whole streak, so
 * one start and one end reach the webhook); "policy behind" while the newest success (or the policy's creation)
 * is older than the threshold in hours. Disabled policies raise neither.
 */
export function evaluatePolicies(policies: readonly PolicyAlertInput[], rules: readonly AlertRule[], now: number): Condition[] {
  const failed = activeRule(rules, 'policy-failed');
  const stale = activeRule(rules, 'policy-stale');
  const out: Condition[] = [];
  for (const p of policies) {
    if (!p.enabled) continue;
    const link: AlertLink = { label: 'Open policy', href: `/policies/${p.id}` };
    if (failed && p.lastFinished?.result === 'failed') {
      out.push({
        key: policyAlertKey('policy-failed', p.host, p.id),
        rule: 'policy-failed',
        severity: failed.severity,
        host: p.host,
        vg: null,
        lv: null,
        lvUuid: null,
        summary: `policy ${p.name}: run #${p.lastFinished.id} failed${p.failureStreak > 1 ? ` (${p.failureStreak} in a row)` : ''}: ${(p.lastFinished.reason ?? 'no reason recorded').slice(0, 300)}`,
        figures: { failures: p.failureStreak },
        link,
      });
    }
    const since = Date.parse(p.lastSuccessAt ?? p.createdAt);
    const hours = (now - since) / 3_600_000;
    if (stale && hours > thresholdOf(stale)) {
      out.push({
        key: policyAlertKey('policy-stale', p.host, p.id),
        rule: 'policy-stale',
        severity: stale.severity,
        host: p.host,
        vg: null,
        lv: null,
        lvUuid: null,
        summary: `policy ${p.name}: ${p.lastSuccessAt ? `newest successful run ${formatHours(hours)} ago` : `no successful run in the ${formatHours(hours)} since it was created`}`,
        figures: { hoursSinceSuccess: Math.round(hours * 100) / 100 },
        link,
      });
    }
  }
  return out;
}
