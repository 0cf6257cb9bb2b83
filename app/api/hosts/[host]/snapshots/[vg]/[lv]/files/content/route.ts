import { withApi } from '@/lib/auth/guard';
import { attachment, auditDownload, failResponse, filesRequest, type RouteCtx } from '@/lib/files/api';
import { readFile } from '@/lib/files/browse';

export const dynamic = 'force-dynamic';

/** Largest preview, in bytes: the page shows the start of a text file, the download has it all. */
const PREVIEW_BYTES = 64 * 1024;

/**
 * A regular file's bytes, streamed (`?preview=1`: its first PREVIEW_BYTES). Links, devices and FIFOs: 409 without
 * being opened. Audited before the first byte leaves.
 */
export const GET = withApi('viewer', async (req, ctx: RouteCtx, principal) => {
  const p = await filesRequest(req, ctx, principal, { needsPath: true });
  if (!p.ok) return failResponse(p);
  const preview = new URL(req.url).searchParams.get('preview') === '1';
  const { r } = p;
  const out = await readFile(r.host, r.vg, r.lv, 'snapshot', r.fsId, r.parts, preview ? PREVIEW_BYTES : undefined);
  if (!out.ok) return failResponse(out);
  auditDownload(principal, r, preview ? 'preview-file' : 'download-file');
  return new Response(out.stream.body, {
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': attachment(out.name),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  });
});
