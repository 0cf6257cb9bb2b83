import type { Metadata } from 'next';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { MergeSnapshotWizard } from '@/components/wizards/merge-snapshot-wizard';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Roll back to a snapshot' };

/** /hosts/:host/merge?vg=&snapshot=: roll back (merge), or complete a pending merge of that snapshot. */
export default async function MergeSnapshotPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const vg = param(sp, 'vg');
  const snapshot = param(sp, 'snapshot');
  const h = await loadWizardHost(hostId, { vg, lv: snapshot });
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  if (!vg || !snapshot) {
    return (
      <WizardShell title="Roll back to a snapshot" host={h.host} step={0}>
        <NotApplicable title="Which snapshot?">Open this page from a snapshot (the URL needs ?vg=…&amp;snapshot=…).</NotApplicable>
      </WizardShell>
    );
  }
  return <MergeSnapshotWizard host={h.host} initial={h.inventory} vg={vg} snapshot={snapshot} />;
}
