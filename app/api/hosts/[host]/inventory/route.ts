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
  // ?fresh=1 asks for a full read of the host now (the Refresh button, scripts, benchmarks): it still joins a read
  // in flight, and at most one fresh read per host is started every FRESH_READ_INTERVAL_MS (lib/inventory/
  // service.ts). Otherwise the monitor's figures, at most one poll interval old.
  const fresh = new URL(req.url).searchParams.get('fresh') === '1';
  const r = await hostInventory(host, fresh ? 'fresh-for-client' : undefined);
  if (!r.body) return Response.json({ error: r.error ?? 'unreachable', reachable: false }, { status: 503 });
  return Response.json(r.body, { headers: { 'Cache-Control': 'no-store' } });
});
