import Link from 'next/link';
import { shellJoin } from '@/lib/host/quote';
import type { AuditRow } from '@/lib/store/jobs';
import { formatDuration, formatUtc } from '@/lib/format';
import { operationLabel } from '@/components/jobs/labels';
import { isSecurityEvent, SECURITY_EVENT_LABELS } from '@/lib/auth/audit-events';

function label(e: AuditRow): string {
  return e.kind === 'security' && isSecurityEvent(e.operation) ? SECURITY_EVENT_LABELS[e.operation] : operationLabel(e.operation);
}

const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';
const cell = 'px-3 py-2 align-top text-sm';
const td = `${cell} text-slate-700`;

/**
 * Every command run on a host, as a user would type it, and every security event with what happened and from which
 * address; newest first (rendered on the server).
 */
export function AuditTable({ entries }: { entries: AuditRow[] }) {
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200">
        <caption className="sr-only">Audit log</caption>
        <thead>
          <tr>
            <th scope="col" className={th}>Time (UTC)</th>
            <th scope="col" className={th}>Host</th>
            <th scope="col" className={th}>User</th>
            <th scope="col" className={th}>Operation</th>
            <th scope="col" className={th}>Job</th>
            <th scope="col" className={th}>Command or event</th>
            <th scope="col" className={`${th} text-right`}>Exit code</th>
            <th scope="col" className={`${th} text-right`}>Duration</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {entries.map((e) => {
            if (e.kind === 'security') return <SecurityRow key={e.id} e={e} />;
            const failed = e.exitCode !== 0;
            return (
              <tr key={e.id} className={failed ? 'bg-red-50/40' : undefined}>
                <td className={`${td} whitespace-nowrap tabular-nums`}>{formatUtc(e.at)}</td>
                <td className={td}>{e.host}</td>
                <td className={td}>{e.username}</td>
                <td className={`${td} whitespace-nowrap`}>{label(e)}</td>
                <td className={td}>
                  {e.jobId !== null ? (
                    <Link href={`/jobs/${e.jobId}`} className="font-medium text-cow-700 hover:underline">
                      #{e.jobId}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td className={`${td} max-w-xl`}>
                  <code className="block whitespace-pre-wrap break-all font-mono text-xs text-slate-900">{shellJoin(e.argv)}</code>
                  {failed && e.stderr ? (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-red-700">stderr</summary>
                      <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-900 px-2 py-1 font-mono text-xs text-slate-100">
                        {e.stderr}
                      </pre>
                    </details>
                  ) : null}
                </td>
                <td className={`${cell} text-right tabular-nums ${failed ? 'font-semibold text-red-700' : 'text-slate-700'}`}>
                  {e.exitCode ?? '—'}
                </td>
                <td className={`${td} whitespace-nowrap text-right tabular-nums`}>{formatDuration(e.durationMs)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

const ALARMING = new Set(['login-failure', 'login-lock']);

function SecurityRow({ e }: { e: AuditRow }) {
  return (
    <tr className={ALARMING.has(e.operation) ? 'bg-amber-50/50' : undefined}>
      <td className={`${td} whitespace-nowrap tabular-nums`}>{formatUtc(e.at)}</td>
      <td className={td}>—</td>
      <td className={td}>{e.username}</td>
      <td className={`${td} whitespace-nowrap`}>{label(e)}</td>
      <td className={td}>—</td>
      <td className={`${td} max-w-xl`}>
        <span className="text-slate-900">{e.detail}</span>
        {e.address ? <span className="ml-2 text-xs text-slate-500">from {e.address}</span> : null}
        {e.tokenId !== null ? <span className="ml-2 text-xs text-slate-500">token #{e.tokenId}</span> : null}
      </td>
      <td className={`${td} text-right`}>—</td>
      <td className={`${td} text-right`}>—</td>
    </tr>
  );
}
