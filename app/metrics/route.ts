import { withApi } from '@/lib/auth/guard';
import { collectMetrics } from '@/lib/metrics/collect';

export const dynamic = 'force-dynamic';

/** Prometheus text format; a session or `Authorization: Bearer <token>` of any role. */
export const GET = withApi('viewer', async () => {
  const { contentType, body } = await collectMetrics();
  return new Response(body, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
});
