import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { rulesBody } from '@/lib/alerts/schemas';
import { saveRules } from '@/lib/alerts/store';
import { db } from '@/lib/store/db';

/** `{ rules: [{ id, enabled, severity, threshold }] }` (only the listed rules change) -> `{ rules }`, all of them. */
export const PUT = withApi('admin', async (req) => {
  const body = await parseJsonBody(req, rulesBody);
  if (!body.ok) return body.response;
  return Response.json({ rules: saveRules(db(), body.data.rules) }, { headers: { 'Cache-Control': 'no-store' } });
});
