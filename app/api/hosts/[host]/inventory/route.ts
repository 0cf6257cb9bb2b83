import { withApi } from '@/lib/auth/guard';
import { findHost } from '@/lib/config/hosts';
import { hostInventory } from '@/lib/inventory/view';

export const dynamic = 'force-dynamic';

/**
 * The host's inventory read live (one remote execution; concurrent readers share it). When the host does not
 * answer: 200 with `reachable: false` and the last good data if there is any, else 503.
 */
export const GET = withApi('viewer', async (req, ctx: { params: Promise<{ host: string }> }) => {
  const { host } = await ctx.params;
  if (!findHost(host)) return Response.json({ error: `unknown host ${host}` }, { status: 404 });
  // ?fresh=1 reads the host in full now (the Refresh button, scripts, benchmarks); otherwise the monitor's figures.
  const fresh = new URL(req.url).searchParams.get('fresh') === '1';
  const r = await hostInventory(host, fresh ? 0 : undefined);
  if (!r.body) return Response.json({ error: r.error ?? 'unreachable', reachable: false }, { status: 503 });
  return Response.json(r.body, { headers: { 'Cache-Control': 'no-store' } });
});
