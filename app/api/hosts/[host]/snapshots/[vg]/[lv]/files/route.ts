import { withApi } from '@/lib/auth/guard';
import { failResponse, filesRequest, type RouteCtx } from '@/lib/files/api';
import { listDirectory, type SortKey } from '@/lib/files/browse';

export const dynamic = 'force-dynamic';

const SORTS: readonly SortKey[] = ['name', 'size', 'mtime', 'type'];
const PAGE_MAX = 1000;

/** A directory's entries, sorted and paged: `?fs=p1&path=/etc&offset=0&limit=200&sort=name&desc=0&side=snapshot`. */
export const GET = withApi('viewer', async (req, ctx: RouteCtx, principal) => {
  const p = await filesRequest(req, ctx, principal, { needsPath: true });
  if (!p.ok) return failResponse(p);
  const q = new URL(req.url).searchParams;
  const offset = Math.max(0, Math.floor(Number(q.get('offset') ?? 0)) || 0);
  const limit = Math.min(PAGE_MAX, Math.max(1, Math.floor(Number(q.get('limit') ?? 200)) || 200));
  const sortParam = q.get('sort') ?? 'name';
  const sort = (SORTS as readonly string[]).includes(sortParam) ? (sortParam as SortKey) : 'name';
  const side = q.get('side') === 'origin' ? 'origin' : 'snapshot';
  const { r } = p;
  const out = await listDirectory(r.host, r.vg, r.lv, side, r.fsId, r.parts, { offset, limit, sort, desc: q.get('desc') === '1' });
  if (!out.ok) return failResponse(out);
  return Response.json(out.listing);
});
