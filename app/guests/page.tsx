import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { GuestsView } from '@/components/inventory/guests-view';
import { lastBackupKey } from '@/lib/backup/keys';
import { listBackups } from '@/lib/backup/catalogue';
import { db } from '@/lib/store/db';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { policyCoverage } from '@/lib/policies/view';

export const metadata: Metadata = { title: 'Guests' };

export default async function GuestsPage() {
  await requirePageUser();
  const { hosts, pollMs, state } = await prefetchInventory();
  // Each guest's newest backup (issue 11): the catalogue is newest first.
  const lastBackups: Record<string, string> = {};
  for (const b of listBackups(db())) if (b.guestName) lastBackups[lastBackupKey(b.host, b.guestName)] ??= b.createdAt;
  return (
    <>
      <PageHeader title="Guests" description="The KVM guests of every host, their disks, and the snapshots of those disks." />
      <HydrationBoundary state={state}>
        <GuestsView hosts={hosts} pollMs={pollMs} lastBackups={lastBackups} policies={policyCoverage()} />
      </HydrationBoundary>
    </>
  );
}
