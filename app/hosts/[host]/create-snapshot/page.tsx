import type { Metadata } from 'next';
import { CreateSnapshotWizard } from '@/components/wizards/create-snapshot-wizard';
import { HostUnavailable } from '@/components/wizards/host-unavailable';
import { requirePageUser } from '@/lib/auth/guard';
import { loadWizardHost, param, utcMinuteStamp, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Create a snapshot' };

/** /hosts/:host/create-snapshot?vg=&origin= (both optional: the wizard has an origin picker). */
export default async function CreateSnapshotPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const h = await loadWizardHost(hostId, { vg: param(sp, 'vg'), lv: param(sp, 'origin') }, 10_000);
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  return (
    <CreateSnapshotWizard
      host={h.host}
      initial={h.inventory}
      initialVg={param(sp, 'vg')}
      initialOrigin={param(sp, 'origin')}
      stamp={utcMinuteStamp()}
    />
  );
}
