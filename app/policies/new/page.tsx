import type { Metadata } from 'next';
import { PolicyForm } from '@/components/policies/policy-form';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { config } from '@/lib/config/hosts';

export const metadata: Metadata = { title: 'New policy' };
export const dynamic = 'force-dynamic';

export default async function NewPolicyPage() {
  await requirePageUser('admin');
  const hosts = config().hosts.map((h) => ({ id: h.id, name: h.name }));
  return (
    <>
      <PageHeader title="New policy" description="A schedule, what it snapshots, and how many of its snapshots it keeps." />
      <Card title="Policy" id="policy-form">
        <PolicyForm hosts={hosts} defaultTimeZone={Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'} />
      </Card>
    </>
  );
}
