import { z } from 'zod';
import { withApi } from '@/lib/auth/guard';
import { scanUnknownFiles } from '@/lib/backup/service';
import { listBackups } from '@/lib/backup/catalogue';
import { db } from '@/lib/store/db';

export const dynamic = 'force-dynamic';

const name = z.string().max(128).regex(/^[A-Za-z0-9+._-]+$/, 'letters, digits, "+", ".", "_" and "-"');
const query = z
  .object({
    host: z.string().max(32).regex(/^[a-z0-9][a-z0-9-]*$/, 'a host id').optional(),
    vg: name.optional(),
    lv: name.optional(),
    /** A guest's name or UUID. */
    guest: z.string().max(128).regex(/^[A-Za-z0-9+._:-]+$/, 'a guest name or UUID').optional(),
    /** scan=1: also list the files in each host's backupDir that the catalogue does not know (reads the hosts). */
    scan: z.enum(['0', '1']).optional(),
  })
  .strict();

/** The backup catalogue, newest first: `{ backups, unknownFiles? }` (issue 11). */
export const GET = withApi('viewer', async (req) => {
  const q = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!q.success) return Response.json({ error: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, { status: 400 });
  const { scan, ...filter } = q.data;
  const backups = listBackups(db(), filter);
  const unknownFiles = scan === '1' ? await scanUnknownFiles(filter.host) : undefined;
  return Response.json({ backups, ...(unknownFiles ? { unknownFiles } : {}) }, { headers: { 'Cache-Control': 'no-store' } });
});
