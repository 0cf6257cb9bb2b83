import { db } from '@/lib/store/db';
import { createUserAudited } from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { listUsers, newUserSchema } from '@/lib/auth/users';

/** `{ users: [{ id, username, role, createdAt }] }`. */
export const GET = withApi('admin', () => Response.json({ users: listUsers(db()) }));

/** Create a user from `{ username, password, role }`: 201 `{ user }`, or 400/409 with `{ error }`. */
export const POST = withApi('admin', async (req, _ctx, principal) => {
  const body = await parseJsonBody(req, newUserSchema);
  if (!body.ok) return body.response;
  const created = await createUserAudited(db(), { principal, address: clientIp(req.headers) }, body.data);
  if (!created.ok) return Response.json({ error: created.error }, { status: 409 });
  return Response.json({ user: created.value }, { status: 201 });
});
