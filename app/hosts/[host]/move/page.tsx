import type { Metadata } from 'next';
import { MoveGuestWizard } from '@/components/move/move-guest-wizard';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { config } from '@/lib/config/hosts';
import { findLvIn } from '@/lib/lvm/model';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Move or copy to another host' };

/** /hosts/:host/move?guest=UUID (issue 14): "Move or copy to another host" from a guest's card. */
export default async function MovePage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const ref = param(sp, 'guest');
  const h = await loadWizardHost(hostId);
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  const inv = h.inventory;
  const guest = ref ? (inv.domains.find((d) => d.uuid === ref) ?? inv.domains.find((d) => d.name === ref)) : undefined;
  if (!guest?.uuid) {
    return (
      <WizardShell title="Move or copy to another host" host={h.host} step={0}>
        <NotApplicable title="Which guest?">Open this page from a guest (the URL needs ?guest=… of a guest on {h.host}).</NotApplicable>
      </WizardShell>
    );
  }
  const disks = guest.disks.flatMap((d) => {
    const lv = d.vg && d.lv ? findLvIn(inv.lvs, d.vg, d.lv) : undefined;
    return d.vg && d.lv && lv ? [{ target: d.target, vg: d.vg, lv: d.lv, sizeBytes: lv.sizeBytes }] : [];
  });
  const targets = config()
    .hosts.filter((x) => x.id !== h.host)
    .map((x) => ({ id: x.id, name: x.name, backupDir: x.backupDir, exportDir: x.exportDir }));
  return (
    <MoveGuestWizard
      host={h.host}
      facts={{ guest: { name: guest.name, uuid: guest.uuid, state: guest.state, agent: guest.agent }, disks, targets }}
    />
  );
}
