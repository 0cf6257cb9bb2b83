import { withApi } from '@/lib/auth/guard';
import { getBackup } from '@/lib/backup/catalogue';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

/** One backup of the catalogue (issue 11). */
export const GET = withApi('viewer', async (_req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  if (!/^\d{1,9}$/.test(id)) return Response.json({ error: 'backup id must be a number' }, { status: 400 });
  const backup = getBackup(db(), Number(id));
  if (!backup) return Response.json({ error: `no backup ${id}` }, { status: 404 });
  return Response.json({ backup }, { headers: { 'Cache-Control': 'no-store' } });
});
