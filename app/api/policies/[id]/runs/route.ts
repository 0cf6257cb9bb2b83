import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';
import { getPolicy } from '@/lib/policies/store';
import { runsOf } from '@/lib/policies/view';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

/** The policy's runs, newest first: started, finished, result (ok/failed/skipped/running), reason, job ids. */
export const GET = withApi('viewer', async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseId((await ctx.params).id);
  if (id === null || !getPolicy(db(), id)) return jsonError(404, 'no such policy');
  return Response.json({ runs: runsOf(id) });
});
