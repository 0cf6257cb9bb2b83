'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { fetchJobs, isActive, type JobSummary } from './api';
import { durationBetween, formatDuration, formatUtc } from '@/lib/format';
import { jobTarget, operationLabel } from './labels';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { useNow } from './use-now';

const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';
const td = 'px-3 py-2 align-middle text-sm text-slate-700';

/** Running and past jobs, newest first; polls every 1.5 s while a job runs, every 10 s otherwise. */
export function JobsTable({ initial, limit }: { initial: JobSummary[]; limit: number }) {
  const { data: jobs, error } = useQuery({
    queryKey: ['jobs', limit],
    queryFn: () => fetchJobs(limit),
    initialData: initial,
    refetchInterval: (q) => ((q.state.data ?? []).some((j) => isActive(j.status)) ? 1500 : 10_000),
  });
  const running = jobs.filter((j) => isActive(j.status)).length;
  const now = useNow(running > 0);

  return (
    <div className="space-y-3">
      <p className="text-sm text-slate-600" aria-live="polite">
        {running ? `${running} job${running > 1 ? 's' : ''} running.` : 'Nothing running.'}{' '}
        {jobs.length ? `The ${jobs.length === limit ? `${limit} newest` : jobs.length} job${jobs.length > 1 ? 's' : ''}, newest first.` : ''}
        {error ? <span className="ml-2 text-red-700">Could not refresh: {error.message}</span> : null}
      </p>
      {jobs.length === 0 ? (
        <div className="rounded-xl bg-white p-8 text-center text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
          No jobs yet. Operations started from a wizard or the API appear here.
        </div>
      ) : (
        <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          <table className="min-w-full divide-y divide-slate-200">
            <caption className="sr-only">Jobs</caption>
            <thead>
              <tr>
                <th scope="col" className={th}>Job</th>
                <th scope="col" className={th}>Status</th>
                <th scope="col" className={th}>Operation</th>
                <th scope="col" className={th}>Host</th>
                <th scope="col" className={th}>User</th>
                <th scope="col" className={th}>Started (UTC)</th>
                <th scope="col" className={th}>Ended (UTC)</th>
                <th scope="col" className={th}>Duration</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {jobs.map((j) => {
                const active = isActive(j.status);
                const dur = active
                  ? now !== null && j.startedAt
                    ? now - Date.parse(j.startedAt)
                    : null
                  : durationBetween(j.startedAt ?? j.createdAt, j.endedAt);
                return (
                  <tr key={j.id} className={active ? 'bg-sky-50/40' : undefined}>
                    <td className={`${td} whitespace-nowrap font-medium`}>
                      <Link href={`/jobs/${j.id}`} className="text-cow-700 hover:underline">
                        #{j.id}
                      </Link>
                    </td>
                    <td className={td}>
                      <StatusBadge status={j.status} />
                    </td>
                    <td className={td}>
                      <div className="font-medium text-slate-900">{operationLabel(j.operation)}</div>
                      <div className="font-mono text-xs text-slate-500">{jobTarget(j.operation, j.params)}</div>
                      {active ? (
                        <div className="mt-1 max-w-xs">
                          <ProgressBar value={j.progress} label={`Progress of job ${j.id}`} size="sm" />
                          {j.phase ? <div className="truncate text-xs text-slate-500">{j.phase}</div> : null}
                        </div>
                      ) : j.status === 'failed' && j.error ? (
                        <div className="mt-0.5 max-w-md truncate text-xs text-red-700" title={j.error}>
                          {j.error}
                        </div>
                      ) : null}
                    </td>
                    <td className={td}>{j.host}</td>
                    <td className={td}>{j.username}</td>
                    <td className={`${td} whitespace-nowrap tabular-nums`}>{formatUtc(j.startedAt ?? j.createdAt)}</td>
                    <td className={`${td} whitespace-nowrap tabular-nums`}>{active ? '—' : formatUtc(j.endedAt)}</td>
                    <td className={`${td} whitespace-nowrap tabular-nums`}>{formatDuration(dur)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
