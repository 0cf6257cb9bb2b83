import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { alertProcessor } from '@/lib/alerts/engine';
import { webhookTestBody } from '@/lib/alerts/schemas';
import { getWebhookUrl } from '@/lib/alerts/store';
import { db } from '@/lib/store/db';

/**
 * Send a test event (`{ event: 'test', ... }`) to `{ url }` or, without one, to the configured webhook; every attempt
 * is recorded with the deliveries. -> `{ ok }` once the last attempt is done (up to ~25 s with retries).
 */
export const POST = withApi('admin', async (req) => {
  const body = await parseJsonBody(req, webhookTestBody);
  if (!body.ok) return body.response;
  const url = body.data.url ?? getWebhookUrl(db());
  if (!url) return Response.json({ error: 'no webhook URL configured' }, { status: 400 });
  const processor = alertProcessor();
  if (!processor) return Response.json({ error: 'the alert engine is not running' }, { status: 503 });
  return Response.json({ ok: await processor.sendTest(url) }, { headers: { 'Cache-Control': 'no-store' } });
});
