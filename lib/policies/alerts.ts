import 'server-only';
import { alertProcessor } from '@/lib/alerts/engine';
import { evaluatePolicies, type PolicyAlertInput } from '@/lib/alerts/rules';
import { getRules } from '@/lib/alerts/store';
import { config } from '@/lib/config/hosts';
import { db } from '@/lib/store/db';
import { listPolicies, policyStatuses } from './store';

/** The policy rules' inputs, from the store (also /metrics' source). */
export function policyAlertInputs(): PolicyAlertInput[] {
  const statuses = policyStatuses(db());
  return listPolicies(db()).map((p) => {
    const s = statuses.get(p.id);
    return {
      id: p.id,
      name: p.name,
      host: p.selector.host,
      enabled: p.enabled,
      createdAt: p.createdAt,
      lastFinished: s?.lastFinished ? { id: s.lastFinished.id, result: s.lastFinished.result, reason: s.lastFinished.reason } : null,
      lastSuccessAt: s?.lastSuccess?.finishedAt ?? null,
      failureStreak: s?.failureStreak ?? 0,
    };
  });
}

/**
 * Evaluate the policy rules (lib/alerts/rules.ts, the one evaluator) and sync them through the alert engine's
 * processor, which delivers starts and ends to the webhook like every other alert. Every configured host is synced,
 * so the alerts of a deleted policy end too.
 */
export function syncPolicyAlerts(now = Date.now()): void {
  const processor = alertProcessor();
  if (!processor) return;
  const conditions = evaluatePolicies(policyAlertInputs(), getRules(db()), now);
  for (const h of config().hosts) processor.onPolicies(h.id, conditions.filter((c) => c.host === h.id));
}
