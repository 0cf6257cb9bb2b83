import type { Metadata } from 'next';
import { ExtendSnapshotWizard } from '@/components/wizards/extend-snapshot-wizard';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { snapshotAutoextendAction } from '../../actions';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Extend a snapshot' };

/** /hosts/:host/extend?vg=&snapshot= */
export default async function ExtendSnapshotPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const vg = param(sp, 'vg');
  const snapshot = param(sp, 'snapshot');
  const [h, autoextend] = await Promise.all([loadWizardHost(hostId, { vg, lv: snapshot }), snapshotAutoextendAction(hostId)]);
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  if (!vg || !snapshot) {
    return (
      <WizardShell title="Extend a snapshot" host={h.host} step={0}>
        <NotApplicable title="Which snapshot?">Open this page from a snapshot (the URL needs ?vg=…&amp;snapshot=…).</NotApplicable>
      </WizardShell>
    );
  }
  return <ExtendSnapshotWizard host={h.host} initial={h.inventory} vg={vg} snapshot={snapshot} autoextend={autoextend} />;
}
