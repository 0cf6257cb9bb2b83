import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { VgsView } from '@/components/inventory/vgs-view';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';

export const metadata: Metadata = { title: 'Volume groups' };

export default async function VgsPage() {
  await requirePageUser();
  const { hosts, pollMs, state } = await prefetchInventory();
  return (
    <>
      <PageHeader title="Volume groups" description="The LVM volume groups of every host and how much room they have left." />
      <HydrationBoundary state={state}>
        <VgsView hosts={hosts} pollMs={pollMs} />
      </HydrationBoundary>
    </>
  );
}
