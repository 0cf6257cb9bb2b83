import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { Overview } from '@/components/inventory/overview';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  await requirePageUser();
  const { hosts, pollMs, state, rules } = await prefetchInventory();
  return (
    <>
      <PageHeader title="Overview" description="Every host's volume groups and snapshots, refreshed live." />
      <HydrationBoundary state={state}>
        <Overview hosts={hosts} pollMs={pollMs} rules={rules} />
      </HydrationBoundary>
    </>
  );
}
