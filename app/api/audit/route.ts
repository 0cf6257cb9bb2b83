import { z } from 'zod';
import { withApi } from '@/lib/auth/guard';
import { db } from '@/lib/store/db';
import { listAudit } from '@/lib/store/jobs';

export const dynamic = 'force-dynamic';

const query = z.object({
  host: z.string().max(64).optional(),
  operation: z.string().max(64).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** Every command run on a host by an operation, newest first: `{ entries: [{ id, at, host, jobId, operation, username, argv, exitCode, durationMs, stderr }] }`. */
export const GET = withApi('viewer', (req) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: q.error.issues.map((i) => i.message).join('; ') }, { status: 400 });
  const entries = listAudit(db(), { host: q.data.host, operation: q.data.operation, beforeId: q.data.before, limit: q.data.limit });
  return Response.json({ entries }, { headers: { 'Cache-Control': 'no-store' } });
});
