import { withApi } from '@/lib/auth/guard';
import { alertsOverview } from '@/lib/alerts/service';

export const dynamic = 'force-dynamic';

/**
 * `{ alerts, rules, webhook: { configured, url? }, policies: { default, snapshots }, deliveries, firing }`:
 * firing alerts first, then recent resolved ones. The webhook URL and delivery targets only for admins.
 */
export const GET = withApi('viewer', (_req, _ctx, principal) =>
  Response.json(alertsOverview({ admin: principal.role === 'admin' }), { headers: { 'Cache-Control': 'no-store' } }),
);
