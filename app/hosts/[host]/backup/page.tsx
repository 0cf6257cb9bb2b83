import type { Metadata } from 'next';
import { BackupVolumeWizard } from '@/components/backups/backup-volume-wizard';
import { HostUnavailable, NotApplicable } from '@/components/wizards/host-unavailable';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { requirePageUser } from '@/lib/auth/guard';
import { config, findHost } from '@/lib/config/hosts';
import { findLvIn } from '@/lib/lvm/model';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Back up a volume' };

/** /hosts/:host/backup?vg=&lv= (issue 11): the "Back up now" wizard of a volume or a guest's disk. */
export default async function BackupPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const vg = param(sp, 'vg');
  const lv = param(sp, 'lv');
  const h = await loadWizardHost(hostId, { vg, lv });
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  const vol = vg && lv ? findLvIn(h.inventory.lvs, vg, lv) : undefined;
  if (!vg || !lv || !vol) {
    return (
      <WizardShell title="Back up a volume" host={h.host} step={0}>
        <NotApplicable title="Which volume?">Open this page from a guest or a volume (the URL needs ?vg=…&amp;lv=… of an existing volume).</NotApplicable>
      </WizardShell>
    );
  }
  const guests = h.inventory.domains
    .filter((d) => d.disks.some((k) => k.vg === vg && k.lv === lv))
    .map((d) => ({ name: d.name, state: d.state, agent: d.agent }));
  return (
    <BackupVolumeWizard
      host={h.host}
      facts={{ vg, lv, sizeBytes: vol.sizeBytes, guests, backupDir: findHost(h.host)?.backupDir ?? '/var/lib/cowherd/backups', hosts: config().hosts.map((x) => ({ id: x.id, backupDir: x.backupDir })) }}
    />
  );
}
