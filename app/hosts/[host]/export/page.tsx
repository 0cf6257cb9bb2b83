import type { Metadata } from 'next';
import { ExportSnapshotWizard } from '@/components/wizards/export-snapshot-wizard';
import { utcDateStamp } from '@/lib/format';
import type { HostParams, SearchParams } from '../../load';
import { snapshotWizardPage } from '../../snapshot-wizard-page';

export const metadata: Metadata = { title: 'Export a snapshot' };

/** /hosts/:host/export?vg=&snapshot= */
export default function ExportSnapshotPage(props: { params: HostParams; searchParams: SearchParams }) {
  return snapshotWizardPage(props, 'Export a snapshot', (c) => {
    // A name the server's rule accepts (letters, digits, . _ -), e.g. web_snap-20250304.qcow2.
    const base = c.snapshot.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^[^A-Za-z0-9]+/, '') || 'snapshot';
    return <ExportSnapshotWizard {...c} defaultFile={`${base}-${utcDateStamp(new Date())}.qcow2`} />;
  });
}
