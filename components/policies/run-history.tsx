import Link from 'next/link';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { formatDateTime, formatDuration } from '@/lib/format';
import { foldSkipped } from '@/lib/policies/run-rows';
import type { PolicyRun } from '@/lib/policies/schema';
import { ResultBadge } from './result-badge';

/** A policy's runs, newest first, with the reason of each result and links to its jobs; a streak of skips is one row. */
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
        {foldSkipped(runs).map((row) =>
          row.kind === 'skipped' ? (
            <tr key={`skip-${row.newest.id}`} className="bg-slate-50">
              <td className={`${tdClass} whitespace-nowrap`}>
                #{row.oldest.id}–#{row.newest.id}
              </td>
              <td className={tdClass}>{row.newest.trigger}</td>
              <td className={`${tdClass} whitespace-nowrap`}>
                {formatDateTime(row.oldest.startedAt)} – {formatDateTime(row.newest.startedAt)}
              </td>
              <td className={tdClass}>—</td>
              <td className={tdClass}>
                <ResultBadge result="skipped" /> <span className="text-xs text-slate-600">× {row.count}</span>
              </td>
              <td className={`${tdClass} max-w-md text-xs`}>{row.reason}</td>
              <td className={tdClass} />
            </tr>
          ) : (
            <tr key={row.run.id}>
              <td className={tdClass}>#{row.run.id}</td>
              <td className={tdClass}>{row.run.trigger}</td>
              <td className={`${tdClass} whitespace-nowrap`}>{formatDateTime(row.run.startedAt)}</td>
              <td className={tdClass}>{row.run.durationMs === null ? '—' : formatDuration(row.run.durationMs)}</td>
              <td className={tdClass}>
                <ResultBadge result={row.run.result} />
              </td>
              <td className={`${tdClass} max-w-md text-xs`}>{row.run.reason}</td>
              <td className={`${tdClass} text-xs`}>
                {row.run.jobIds.map((j) => (
                  <Link key={j} href={`/jobs/${j}`} className="mr-1 text-emerald-800 hover:underline">
                    #{j}
                  </Link>
                ))}
              </td>
            </tr>
          ),
        )}
      </tbody>
    </TableFrame>
  );
}
