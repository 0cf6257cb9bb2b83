import { auditSettingChange } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { rulesBody } from '@/lib/alerts/schemas';
import { saveRules } from '@/lib/alerts/store';
import { db } from '@/lib/store/db';

/** `{ rules: [{ id, enabled, severity, threshold }] }` (only the listed rules change) -> `{ rules }`, all of them. */
export const PUT = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, rulesBody);
  if (!body.ok) return body.response;
  const rules = saveRules(db(), body.data.rules);
  auditSettingChange(db(), { principal, address: clientIp(req.headers) }, 'alert-rules-change', `changed alert rules: ${JSON.stringify(body.data.rules).slice(0, 800)}`);
  return Response.json({ rules }, { headers: { 'Cache-Control': 'no-store' } });
});
