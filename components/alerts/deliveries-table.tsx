import { Badge } from '@/components/ui/badge';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import type { Delivery } from '@/lib/alerts/types';
import { formatUtc } from '@/lib/format';

/** Every webhook attempt, newest first. */
export function DeliveriesTable({ deliveries, admin }: { deliveries: Delivery[]; admin: boolean }) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-600">No webhook deliveries yet.</p>;
  return (
    <TableFrame caption="Webhook deliveries" maxHeight="24rem">
      <thead>
        <tr>
          <th scope="col" className={thClass}>At</th>
          <th scope="col" className={thClass}>Event</th>
          <th scope="col" className={thClass}>Alert</th>
          <th scope="col" className={thClass}>Try</th>
          <th scope="col" className={thClass}>Result</th>
          {admin && <th scope="col" className={thClass}>Target</th>}
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {deliveries.map((d) => (
          <tr key={d.id}>
            <td className={`${tdClass} whitespace-nowrap text-xs tabular-nums`}>{formatUtc(d.at)}</td>
            <td className={tdClass}>{d.event}</td>
            <td className={`${tdClass} max-w-xs truncate font-mono text-xs`} title={d.alertKey}>
              {d.alertId ? `#${d.alertId} ` : ''}
              {d.alertKey}
            </td>
            <td className={`${tdClass} tabular-nums`}>{d.attempt}</td>
            <td className={tdClass}>
              {d.ok ? <Badge tone="green">{`delivered (${d.status ?? ''})`}</Badge> : <Badge tone="red">failed</Badge>}
              {!d.ok && d.error && <span className="ml-2 text-xs text-red-800">{d.error}</span>}
              {d.durationMs !== null && <span className="ml-2 text-xs text-slate-500">{d.durationMs} ms</span>}
            </td>
            {admin && <td className={`${tdClass} font-mono text-xs`}>{d.target}</td>}
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
