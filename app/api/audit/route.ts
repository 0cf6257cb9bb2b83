import { z } from 'zod';
import { withApi } from '@/lib/auth/guard';
import { db } from '@/lib/store/db';
import { listAudit } from '@/lib/store/jobs';

export const dynamic = 'force-dynamic';

const query = z.object({
  host: z.string().max(64).optional(),
  operation: z.string().max(64).optional(),
  kind: z.enum(['command', 'security']).optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/**
 * The audit log, newest first: every command run on a host by an operation (kind `command`) and every security
 * event (kind `security`: sign-ins, user, token and alert-setting changes; host "" and argv []). Filters: `kind`,
 * `host`, `operation` (an operation or an event such as `login-failure`), `before` (an id), `limit`.
 * `{ entries: [{ id, at, kind, host, jobId, operation, username, argv, exitCode, durationMs, stderr, detail, address, tokenId }] }`.
 */
export const GET = withApi('viewer', (req) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: q.error.issues.map((i) => i.message).join('; ') }, { status: 400 });
  const entries = listAudit(db(), { kind: q.data.kind, host: q.data.host, operation: q.data.operation, beforeId: q.data.before, limit: q.data.limit });
  return Response.json({ entries }, { headers: { 'Cache-Control': 'no-store' } });
});
