import { withApi } from '@/lib/auth/guard';
import { failResponse, mayBrowse, type RouteCtx } from '@/lib/files/api';
import { listFilesystems } from '@/lib/files/browse';

export const dynamic = 'force-dynamic';

/** The partitions and file systems found on a snapshot (type, label, size, browsable or why not). */
export const GET = withApi('viewer', async (_req, ctx: RouteCtx, principal) => {
  const { host, vg, lv } = await ctx.params;
  const denied = mayBrowse(principal, host);
  if (denied) return failResponse(denied);
  const r = await listFilesystems(host, vg, lv);
  if (!r.ok) return failResponse(r);
  return Response.json({ filesystems: r.filesystems, origin: r.origin, backend: r.backend, isolation: r.isolation });
});
