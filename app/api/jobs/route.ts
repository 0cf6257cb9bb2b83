import { z } from 'zod';
import { withApi } from '@/lib/auth/guard';
import { db } from '@/lib/store/db';
import { listJobs } from '@/lib/store/jobs';

export const dynamic = 'force-dynamic';

const query = z.object({
  host: z.string().max(64).optional(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Newest jobs first: `{ jobs: [...] }` (without steps; GET /api/jobs/:id has them). */
export const GET = withApi('viewer', (req) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: q.error.issues.map((i) => i.message).join('; ') }, { status: 400 });
  const jobs = listJobs(db(), { host: q.data.host, status: q.data.status ? [q.data.status] : undefined, limit: q.data.limit });
  return Response.json({ jobs: jobs.map(({ plan: _plan, ...j }) => j) }, { headers: { 'Cache-Control': 'no-store' } });
});
