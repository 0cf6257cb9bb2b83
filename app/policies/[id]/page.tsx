import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { describeRetention, describeSelector } from '@/components/policies/describe';
import { PolicyForm } from '@/components/policies/policy-form';
import { ProtectBackupButton } from '@/components/backups/protect-backup-button';
import { ProtectButton } from '@/components/policies/protect-button';
import { ResultBadge } from '@/components/policies/result-badge';
import { RunHistory } from '@/components/policies/run-history';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { requirePageUser } from '@/lib/auth/guard';
import { parseId } from '@/lib/auth/http';
import { roleAtLeast } from '@/lib/auth/roles';
import { config } from '@/lib/config/hosts';
import { formatDateTime } from '@/lib/format';
import { policyView, runsOf } from '@/lib/policies/view';

export const metadata: Metadata = { title: 'Policy' };
export const dynamic = 'force-dynamic';

export default async function PolicyPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser('viewer');
  const id = parseId((await params).id);
  const p = id === null ? undefined : policyView(id);
  if (!p) notFound();
  const canOperate = roleAtLeast(me.role, 'operator');
  const { id: pid, name, selector, action, schedule, retention, consistency, maxFillPercent, enabled, note } = p;
  return (
    <>
      <PageHeader
        title={`Policy ${name}`}
        description={`${action.type === 'backup' ? `backup to ${action.targetHost ?? selector.host} (${action.format}) of ` : ''}${describeSelector(selector)} · ${schedule.cron} (${schedule.timeZone}) · ${describeRetention(retention)}${enabled ? '' : ' · disabled'}`}
      />
      <div className="space-y-6">
        <Card title="Status" id="status">
          <dl className="grid gap-2 text-sm sm:grid-cols-4">
            <div>
              <dt className="text-slate-500">Last run</dt>
              <dd>
                <ResultBadge result={p.status.lastRun?.result ?? null} /> {p.status.lastRun?.reason}
              </dd>
            </div>
            <div>
              <dt className="text-slate-500">Last success</dt>
              <dd>{p.status.lastSuccess?.finishedAt ? formatDateTime(p.status.lastSuccess.finishedAt) : '—'}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Failures in a row</dt>
              <dd>{p.status.failureStreak}</dd>
            </div>
            <div>
              <dt className="text-slate-500">Next runs</dt>
              <dd>{p.nextRuns.map((t) => formatDateTime(t)).join(', ') || '—'}</dd>
            </div>
          </dl>
        </Card>
        <Card
          title={action.type === 'backup' ? 'Its backups and why each is kept' : 'Its snapshots and why each is kept'}
          id="series"
          description={
            action.type === 'backup'
              ? 'Only backups this policy made (the catalogue marks them); manual and protected backups are never pruned.'
              : "Only LVs carrying this policy's tag; protected ones (tag cowherd-protected) are never pruned."
          }
        >
          {p.series.length === 0 ? (
            <p className="text-sm text-slate-600">{action.type === 'backup' ? 'None in the catalogue.' : 'None on the host (as of its last read).'}</p>
          ) : (
            <TableFrame caption={action.type === 'backup' ? 'Policy backups' : 'Policy snapshots'}>
              <thead>
                <tr>
                  <th className={thClass}>{action.type === 'backup' ? 'Backup (host:file)' : 'Snapshot'}</th>
                  <th className={thClass}>Origin</th>
                  <th className={thClass}>Created</th>
                  <th className={thClass}>Retention</th>
                  <th className={thClass}>Why</th>
                  {canOperate && (
                    <th className={thClass}>
                      <span className="sr-only">Protection</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {p.series.map((s) => (
                  <tr key={`${s.vg}/${s.lv}`}>
                    <td className={tdClass}>{s.backupId !== undefined ? s.lv : `${s.vg}/${s.lv}`}</td>
                    <td className={tdClass}>{s.origin}</td>
                    <td className={tdClass}>{s.createdAt ? formatDateTime(s.createdAt) : '—'}</td>
                    <td className={tdClass}>
                      <Badge tone={s.mark === 'prune' ? 'red' : s.mark === 'protected' ? 'violet' : 'green'}>{s.mark}</Badge>
                    </td>
                    <td className={`${tdClass} text-xs`}>{s.reason}</td>
                    {canOperate && (
                      <td className={tdClass}>
                        {s.backupId !== undefined ? (
                          <ProtectBackupButton id={s.backupId} isProtected={s.protected} />
                        ) : (
                          <ProtectButton host={selector.host} vg={s.vg} lv={s.lv} isProtected={s.protected} />
                        )}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </TableFrame>
          )}
        </Card>
        <Card title="Run history" id="runs">
          <RunHistory runs={runsOf(pid, 100)} />
        </Card>
        {roleAtLeast(me.role, 'admin') && (
          <Card title="Edit" id="edit">
            <PolicyForm
              hosts={config().hosts.map((h) => ({ id: h.id, name: h.name }))}
              existing={{ id: pid, value: { name, selector, action, schedule, retention, consistency, maxFillPercent, enabled, note } }}
              defaultTimeZone="UTC"
            />
          </Card>
        )}
      </div>
    </>
  );
}
