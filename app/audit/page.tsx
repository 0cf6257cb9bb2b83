import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { AuditFilters } from '@/components/audit/audit-filters';
import { AuditTable } from '@/components/audit/audit-table';
import { OPERATIONS, operationLabel } from '@/components/jobs/labels';
import { SECURITY_EVENT_LABELS, SECURITY_EVENTS } from '@/lib/auth/audit-events';
import { requirePageUser } from '@/lib/auth/guard';
import { config } from '@/lib/config/hosts';
import { db } from '@/lib/store/db';
import { listAudit } from '@/lib/store/jobs';

export const metadata: Metadata = { title: 'Audit log' };

const LIMIT = 200;

const filters = z.object({
  host: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/).optional().catch(undefined),
  operation: z.string().regex(/^[a-z-]{1,64}$/).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
  kind: z.enum(['command', 'security']).optional().catch(undefined),
});

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePageUser();
  const sp = await searchParams;
  const first = (k: string) => {
    const v = sp[k];
    const s = Array.isArray(v) ? v[0] : v;
    return s === '' ? undefined : s;
  };
  const f = filters.parse({ host: first('host'), operation: first('operation'), before: first('before'), kind: first('kind') });
  const entries = listAudit(db(), { kind: f.kind, host: f.host, operation: f.operation, beforeId: f.before, limit: LIMIT });
  const hosts = config().hosts.map((h) => ({ id: h.id, name: h.name }));
  const operations = OPERATIONS.map((o) => ({ value: o, label: operationLabel(o) }));
  const events = SECURITY_EVENTS.map((e) => ({ value: e, label: SECURITY_EVENT_LABELS[e] }));
  const qs = (extra: Record<string, string | undefined>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ kind: f.kind, host: f.host, operation: f.operation, ...extra })) if (v) p.set(k, v);
    const s = p.toString();
    return s ? `/audit?${s}` : '/audit';
  };
  const last = entries[entries.length - 1];

  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every command Cowherd ran on a host for an operation, exactly as it was run (read-only inventory reads are
          not listed), and every security event: sign-ins, user, role, password and token changes, alert-setting
          changes. Newest first.
        </p>
      </div>
      <AuditFilters hosts={hosts} operations={operations} events={events} kind={f.kind} host={f.host} operation={f.operation} />
      {entries.length === 0 ? (
        <div className="rounded-xl bg-white p-8 text-center text-sm text-slate-600 shadow-sm ring-1 ring-slate-200">
          {f.host || f.operation || f.before || f.kind ? 'No entries match these filters.' : 'Nothing has been recorded yet.'}
        </div>
      ) : (
        <AuditTable entries={entries} />
      )}
      <nav aria-label="Audit pages" className="flex justify-between text-sm">
        {f.before ? (
          <Link href={qs({})} className="text-cow-700 hover:underline">
            ← Newest
          </Link>
        ) : (
          <span />
        )}
        {entries.length === LIMIT && last ? (
          <Link href={qs({ before: String(last.id) })} className="text-cow-700 hover:underline">
            Older →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
