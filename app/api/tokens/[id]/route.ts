import { db } from '@/lib/store/db';
import { revokeTokenAudited } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';

/** Revoke a token: `{ ok: true }`, or 404. */
export const DELETE = withApi('admin', async (req, ctx: { params: Promise<{ id: string }> }, principal) => {
  const id = parseId((await ctx.params).id);
  if (id === null || !revokeTokenAudited(db(), { principal, address: clientIp(req.headers) }, id)) {
    return jsonError(404, 'no such token');
  }
  return Response.json({ ok: true });
});
