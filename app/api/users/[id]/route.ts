import { z } from 'zod';
import { db } from '@/lib/store/db';
import { deleteUserAudited, setUserRoleAudited } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/auth/http';
import { roleSchema } from '@/lib/auth/roles';
import type { UserChange } from '@/lib/auth/users';

type Ctx = { params: Promise<{ id: string }> };

const publicUser = ({ id, username, role, createdAt }: UserChange) => ({ id, username, role, createdAt });

/**
 * Change a user's role with `{ role }`: `{ user, revokedTokens }`. The last admin cannot be demoted, nor can you
 * change your own role; a demotion revokes the user's API tokens.
 */
export const PATCH = withApi('admin', async (req, ctx: Ctx, principal) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such user');
  const body = await parseJsonBody(req, z.object({ role: roleSchema }));
  if (!body.ok) return body.response;
  const result = setUserRoleAudited(db(), { principal, address: clientIp(req.headers) }, id, body.data.role);
  if (!result.ok) return jsonError(result.error === 'no such user' ? 404 : 409, result.error);
  return Response.json({ user: publicUser(result.value), revokedTokens: result.value.revokedTokens });
});

/** Delete a user (and their sessions and API tokens): `{ ok: true, revokedTokens }`. Not yourself, not the last admin. */
export const DELETE = withApi('admin', async (req, ctx: Ctx, principal) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such user');
  const result = deleteUserAudited(db(), { principal, address: clientIp(req.headers) }, id);
  if (!result.ok) return jsonError(result.error === 'no such user' ? 404 : 409, result.error);
  return Response.json({ ok: true, revokedTokens: result.value.revokedTokens });
});
