import { withApi } from '@/lib/auth/guard';
import { db } from '@/lib/store/db';
import { getJob } from '@/lib/store/jobs';

export const dynamic = 'force-dynamic';

/** The job with its steps (argv, status, exit code, stdout/stderr). */
export const GET = withApi('viewer', async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  if (!/^\d{1,12}$/.test(id)) return Response.json({ error: 'job id must be a number' }, { status: 400 });
  const job = getJob(db(), Number(id));
  if (!job) return Response.json({ error: `no job ${id}` }, { status: 404 });
  return Response.json({ job }, { headers: { 'Cache-Control': 'no-store' } });
});
