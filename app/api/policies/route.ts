import { jsonError, withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { createPolicy } from '@/lib/policies/store';
import { actionHostProblem, hostProblem, policyViews, serverPolicyInput } from '@/lib/policies/view';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

/** Every snapshot policy with its last results and next five run times. */
export const GET = withApi('viewer', () => Response.json({ policies: policyViews() }));

/** Create a policy (admin). Invalid input (hostile cron strings, globs, names): 400 and nothing is stored. */
export const POST = withApi('admin', async (req) => {
  const body = await parseJsonBody(req, serverPolicyInput());
  if (!body.ok) return body.response;
  const bad = hostProblem(body.data.selector.host) ?? actionHostProblem(body.data.action);
  if (bad) return jsonError(400, `invalid request: ${bad}`);
  const r = createPolicy(db(), body.data);
  if (!r.ok) return jsonError(r.status, r.error);
  return Response.json({ policy: r.policy }, { status: 201 });
});
