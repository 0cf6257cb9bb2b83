import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { BackupActionWizard, type BackupAction } from '@/components/backups/backup-action-wizard';
import { HostUnavailable } from '@/components/wizards/host-unavailable';
import { requirePageUser } from '@/lib/auth/guard';
import { getBackup } from '@/lib/backup/catalogue';
import { config } from '@/lib/config/hosts';
import { refreshInventory } from '@/lib/inventory/service';
import { db } from '@/lib/store/db';
import { loadWizardHost, param, type HostParams, type SearchParams } from '../../load';

export const metadata: Metadata = { title: 'Backup' };

const ACTIONS: readonly BackupAction[] = ['restore', 'verify', 'delete'];

/** /hosts/:host/backup-action?id=&action=restore|verify|delete (issue 11); the host is the one the file is on. */
export default async function BackupActionPage({ params, searchParams }: { params: HostParams; searchParams: SearchParams }) {
  await requirePageUser('operator');
  const [{ host: hostId }, sp] = await Promise.all([params, searchParams]);
  const id = param(sp, 'id');
  const action = param(sp, 'action') as BackupAction | undefined;
  if (!id || !/^\d{1,9}$/.test(id) || !action || !ACTIONS.includes(action)) notFound();
  const backup = getBackup(db(), Number(id));
  if (!backup || backup.targetHost !== hostId) notFound();
  const h = await loadWizardHost(hostId);
  if (!h.inventory) return <HostUnavailable host={h.host} error={h.error} />;
  // A restore can write into a VG of any configured host (issue 11): their VGs, from a recent read (a host that does
  // not answer lists none).
  const vgsByHost: Record<string, string[]> = { [h.host]: h.inventory.vgs.map((v) => v.name) };
  if (action === 'restore') {
    await Promise.all(
      config()
        .hosts.filter((x) => x.id !== h.host)
        .map(async (x) => {
          vgsByHost[x.id] = (await refreshInventory(x.id, 60_000).catch(() => undefined))?.vgs.map((v) => v.name) ?? [];
        }),
    );
  }
  return <BackupActionWizard host={h.host} action={action} backup={backup} vgs={vgsByHost[h.host] ?? []} vgsByHost={vgsByHost} />;
}
