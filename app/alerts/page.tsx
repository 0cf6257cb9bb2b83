import type { Metadata } from 'next';
import { AlertsView } from '@/components/alerts/alerts-view';
import { PageHeader } from '@/components/ui/page-header';
import { alertsOverview } from '@/lib/alerts/service';
import { requirePageUser } from '@/lib/auth/guard';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';

export const metadata: Metadata = { title: 'Alerts' };
export const dynamic = 'force-dynamic';

export default async function AlertsPage() {
  const me = await requirePageUser('viewer');
  const initial = alertsOverview({ admin: me.role === 'admin' });
  const hosts = config().hosts.map((h) => ({ id: h.id, name: h.name }));
  return (
    <>
      <PageHeader
        title="Alerts"
        description="Snapshots about to overflow, lost snapshots, failed merges and hosts that stopped answering; with webhook delivery and auto-extend."
      />
      <AlertsView initial={initial} role={me.role} hosts={hosts} pollMs={Math.max(env().COWHERD_POLL_MS, 2000)} />
    </>
  );
}
