'use client';

import { useQuery } from '@tanstack/react-query';
import { Banner } from '@/components/ui/banner';
import { Card } from '@/components/ui/card';
import type { AlertsResponse } from '@/lib/alerts/types';
import { alertsKey, fetchAlerts } from './api';
import { DeliveriesTable } from './deliveries-table';
import { FiringAlerts, RecentAlerts } from './firing-alerts';
import { PoliciesForm } from './policies-form';
import { RulesForm } from './rules-form';
import { WebhookForm } from './webhook-form';

export interface AlertsViewProps {
  initial: AlertsResponse;
  role: 'viewer' | 'operator' | 'admin';
  hosts: { id: string; name: string }[];
  pollMs: number;
}

/** The /alerts page: what fires, what ended, and (for admins) the rules, the webhook and the auto-extend policies. */
export function AlertsView({ initial, role, hosts, pollMs }: AlertsViewProps) {
  const { data, error } = useQuery({ queryKey: alertsKey, queryFn: fetchAlerts, initialData: initial, refetchInterval: pollMs });
  const admin = role === 'admin';
  const firing = data.alerts.filter((a) => a.state === 'firing');
  const resolved = data.alerts.filter((a) => a.state === 'resolved');
  const critical = firing.filter((a) => a.severity === 'critical');

  return (
    <div className="space-y-6">
      {critical.length > 0 && (
        <Banner tone="error" title={`${critical.length} critical alert${critical.length === 1 ? '' : 's'}`}>
          {critical.slice(0, 3).map((a) => (
            <div key={a.id}>
              {a.host}: {a.summary}
            </div>
          ))}
          {critical.length > 3 && <div>…and {critical.length - 3} more below.</div>}
        </Banner>
      )}
      {error && <Banner tone="warning" title="Could not refresh the alerts">{error.message}</Banner>}

      <Card
        title="Firing now"
        id="firing-heading"
        description={
          <span aria-live="polite">
            {firing.length === 0
              ? 'Nothing is firing.'
              : `${firing.length} alert${firing.length === 1 ? '' : 's'}: ${data.firing.critical} critical, ${data.firing.warning} warning.`}
          </span>
        }
      >
        <FiringAlerts alerts={firing} canOperate={role !== 'viewer'} />
      </Card>

      <Card title="Recently resolved" id="resolved-heading">
        <RecentAlerts alerts={resolved} />
      </Card>

      <Card
        title="Rules"
        id="rules-heading"
        description="Evaluated on every inventory read of every host. Snapshots are identified by their LV uuid, so a renamed snapshot keeps its alerts."
      >
        <RulesForm key={JSON.stringify(data.rules)} rules={data.rules} admin={admin} />
      </Card>

      <Card
        title="Auto-extend"
        id="autoextend-heading"
        description={
          <>
            When a classic snapshot&apos;s COW area reaches the threshold, Cowherd grows it by a share of its current size,
            within the volume group&apos;s free space and the cap, as an ordinary audited job by{' '}
            <code className="font-mono text-xs">cowherd-autoextend</code>. Off until enabled.
          </>
        }
      >
        <PoliciesForm key={JSON.stringify(data.policies)} policies={data.policies} admin={admin} hosts={hosts} />
      </Card>

      <Card title="Webhook" id="webhook-heading">
        <WebhookForm key={data.webhook.url ?? String(data.webhook.configured)} webhook={data.webhook} admin={admin} />
      </Card>

      <Card title="Deliveries" id="deliveries-heading" description="Every attempt to post an alert to the webhook, newest first.">
        <DeliveriesTable deliveries={data.deliveries} admin={admin} />
      </Card>
    </div>
  );
}
