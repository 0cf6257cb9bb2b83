/**
 * The alerting core, free of Next.js and of process-wide singletons so tests can drive it: it takes every
 * inventory and every host check, decides auto-extensions, evaluates the rules, records alert starts and ends,
 * and delivers each start and end to the webhook once (in order per alert, retried, every attempt recorded).
 * engine.ts wires it to the real database, the inventory service and the job runner.
 */
import type { Inventory } from '@/lib/inventory/types';
import { recentSamplesByLv } from '@/lib/store/samples';
import type { Db } from '@/lib/store/sqlite';
import { canAutoextend, decideExtension, policyFor } from './autoextend';
import { evaluateHost, evaluateInventory, type Condition } from './rules';
import { fillTrend, TREND_WINDOW_MS, type FillTrend } from './trend';
import {
  firingAlerts,
  getPolicies,
  getRules,
  getWebhookUrl,
  lastExtendJob,
  markNotified,
  pendingNotifications,
  recordDelivery,
  syncAlerts,
  type SyncResult,
} from './store';
import { AUTOEXTEND_USER, INVENTORY_RULES, POLICY_RULES, type Alert, type DeliveryEvent } from './types';
import { postWithRetries, redactUrl, webhookPayload, type DeliveryOptions } from './webhook';

export type ExtendOutcome = { ok: true; jobId: number } | { ok: false; status: number; error: string };

export interface ProcessorDeps {
  db: Db;
  /** Start an extend-snapshot job (as AUTOEXTEND_USER). */
  extend: (host: string, params: { vg: string; snapshot: string; addBytes: number }) => Promise<ExtendOutcome>;
  now?: () => number;
  delivery?: Omit<DeliveryOptions, 'onAttempt'>;
  log?: (message: string, error?: unknown) => void;
  /** COWHERD_PUBLIC_URL: deliveries link to the page that helps. */
  publicUrl?: string;
}

export interface HostHealth {
  /** null until the host was read or checked once. */
  reachable: boolean | null;
  failures: number;
  error?: string;
  lastErrorAt?: string;
  /** Duration of the last successful read, in seconds. */
  lastDurationS?: number;
}

/** What a host check sees (inventoryView's answer). */
export interface HostCheck {
  reachable: boolean;
  error?: string;
  errorAt?: string;
}

/** After an auto-extension failed, wait this long before trying that snapshot again (the alert stays meanwhile). */
export const AUTOEXTEND_RETRY_MS = 5 * 60_000;
/** Notifications left unsent by a restart are sent on start if they are younger than this. */
export const RESEND_WINDOW_MS = 24 * 3_600_000;

export interface PlannedExtension {
  key: string;
  vg: string;
  snapshot: string;
  addBytes: number;
  reason: string;
}

