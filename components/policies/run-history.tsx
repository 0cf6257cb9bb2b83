import Link from 'next/link';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { formatDateTime, formatDuration } from '@/lib/format';
import type { PolicyRun } from '@/lib/policies/schema';
import { ResultBadge } from './result-badge';

/** A policy's runs, newest first, with the reason of each result and links to its jobs. */
export function RunHistory({ runs }: { runs: PolicyRun[] }) {
  if (runs.length === 0) return <p className="text-sm text-slate-600">No run yet.</p>;
  return (
    <TableFrame caption="Runs" maxHeight="28rem">
      <thead>
        <tr>
          <th className={thClass}>Run</th>
          <th className={thClass}>Trigger</th>
          <th className={thClass}>Started</th>
          <th className={thClass}>Duration</th>
          <th className={thClass}>Result</th>
          <th className={thClass}>Reason</th>
          <th className={thClass}>Jobs</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {runs.map((r) => (
          <tr key={r.id}>
            <td className={tdClass}>#{r.id}</td>
            <td className={tdClass}>{r.trigger}</td>
            <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(r.startedAt)}</td>
            <td className={tdClass}>{r.durationMs === null ? '—' : formatDuration(r.durationMs)}</td>
            <td className={tdClass}>
              <ResultBadge result={r.result} />
            </td>
            <td className={`${tdClass} max-w-md text-xs`}>{r.reason}</td>
            <td className={`${tdClass} text-xs`}>
              {r.jobIds.map((j) => (
                <Link key={j} href={`/jobs/${j}`} className="mr-1 text-emerald-800 hover:underline">
                  #{j}
                </Link>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </TableFrame>
  );
}
