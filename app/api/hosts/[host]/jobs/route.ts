import { withApi } from '@/lib/auth/guard';
import { runOperation } from '@/lib/ops/jobs';
import { formatZodError, operationRequest } from '@/lib/ops/schemas';

export const dynamic = 'force-dynamic';

/**
 * `{ operation, params, dryRun }`: a dry run returns the plan (preflight, the exact commands, post-checks);
 * otherwise the job is started: 202 `{ job: { id, status }, plan }`. Invalid input: 400 and nothing runs.
 */
export const POST = withApi('operator', async (req, ctx: { params: Promise<{ host: string }> }, principal) => {
  const { host } = await ctx.params;
  let json: unknown;
  try {
    json = await req.json();
  } catch {
    return Response.json({ error: 'the body must be JSON' }, { status: 400 });
  }
  const body = operationRequest.safeParse(json);
  if (!body.success) return Response.json({ error: formatZodError(body.error) }, { status: 400 });
  const r = await runOperation(principal.username, host, body.data.operation, body.data.params, body.data.dryRun);
  if (!r.ok) return Response.json({ error: r.error, ...(r.preflight ? { preflight: r.preflight } : {}) }, { status: r.status });
  if (r.dryRun) return Response.json({ dryRun: true, plan: r.plan });
  return Response.json({ job: r.job, plan: r.plan }, { status: 202 });
});
