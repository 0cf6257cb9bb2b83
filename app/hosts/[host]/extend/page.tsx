import type { Metadata } from 'next';
import { ExtendSnapshotWizard } from '@/components/wizards/extend-snapshot-wizard';
import { snapshotAutoextendAction } from '@/components/wizards/actions';
import type { HostParams, SearchParams } from '../../load';
import { snapshotWizardPage } from '../../snapshot-wizard-page';

export const metadata: Metadata = { title: 'Extend a snapshot' };

/** /hosts/:host/extend?vg=&snapshot= */
export default function ExtendSnapshotPage(props: { params: HostParams; searchParams: SearchParams }) {
  // lvmconfig is read alongside the inventory (the action checks the role itself and never throws).
  const autoextend = props.params.then(({ host }) => snapshotAutoextendAction(host));
  return snapshotWizardPage(props, 'Extend a snapshot', async (c) => <ExtendSnapshotWizard {...c} autoextend={await autoextend} />);
}
