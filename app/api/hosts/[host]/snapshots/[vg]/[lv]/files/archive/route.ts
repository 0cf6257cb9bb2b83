import { withApi } from '@/lib/auth/guard';
import { attachment, auditDownload, failResponse, filesRequest, type RouteCtx } from '@/lib/files/api';
import { archiveDirectory } from '@/lib/files/browse';

export const dynamic = 'force-dynamic';

/** A directory of the snapshot as a .tar.gz, streamed while tar runs on the host. Audited. */
export const GET = withApi('viewer', async (req, ctx: RouteCtx, principal) => {
  const p = await filesRequest(req, ctx, principal, { needsPath: true });
  if (!p.ok) return failResponse(p);
  const { r } = p;
  const out = await archiveDirectory(r.host, r.vg, r.lv, r.fsId, r.parts);
  if (!out.ok) return failResponse(out);
  auditDownload(principal, r, 'download-archive');
  return new Response(out.stream.body, {
    headers: {
      'Content-Type': 'application/gzip',
      'Content-Disposition': attachment(out.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
});
