import { jsonError, withApi } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';
import { runNow } from '@/lib/policies/scheduler';

export const dynamic = 'force-dynamic';

/**
 * Run a policy now (operator): 202 `{ run }` with the run under way. While a run of it is under way, 409 and the
 * request is recorded as a skipped run: a policy never overlaps itself.
 */
export const POST = withApi('operator', async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const id = parseId((await ctx.params).id);
  if (id === null) return jsonError(404, 'no such policy');
  const r = runNow(id);
  if (!r.ok) return Response.json({ error: r.error, ...(r.skipped ? { run: r.skipped } : {}) }, { status: r.status });
  return Response.json({ run: r.run }, { status: 202 });
});
