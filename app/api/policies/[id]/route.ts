import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId, parseJsonBody } from '@/lib/auth/http';
import { deletePolicy, updatePolicy } from '@/lib/policies/store';
import { actionHostProblem, hostProblem, policyView, serverPolicyInput } from '@/lib/policies/view';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

type Ctx = { params: Promise<{ id: string }> };

/** One policy, its status, next runs, and its own series with what retention decides about each snapshot. */
export const GET = withApi('viewer', async (_req, ctx: Ctx) => {
  const id = parseId((await ctx.params).id);
  const p = id === null ? undefined : policyView(id);
  return p ? Response.json({ policy: p }) : jsonError(404, 'no such policy');
});

/** Replace a policy (admin); the same validation as POST. */
export const PUT = withApi('admin', async (req, ctx: Ctx) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such policy');
  const body = await parseJsonBody(req, serverPolicyInput());
  if (!body.ok) return body.response;
  const bad = hostProblem(body.data.selector.host) ?? actionHostProblem(body.data.action);
  if (bad) return jsonError(400, `invalid request: ${bad}`);
  const r = updatePolicy(db(), id, body.data);
  if (!r.ok) return jsonError(r.status, r.error);
  return Response.json({ policy: r.policy });
});

/** Delete a policy (admin) and its run history. Its snapshots stay (they keep their tag; remove them by hand). */
export const DELETE = withApi('admin', async (_req, ctx: Ctx) => {
  const id = parseId((await ctx.params).id);
  if (id === null || !deletePolicy(db(), id)) return jsonError(404, 'no such policy');
  return Response.json({ ok: true });
});
