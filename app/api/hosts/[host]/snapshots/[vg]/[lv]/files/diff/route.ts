import { withApi } from '@/lib/auth/guard';
import { failResponse, filesRequest, type RouteCtx } from '@/lib/files/api';
import { diffPath } from '@/lib/files/browse';

export const dynamic = 'force-dynamic';

/** Compare a path of the snapshot with the origin now (`&hash=1`: same-size files of a directory by content too). */
export const GET = withApi('viewer', async (req, ctx: RouteCtx, principal) => {
  const p = await filesRequest(req, ctx, principal, { needsPath: true });
  if (!p.ok) return failResponse(p);
  const { r } = p;
  const out = await diffPath(r.host, r.vg, r.lv, r.fsId, r.parts, new URL(req.url).searchParams.get('hash') === '1');
  if (!out.ok) return failResponse(out);
  return Response.json(out.result);
});
