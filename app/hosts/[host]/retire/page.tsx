import type { Metadata } from 'next';
import { RetireGuestWizard } from '@/components/move/retire-guest-wizard';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { config } from '@/lib/config/hosts';
import { findLvIn } from '@/lib/lvm/model';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Remove the old copy of a moved guest' };

/**
 * /hosts/:host/retire?guest=UUID&target=HOST (issue 14): after a move, "Remove the old copy from <host>", offered on
 * the finished move job's page and on the card of a shut-off guest that another configured host also has.
 */
export default async function RetirePage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const ref = param(sp, 'guest');
  const h = await loadWizardHost(hostId);
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  const inv = h.inventory;
  const guest = ref ? (inv.domains.find((d) => d.uuid === ref) ?? inv.domains.find((d) => d.name === ref)) : undefined;
  const title = 'Remove the old copy of a moved guest';
  if (!guest?.uuid) {
    return (
      <WizardShell title={title} host={h.host} step={0}>
        <NotApplicable title={ref ? `No guest ${ref} on ${h.host}` : 'Which guest?'}>
          {ref ? `virsh does not list it on ${h.host} (any more): its old copy may have been removed already.` : `Open this page from a moved guest (the URL needs ?guest=… of a guest on ${h.host}).`}
        </NotApplicable>
      </WizardShell>
    );
  }
  const lvs = guest.disks.flatMap((d) => {
    const lv = d.vg && d.lv ? findLvIn(inv.lvs, d.vg, d.lv) : undefined;
    if (!d.vg || !d.lv || !lv) return [];
    const snapshots = inv.lvs.filter((s) => s.vg === d.vg && s.origin === d.lv).map((s) => s.name);
    return [{ disk: d.target, vg: d.vg, lv: d.lv, sizeBytes: lv.sizeBytes, snapshots }];
  });
  const kept = guest.disks.filter((d) => !lvs.some((l) => l.disk === d.target)).map((d) => `${d.target}: ${d.source ?? 'empty'}`);
  const targets = config().hosts.filter((x) => x.id !== h.host).map((x) => ({ id: x.id, name: x.name }));
  const target = param(sp, 'target');
  return (
    <RetireGuestWizard
      host={h.host}
      facts={{ guest: { name: guest.name, uuid: guest.uuid, state: guest.state }, lvs, kept, targets, ...(target && targets.some((t) => t.id === target) ? { target } : {}) }}
    />
  );
}
