import { redirect } from 'next/navigation';
import { requirePageUser } from '@/lib/auth/guard';
import { param, type HostParams, type SearchParams } from '../../load';

/**
 * /hosts/:host/complete-merge?vg=&snapshot=: the merge page offers "Complete pending merge" for a merging
 * snapshot, so this address only leads there.
 */
export default async function CompleteMergePage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host }, sp] = await Promise.all([params, searchParams]);
  const q = new URLSearchParams();
  for (const k of ['vg', 'snapshot']) {
    const v = param(sp, k);
    if (v !== undefined) q.set(k, v);
  }
  const s = q.toString();
  redirect(`/hosts/${encodeURIComponent(host)}/merge${s ? `?${s}` : ''}`);
}
