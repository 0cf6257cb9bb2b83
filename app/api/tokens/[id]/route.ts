import { db } from '@/lib/store/db';
import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';
import { revokeApiToken } from '@/lib/auth/tokens';

/** Revoke a token: `{ ok: true }`, or 404. */
export const DELETE = withApi('admin', async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseId((await ctx.params).id);
  if (id === null || !revokeApiToken(db(), id)) return jsonError(404, 'no such token');
  return Response.json({ ok: true });
});
