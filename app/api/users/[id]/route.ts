import { z } from 'zod';
import { db } from '@/lib/store/db';
import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/auth/http';
import { roleSchema } from '@/lib/auth/roles';
import { deleteUser, setUserRole } from '@/lib/auth/users';

type Ctx = { params: Promise<{ id: string }> };

/** Change a user's role with `{ role }`: `{ user }`. The last admin cannot be demoted, nor can you demote yourself. */
export const PATCH = withApi('admin', async (req, ctx: Ctx, principal) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such user');
  const body = await parseJsonBody(req, z.object({ role: roleSchema }));
  if (!body.ok) return body.response;
  if (id === principal.userId) return jsonError(409, 'you cannot change your own role');
  const result = setUserRole(db(), id, body.data.role);
  if (!result.ok) return jsonError(result.error === 'no such user' ? 404 : 409, result.error);
  return Response.json({ user: result.value });
});

/** Delete a user (and their sessions): `{ ok: true }`. Not yourself, not the last admin. */
export const DELETE = withApi('admin', async (_req, ctx: Ctx, principal) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such user');
  if (id === principal.userId) return jsonError(409, 'you cannot delete yourself');
  const result = deleteUser(db(), id);
  if (!result.ok) return jsonError(result.error === 'no such user' ? 404 : 409, result.error);
  return Response.json({ ok: true });
});
