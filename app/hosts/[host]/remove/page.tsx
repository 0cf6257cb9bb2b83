import type { Metadata } from 'next';
import { RemoveSnapshotWizard } from '@/components/wizards/remove-snapshot-wizard';
import type { HostParams, SearchParams } from '../../load';
import { snapshotWizardPage } from '../../snapshot-wizard-page';

export const metadata: Metadata = { title: 'Remove a snapshot' };

/** /hosts/:host/remove?vg=&snapshot= */
export default function RemoveSnapshotPage(props: { params: HostParams; searchParams: SearchParams }) {
  return snapshotWizardPage(props, 'Remove a snapshot', (c) => <RemoveSnapshotWizard {...c} />);
}