export function createAlertProcessor(deps: ProcessorDeps) {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ''));
  const health = new Map<string, HostHealth>();
  /** Snapshots ("host:vg/lv") with an extension being started right now (between the decision and the job row). */
  const starting = new Set<string>();
  /** Snapshots whose last auto-extension could not start (preflight refused it, host unreachable...). */
  const startFailures = new Map<string, { error: string; at: number }>();
  /** Snapshots whose auto-extension failed and has not succeeded since: the reason, reported until it does. */
  const remembered = new Map<string, string>();
  /** One delivery chain per alert key: a start is always delivered before its end. */
  const chains = new Map<string, Promise<void>>();

  function hostHealth(host: string): HostHealth {
    let h = health.get(host);
    if (!h) health.set(host, (h = { reachable: null, failures: 0 }));
    return h;
  }

  function deliver(alert: Alert, event: DeliveryEvent, urlOverride?: string): Promise<boolean> {
    const url = urlOverride ?? getWebhookUrl(db);
    if (!url) {
      if (event !== 'test') markNotified(db, alert.id, event, 'skipped');
      return Promise.resolve(false);
    }
    const target = redactUrl(url);
    return postWithRetries(url, webhookPayload(event, alert, now(), deps.publicUrl), {
      ...deps.delivery,
      onAttempt: (a) =>
        recordDelivery(db, {
          alertId: event === 'test' ? null : alert.id,
          alertKey: alert.key,
          event,
          target,
          attempt: a.attempt,
          ok: a.ok,
          status: a.status,
          error: a.error,
          durationMs: a.durationMs,
          at: a.at,
        }),
    }).then((r) => {
      if (event !== 'test') markNotified(db, alert.id, event, r.ok ? 'sent' : 'failed');
      return r.ok;
    });
  }

  function enqueue(alert: Alert, event: 'started' | 'ended'): void {
    const prev = chains.get(alert.key) ?? Promise.resolve();
    const next = prev
      .then(() => deliver(alert, event))
      .then(
        () => undefined,
        (e: unknown) => log(`webhook delivery of ${alert.key} failed`, e),
      )
      .finally(() => {
        if (chains.get(alert.key) === next) chains.delete(alert.key);
      });
    chains.set(alert.key, next);
  }

  function notify(r: SyncResult): void {
    for (const a of r.started) enqueue(a, 'started');
    for (const a of r.ended) enqueue(a, 'ended');
  }

  /** The same trends the inventory API gives the pages (lib/inventory/view.ts): one time to full for both. */
  function trendsFor(inv: Inventory): Record<string, FillTrend> {
    const byLv = recentSamplesByLv(db, inv.host, TREND_WINDOW_MS, now());
    const out: Record<string, FillTrend> = {};
    for (const lv of inv.lvs) {
      if (lv.kind !== 'snapshot' || lv.cowPercent === null) continue;
      out[lv.uuid] = fillTrend(byLv.get(lv.uuid) ?? [], lv.cowPercent);
    }
    return out;
  }

  /** Which snapshots to extend now and which cannot be (uuid -> reason). */
  function planExtensions(inv: Inventory): { extend: PlannedExtension[]; blocked: Map<string, string> } {
    const policies = getPolicies(db);
    const extend: PlannedExtension[] = [];
    const blocked = new Map<string, string>();
    if (!policies.default.enabled && !policies.snapshots.some((p) => p.enabled)) return { extend, blocked };
    // collectedAt is when the read began (lib/inventory/collect.ts): a job that ended after that may not be in it.
    const readStart = Date.parse(inv.collectedAt);
    const t = now();
    for (const lv of inv.lvs) {
      if (!canAutoextend(lv)) continue;
      const key = `${inv.host}:${lv.vg}/${lv.name}`;
      const d = decideExtension(lv, inv.vgs.find((v) => v.name === lv.vg), policyFor(policies, inv.host, lv.vg, lv.name));
      if (d.kind === 'none') {
        remembered.delete(key);
        continue;
      }
      if (d.kind === 'blocked') {
        blocked.set(lv.uuid, d.reason);
        continue;
      }
      const job = lastExtendJob(db, inv.host, lv.vg, lv.name);
      if (job?.status === 'succeeded') remembered.delete(key);
      const busy =
        starting.has(key) ||
        job?.status === 'running' ||
        job?.status === 'queued' ||
        // The read began before this extension ended: it may not show it yet.
        (!!job?.endedAt && Date.parse(job.endedAt) >= readStart);
      let failure: string | undefined;
      if (job?.status === 'failed' && job.username === AUTOEXTEND_USER && job.endedAt && t - Date.parse(job.endedAt) < AUTOEXTEND_RETRY_MS) {
        failure = `job #${job.id} failed: ${job.error ?? 'unknown error'}`;
      }
      const f = startFailures.get(key);
      if (f && t - f.at < AUTOEXTEND_RETRY_MS) failure = f.error;
      if (failure) remembered.set(key, failure);
      // A failure stays reported while the retry runs, so the alert does not end and start again on each retry.
      const reason = failure ?? remembered.get(key);
      if (reason) blocked.set(lv.uuid, reason);
      if (!busy && !failure) extend.push({ key, vg: lv.vg, snapshot: lv.name, addBytes: d.addBytes, reason: d.reason });
    }
    return { extend, blocked };
  }

  function launch(host: string, x: PlannedExtension): Promise<void> {
    starting.add(x.key);
    return deps
      .extend(host, { vg: x.vg, snapshot: x.snapshot, addBytes: x.addBytes })
      .then((o) => {
        if (o.ok) {
          startFailures.delete(x.key);
        } else if (!(o.status === 409 && o.error.startsWith('busy'))) {
          // "busy": another job holds the VG; the next poll tries again. Anything else is worth an alert.
          startFailures.set(x.key, { error: o.error, at: now() });
        }
      })
      .catch((e: unknown) => {
        startFailures.set(x.key, { error: (e as Error).message, at: now() });
      })
      .finally(() => starting.delete(x.key));
  }

  return {
    /** A successful read of a host (onInventory). Returns the extensions it started (tests await them). */
    onInventory(inv: Inventory): { sync: SyncResult; extensions: Promise<void>[] } {
      const h = hostHealth(inv.host);
      h.reachable = true;
      h.failures = 0;
      h.error = undefined;
      h.lastDurationS = inv.durationMs / 1000;
      const rules = getRules(db);
      const { extend, blocked } = planExtensions(inv);
      const firing = new Set(firingAlerts(db, inv.host).map((a) => a.key));
      const conditions = evaluateInventory(inv, rules, { trends: trendsFor(inv), firing, blocked });
      const t = now();
      const sync = syncAlerts(db, { host: inv.host, rules: INVENTORY_RULES }, conditions, t);
      const hostSync = syncAlerts(db, { host: inv.host, rules: ['host-unreachable'] }, [], t);
      notify(sync);
      notify(hostSync);
      const extensions = extend.map((x) => launch(inv.host, x));
      return { sync: { started: [...sync.started, ...hostSync.started], ended: [...sync.ended, ...hostSync.ended] }, extensions };
    },

    /** The answer of a periodic reachability check of a host (inventoryView). */
    onHostCheck(host: string, check: HostCheck): SyncResult {
      const h = hostHealth(host);
      if (check.reachable) {
        h.reachable = true;
        h.failures = 0;
        h.error = undefined;
      } else {
        // Count each failed read once, however many checks see it.
        if (check.errorAt === undefined || check.errorAt !== h.lastErrorAt) h.failures++;
        h.lastErrorAt = check.errorAt;
        h.reachable = false;
        h.error = check.error;
      }
      const conditions = check.reachable ? [] : evaluateHost(host, h.failures, check.error, getRules(db));
      const r = syncAlerts(db, { host, rules: ['host-unreachable'] }, conditions, now());
      notify(r);
      return r;
    },

    /** Issue 12: the snapshot policies' conditions of one host (lib/policies/alerts.ts), synced like any other. */
    onPolicies(host: string, conditions: readonly Condition[]): SyncResult {
      const r = syncAlerts(db, { host, rules: POLICY_RULES }, conditions, now());
      notify(r);
      return r;
    },

    hostHealth(host: string): HostHealth {
      return { ...hostHealth(host) };
    },

    /** Send what a restart left unsent. */
    resendPending(): number {
      const pending = pendingNotifications(db, RESEND_WINDOW_MS, now());
      for (const p of pending) enqueue(p.alert, p.event);
      return pending.length;
    },

    /** POST a test event to `url` (or the configured URL); every attempt is recorded. */
    sendTest(url?: string): Promise<boolean> {
      const t = new Date(now()).toISOString();
      const alert: Alert = {
        id: 0,
        key: 'test',
        rule: 'fill-warning',
        severity: 'warning',
        state: 'firing',
        host: 'cowherd',
        vg: null,
        lv: null,
        lvUuid: null,
        summary: 'test message from Cowherd: the webhook works',
        figures: {},
        link: null,
        startedAt: t,
        endedAt: null,
        updatedAt: t,
      };
      return deliver(alert, 'test', url);
    },

    /** Resolves when every queued delivery is done (tests). */
    async idle(): Promise<void> {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

export type AlertProcessor = ReturnType<typeof createAlertProcessor>;
