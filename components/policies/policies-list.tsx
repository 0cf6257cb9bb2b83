'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { buttonClasses } from '@/components/ui/button-link';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { PolicyRun } from '@/lib/policies/schema';
import type { PolicyView } from '@/lib/policies/view';
import { send } from './api';
import { describeRetention, describeSelector } from './describe';
import { ResultBadge } from './result-badge';

const when = (iso: string | null | undefined) => (iso ? formatDateTime(iso) : '—');

/** The policies: schedule, next runs, last result and success; admins toggle, operators run now. */
export function PoliciesList({ policies, canRun, canManage }: { policies: PolicyView[]; canRun: boolean; canManage: boolean }) {
  const router = useRouter();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  async function runNow(id: number) {
    setBusy(id);
    const r = await send<{ run: PolicyRun }>('POST', `/api/policies/${id}/run`);
    setBusy(null);
    setMessage(r.ok ? `Run #${r.data.run.id} started.` : r.error);
    router.refresh();
  }
  async function toggle(p: PolicyView) {
    setBusy(p.id);
    const input = { name: p.name, selector: p.selector, action: p.action, schedule: p.schedule, retention: p.retention, consistency: p.consistency, maxFillPercent: p.maxFillPercent, note: p.note };
    const r = await send('PUT', `/api/policies/${p.id}`, { ...input, enabled: !p.enabled });
    setBusy(null);
    setMessage(r.ok ? `${p.name} ${p.enabled ? 'disabled' : 'enabled'}.` : r.error);
    router.refresh();
  }

  if (policies.length === 0) return <p className="text-sm text-slate-600">No policy yet.</p>;
  return (
    <div className="space-y-2">
      <p role="status" className="min-h-5 text-sm text-slate-700">
        {message}
      </p>
      <TableFrame caption="Snapshot policies">
        <thead>
          <tr>
            <th className={thClass}>Policy</th>
            <th className={thClass}>Selects</th>
            <th className={thClass}>Schedule</th>
            <th className={thClass}>Next runs</th>
            <th className={thClass}>Retention</th>
            <th className={thClass}>Last run</th>
            <th className={thClass}>Last success</th>
            <th className={thClass}>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {policies.map((p) => (
            <tr key={p.id}>
              <td className={tdClass}>
                <Link href={`/policies/${p.id}`} className="font-medium text-emerald-800 hover:underline">
                  {p.name}
                </Link>
                {!p.enabled && <span className="ml-2 text-xs text-slate-500">(disabled)</span>}
              </td>
              <td className={tdClass}>{describeSelector(p.selector)}</td>
              <td className={tdClass}>
                <code className="text-xs">{p.schedule.cron}</code>
                <div className="text-xs text-slate-500">{p.schedule.timeZone}</div>
              </td>
              <td className={`${tdClass} text-xs`}>
                {p.nextRuns.length ? (
                  <ul>
                    {p.nextRuns.slice(0, 5).map((t) => (
                      <li key={t}>{formatDateTime(t)}</li>
                    ))}
                  </ul>
                ) : (
                  '—'
                )}
              </td>
              <td className={`${tdClass} text-xs`}>{describeRetention(p.retention)}</td>
              <td className={tdClass}>
                <ResultBadge result={p.status.lastRun?.result ?? null} title={p.status.lastRun?.reason ?? undefined} />
                <div className="max-w-xs truncate text-xs text-slate-500" title={p.status.lastRun?.reason ?? undefined}>
                  {p.status.lastRun?.reason}
                </div>
              </td>
              <td className={`${tdClass} text-xs`}>{when(p.status.lastSuccess?.finishedAt)}</td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {canRun && (
                  <button type="button" className={buttonClasses('secondary', 'sm')} disabled={busy === p.id} onClick={() => void runNow(p.id)} aria-label={`Run ${p.name} now`}>
                    Run now
                  </button>
                )}
                {canManage && (
                  <button type="button" className={`${buttonClasses('ghost', 'sm')} ml-1`} disabled={busy === p.id} onClick={() => void toggle(p)} aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.name}`}>
                    {p.enabled ? 'Disable' : 'Enable'}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableFrame>
    </div>
  );
}
