import type { Metadata } from 'next';
import { ExportSnapshotWizard } from '@/components/wizards/export-snapshot-wizard';
import { utcDateStamp } from '@/components/wizards/format';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Export a snapshot' };

/** /hosts/:host/export?vg=&snapshot= */
export default async function ExportSnapshotPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const vg = param(sp, 'vg');
  const snapshot = param(sp, 'snapshot');
  const h = await loadWizardHost(hostId, { vg, lv: snapshot });
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  if (!vg || !snapshot) {
    return (
      <WizardShell title="Export a snapshot" host={h.host} step={0}>
        <NotApplicable title="Which snapshot?">Open this page from a snapshot (the URL needs ?vg=…&amp;snapshot=…).</NotApplicable>
      </WizardShell>
    );
  }
  // A name the server's rule accepts (letters, digits, . _ -), e.g. web_snap-20250304.qcow2.
  const base = snapshot.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'snapshot';
  return (
    <ExportSnapshotWizard
      host={h.host}
      initial={h.inventory}
      vg={vg}
      snapshot={snapshot}
      exportDir={h.exportDir}
      defaultFile={`${base}-${utcDateStamp(new Date())}.qcow2`}
    />
  );
}
