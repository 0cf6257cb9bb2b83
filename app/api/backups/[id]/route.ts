import { z } from 'zod';
import { withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { getBackup, setBackupProtected } from '@/lib/backup/catalogue';
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

/**
 * `{ protected: boolean }` (operator, issue 12): a protected backup is never pruned by any backup policy's
 * retention; the flag lives in the catalogue only (the file is not touched).
 */
export const PATCH = withApi('operator', async (req, ctx: { params: Promise<{ id: string }> }) => {
  const { id } = await ctx.params;
  if (!/^\d{1,9}$/.test(id)) return Response.json({ error: 'backup id must be a number' }, { status: 400 });
  const body = await parseJsonBody(req, z.object({ protected: z.boolean() }).strict());
  if (!body.ok) return body.response;
  if (!setBackupProtected(db(), Number(id), body.data.protected)) return Response.json({ error: `no backup ${id}` }, { status: 404 });
  return Response.json({ backup: getBackup(db(), Number(id)) });
});
