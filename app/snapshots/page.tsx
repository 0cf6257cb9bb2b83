import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { NewSnapshotButton } from '@/components/inventory/new-snapshot-button';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { SnapshotsView } from '@/components/inventory/snapshots-view';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';

export const metadata: Metadata = { title: 'Snapshots' };

export default async function SnapshotsPage() {
  await requirePageUser();
  const { hosts, pollMs, state, rules } = await prefetchInventory();
  return (
    <>
      <PageHeader
        title="Snapshots"
        description="Every classic and thin snapshot, how full it is and how fast it fills."
        actions={<NewSnapshotButton hosts={hosts} />}
      />
      <HydrationBoundary state={state}>
        <SnapshotsView hosts={hosts} pollMs={pollMs} rules={rules} />
      </HydrationBoundary>
    </>
  );
}
