import 'server-only';
import { db } from '@/lib/store/db';
import { firingAlerts, firingCount, getPolicies, getRules, getWebhookUrl, listDeliveries, recentResolvedAlerts } from './store';
import type { AlertsResponse } from './types';

const RECENT_RESOLVED = 50;
const DELIVERIES = 50;

/** GET /api/alerts and the /alerts page. The webhook URL and delivery targets are shown to admins only. */
export function alertsOverview(opts: { admin: boolean }): AlertsResponse {
  const database = db();
  const url = getWebhookUrl(database);
  return {
    alerts: [...firingAlerts(database), ...recentResolvedAlerts(database, RECENT_RESOLVED)],
    rules: getRules(database),
    webhook: opts.admin ? { configured: url !== null, ...(url ? { url } : {}) } : { configured: url !== null },
    policies: getPolicies(database),
    deliveries: listDeliveries(database, DELIVERIES).map(({ target, ...d }) => (opts.admin ? { ...d, target } : d)),
    firing: firingCount(database),
  };
}

/** How many alerts fire now (for a badge in the navigation). */
export function firingAlertCount(): number {
  return firingCount(db()).total;
}

/** Firing alerts by severity: `{ total, critical, warning }` (a badge that turns red for critical ones). */
export function firingAlertCounts(): { total: number; critical: number; warning: number } {
  return firingCount(db());
}
