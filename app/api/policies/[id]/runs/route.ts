import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';
import { parseRunsQuery } from '@/lib/policies/run-rows';
import { getPolicy } from '@/lib/policies/store';
import { runsOf } from '@/lib/policies/view';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

/**
 * The policy's runs, newest first: started, finished, result (ok/failed/skipped/running), reason, job ids.
 * `?limit=N` (1-1000, default 100) and `?result=ok,failed` (a subset: skipped runs of a short schedule crowd the rest).
 */
export const GET = withApi('viewer', async (req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseId((await ctx.params).id);
  if (id === null || !getPolicy(db(), id)) return jsonError(404, 'no such policy');
  const q = parseRunsQuery(new URL(req.url).searchParams);
  if (!q.ok) return jsonError(400, q.error);
  return Response.json({ runs: runsOf(id, q.limit, q.results) });
});
