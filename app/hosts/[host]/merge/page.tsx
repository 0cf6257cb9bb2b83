import type { Metadata } from 'next';
import { MergeSnapshotWizard } from '@/components/wizards/merge-snapshot-wizard';
import type { HostParams, SearchParams } from '../../load';
import { snapshotWizardPage } from '../../snapshot-wizard-page';

export const metadata: Metadata = { title: 'Roll back to a snapshot' };

/** /hosts/:host/merge?vg=&snapshot=: roll back (merge), or complete a pending merge of that snapshot. */
export default function MergeSnapshotPage(props: { params: HostParams; searchParams: SearchParams }) {
  return snapshotWizardPage(props, 'Roll back to a snapshot', (c) => <MergeSnapshotWizard {...c} />);
}
