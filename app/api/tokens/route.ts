import { db } from '@/lib/store/db';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { createApiToken, listApiTokens, newTokenSchema } from '@/lib/auth/tokens';

/** `{ tokens: [{ id, name, role, createdBy, createdAt, lastUsedAt }] }`, never the secrets. */
export const GET = withApi('admin', () => Response.json({ tokens: listApiTokens(db()) }));

/** Create a token from `{ name, role }`: `{ token, id, name, role }`, the only time the secret is shown. */
export const POST = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, newTokenSchema);
  if (!body.ok) return body.response;
  const created = createApiToken(db(), body.data, principal.userId);
  if (!created.ok) return Response.json({ error: created.error }, { status: 400 });
  return Response.json(created.value, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
