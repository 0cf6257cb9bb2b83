import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { GuestsView } from '@/components/inventory/guests-view';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { policyCoverage } from '@/lib/policies/view';

export const metadata: Metadata = { title: 'Guests' };

export default async function GuestsPage() {
  await requirePageUser();
  const { hosts, pollMs, state } = await prefetchInventory();
  return (
    <>
      <PageHeader title="Guests" description="The KVM guests of every host, their disks, and the snapshots of those disks." />
      <HydrationBoundary state={state}>
        <GuestsView hosts={hosts} pollMs={pollMs} policies={policyCoverage()} />
      </HydrationBoundary>
    </>
  );
}
