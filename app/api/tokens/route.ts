import { db } from '@/lib/store/db';
import { createTokenAudited } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { listApiTokens, newTokenSchema } from '@/lib/auth/tokens';

/** `{ tokens: [{ id, name, role, createdBy, createdAt, lastUsedAt, expiresAt, expired }] }`, never the secrets. */
export const GET = withApi('admin', () => Response.json({ tokens: listApiTokens(db()) }));

/**
 * Create a token from `{ name, role, expiresInDays? }` (7, 30, 90 or 365; default 90): `{ token, id, name, role,
 * expiresAt }`, the only time the secret is shown. The role cannot exceed yours; tokens cannot create tokens.
 */
export const POST = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, newTokenSchema);
  if (!body.ok) return body.response;
  const created = createTokenAudited(db(), { principal, address: clientIp(req.headers) }, body.data);
  if (!created.ok) return Response.json({ error: created.error }, { status: principal.kind === 'token' ? 403 : 400 });
  return Response.json(created.value, { status: 201, headers: { 'Cache-Control': 'no-store' } });
});
