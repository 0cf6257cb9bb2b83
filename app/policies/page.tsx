import type { Metadata } from 'next';
import { PoliciesList } from '@/components/policies/policies-list';
import { ButtonLink } from '@/components/ui/button-link';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { policyViews } from '@/lib/policies/view';

export const metadata: Metadata = { title: 'Policies' };
export const dynamic = 'force-dynamic';

export default async function PoliciesPage() {
  const me = await requirePageUser('viewer');
  const admin = roleAtLeast(me.role, 'admin');
  return (
    <>
      <PageHeader
        title="Policies"
        description="Snapshots on a schedule, pruned by retention over each policy's own series (tagged cowherd-policy-<id>); manual and protected snapshots are never pruned."
        actions={admin ? <ButtonLink href="/policies/new" variant="primary">New policy</ButtonLink> : undefined}
      />
      <Card title="Snapshot policies" id="policies">
        <PoliciesList policies={policyViews()} canRun={roleAtLeast(me.role, 'operator')} canManage={admin} />
      </Card>
    </>
  );
}
