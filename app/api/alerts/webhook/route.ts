import { auditSettingChange, webhookForAudit } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { webhookBody } from '@/lib/alerts/schemas';
import { getWebhookUrl, setWebhookUrl } from '@/lib/alerts/store';
import { db } from '@/lib/store/db';

/** `{ url: "https://..." }` sets the webhook, `{ url: null }` (or "") removes it -> `{ webhook: { configured, url? } }`. */
export const PUT = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, webhookBody);
  if (!body.ok) return body.response;
  setWebhookUrl(db(), body.data.url);
  auditSettingChange(db(), { principal, address: clientIp(req.headers) }, 'alert-webhook-change', webhookForAudit(body.data.url));
  const url = getWebhookUrl(db());
  return Response.json({ webhook: { configured: url !== null, ...(url ? { url } : {}) } }, { headers: { 'Cache-Control': 'no-store' } });
});
