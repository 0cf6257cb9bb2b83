import { auditSettingChange } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { policiesBody } from '@/lib/alerts/schemas';
import { savePolicies } from '@/lib/alerts/store';
import { findHost } from '@/lib/config/hosts';
import { db } from '@/lib/store/db';

/**
 * Replace the auto-extend policies: `{ default: { enabled, thresholdPercent, growPercent, maxSizeBytes },
 * snapshots: [{ host, vg, snapshot, enabled, thresholdPercent, growPercent, maxSizeBytes }] }` -> `{ policies }`.
 */
export const PUT = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, policiesBody);
  if (!body.ok) return body.response;
  const unknown = body.data.snapshots.find((s) => !findHost(s.host));
  if (unknown) return Response.json({ error: `invalid request: unknown host ${unknown.host}` }, { status: 400 });
  const policies = savePolicies(db(), body.data);
  auditSettingChange(
    db(),
    { principal, address: clientIp(req.headers) },
    'alert-policy-change',
    `changed auto-extend policies: default ${JSON.stringify(body.data.default)}, ${body.data.snapshots.length} per-snapshot`,
  );
  return Response.json({ policies }, { headers: { 'Cache-Control': 'no-store' } });
});
