'use client';

import { ButtonLink } from '@/components/ui/button-link';
import { EmptyState } from '@/components/ui/empty-state';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time';
import { RULE_INFO, type Alert } from '@/lib/alerts/types';
import { formatUtc } from '@/lib/format';
import { figuresText } from './figures';
import { SeverityBadge } from './severity-badge';

/** Alerts firing now, most severe first, each with the wizard that helps. */
export function FiringAlerts({ alerts, canOperate }: { alerts: Alert[]; canOperate: boolean }) {
  if (alerts.length === 0) {
    return <EmptyState title="No alerts firing">Every watched snapshot and host is healthy.</EmptyState>;
  }
  return (
    <TableFrame caption="Alerts firing now">
      <thead>
        <tr>
          <th scope="col" className={thClass}>Severity</th>
          <th scope="col" className={thClass}>Alert</th>
          <th scope="col" className={thClass}>Host</th>
          <th scope="col" className={thClass}>Figures</th>
          <th scope="col" className={thClass}>Since</th>
          <th scope="col" className={`${thClass} text-right`}>
            <span className="sr-only">Action</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {alerts.map((a) => (
          <tr key={a.id} className={a.severity === 'critical' ? 'bg-red-50/40' : undefined}>
            <td className={tdClass}>
              <SeverityBadge severity={a.severity} />
            </td>
            <td className={tdClass}>
              <div className="font-medium text-slate-900">{a.summary}</div>
              <div className="text-xs text-slate-500">{RULE_INFO[a.rule].title}</div>
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>{a.host}</td>
            <td className={`${tdClass} text-xs tabular-nums`}>{figuresText(a.figures) || '—'}</td>
            <td className={`${tdClass} whitespace-nowrap text-xs`}>
              <div className="tabular-nums">{formatUtc(a.startedAt)}</div>
              <TimeAgo at={a.startedAt} className="text-slate-500" />
            </td>
            <td className={`${tdClass} text-right`}>
              {a.link && canOperate ? (
                <ButtonLink
                  href={a.link.href}
                  size="sm"
                  variant={a.severity === 'critical' ? 'primary' : 'secondary'}
                  aria-label={`${a.link.label} ${a.vg}/${a.lv}: ${RULE_INFO[a.rule].title}`}
                >
                  {a.link.label}
                </ButtonLink>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}

/** Alerts that ended recently, newest first. */
export function RecentAlerts({ alerts }: { alerts: Alert[] }) {
  if (alerts.length === 0) return <p className="text-sm text-slate-600">No alert has ended yet.</p>;
  return (
    <TableFrame caption="Recently resolved alerts" maxHeight="24rem">
      <thead>
        <tr>
          <th scope="col" className={thClass}>Severity</th>
          <th scope="col" className={thClass}>Alert</th>
          <th scope="col" className={thClass}>Host</th>
          <th scope="col" className={thClass}>Started</th>
          <th scope="col" className={thClass}>Ended</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {alerts.map((a) => (
          <tr key={a.id}>
            <td className={tdClass}>
              <SeverityBadge severity={a.severity} resolved />
            </td>
            <td className={tdClass}>
              <div className="text-slate-900">{a.summary}</div>
              <div className="text-xs text-slate-500">{RULE_INFO[a.rule].title}</div>
            </td>
            <td className={`${tdClass} whitespace-nowrap`}>{a.host}</td>
            <td className={`${tdClass} whitespace-nowrap text-xs tabular-nums`}>{formatUtc(a.startedAt)}</td>
            <td className={`${tdClass} whitespace-nowrap text-xs tabular-nums`}>{formatUtc(a.endedAt)}</td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
