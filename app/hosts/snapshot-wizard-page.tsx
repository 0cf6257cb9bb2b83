import 'server-only';
import type { ReactNode } from 'react';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import type { HostInventoryResponse } from '@/lib/inventory/view';
import { loadWizardHost, param, type HostParams, type SearchParams } from './load';

export interface SnapshotWizardContext {
  host: string;
  initial: HostInventoryResponse;
  vg: string;
  snapshot: string;
  exportDir: string;
}

/**
 * The page of a wizard that works on one snapshot (/hosts/:host/<wizard>?vg=&snapshot=): operators only, the host's
 * inventory loaded, and a plain message when the host does not answer or the URL names no snapshot.
 */
export async function snapshotWizardPage(
  { params, searchParams }: { params: HostParams; searchParams: SearchParams },
  title: string,
  render: (c: SnapshotWizardContext) => ReactNode | Promise<ReactNode>,
): Promise<ReactNode> {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const vg = param(sp, 'vg');
  const snapshot = param(sp, 'snapshot');
  const h = await loadWizardHost(hostId, { vg, lv: snapshot });
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  if (!vg || !snapshot) {
    return (
      <WizardShell title={title} host={h.host} step={0}>
        <NotApplicable title="Which snapshot?">Open this page from a snapshot (the URL needs ?vg=…&amp;snapshot=…).</NotApplicable>
      </WizardShell>
    );
  }
  return render({ host: h.host, initial: h.inventory, vg, snapshot, exportDir: h.exportDir });
}
