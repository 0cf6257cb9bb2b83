import type { Metadata } from 'next';
import Link from 'next/link';
import { ProtectBackupButton } from '@/components/backups/protect-backup-button';
import { PageHeader } from '@/components/ui/page-header';
import { card, input, label, primaryButton, td, th } from '@/components/wizards/styles';
import { requirePageUser } from '@/lib/auth/guard';
import { listBackups } from '@/lib/backup/catalogue';
import { scanUnknownFiles } from '@/lib/backup/service';
import { formatAge, formatBytes } from '@/lib/format';
import { db } from '@/lib/store/db';
import { param, type SearchParams } from '../hosts/load';

export const metadata: Metadata = { title: 'Backups' };
export const dynamic = 'force-dynamic';

const NAME = /^[A-Za-z0-9+._:-]{1,128}$/;
const CONSISTENCY_WORDS: Record<string, string> = {
  frozen: 'frozen (guest agent)',
  suspended: 'suspended',
  'crash-consistent': 'crash-consistent',
  offline: 'offline (guest shut off)',
};

/** The backup catalogue (issue 11), filtered by host, VG, LV or guest; "unknown files" on request (reads the hosts). */
export default async function BackupsPage({ searchParams }: { searchParams: SearchParams }) {
  const me = await requirePageUser();
  const sp = await searchParams;
  const pick = (k: string) => {
    const v = param(sp, k);
    return v && NAME.test(v) ? v : undefined;
  };
  const filter = { host: pick('host'), vg: pick('vg'), lv: pick('lv'), guest: pick('guest') };
  const backups = listBackups(db(), filter);
  const unknown = param(sp, 'scan') === '1' ? await scanUnknownFiles(filter.host) : null;
  const now = Date.now();
  return (
    <>
      <PageHeader title="Backups" description="Verified image backups of volumes, taken from snapshots: where they are, how consistent, and how old." />
      <form method="get" aria-label="Filter backups" className={`${card} mb-6 grid gap-4 sm:grid-cols-5`}>
        {(['host', 'guest', 'vg', 'lv'] as const).map((k) => (
          <div key={k}>
            <label htmlFor={`f-${k}`} className={label}>
              {k === 'lv' ? 'Volume' : k === 'vg' ? 'Volume group' : k === 'host' ? 'Host' : 'Guest'}
            </label>
            <input id={`f-${k}`} name={k} defaultValue={filter[k] ?? ''} className={input} autoComplete="off" />
          </div>
        ))}
        <div className="flex items-end">
          <button type="submit" className={primaryButton}>
            Filter
          </button>
        </div>
      </form>
      <section aria-labelledby="catalogue" className={`${card} overflow-x-auto`}>
        <h2 id="catalogue" className="mb-3 text-lg font-semibold text-slate-900">
          Catalogue ({backups.length})
        </h2>
        {backups.length === 0 ? (
          <p className="text-sm text-slate-600">No backups{Object.values(filter).some(Boolean) ? ' match the filter' : ' yet: use "Back up now" on a guest or a volume'}.</p>
        ) : (
          <table className="w-full text-sm">
            <thead>
              <tr>
                <th className={th}>Volume</th>
                <th className={th}>Guest</th>
                <th className={th}>Age</th>
                <th className={th}>Consistency</th>
                <th className={th}>Size</th>
                <th className={th}>Where</th>
                <th className={th}>Verified</th>
                <th className={th}>Made by</th>
                <th className={th}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {backups.map((b) => {
                const act = (a: string) => `/hosts/${encodeURIComponent(b.targetHost)}/backup-action?id=${b.id}&action=${a}`;
                return (
                  <tr key={b.id} className="border-t border-slate-100">
                    <td className={`${td} font-mono`}>
                      {b.host}:{b.vg}/{b.lv}
                    </td>
                    <td className={td}>{b.guestName ?? '—'}</td>
                    <td className={td} title={b.createdAt}>
                      {formatAge(b.createdAt, now)}
                    </td>
                    <td className={td}>{CONSISTENCY_WORDS[b.consistency] ?? b.consistency}</td>
                    <td className={td}>
                      {formatBytes(b.logicalSizeBytes)} <span className="text-slate-500">({formatBytes(b.sizeOnDiskBytes)} {b.format})</span>
                    </td>
                    <td className={`${td} font-mono text-xs`}>
                      {b.targetHost}:{b.file}
                    </td>
                    <td className={td}>
                      {b.lastVerifyOk === false ? <span className="font-semibold text-red-700">failed</span> : b.lastVerifiedAt ? `ok, ${formatAge(b.lastVerifiedAt, now)}` : '—'}
                    </td>
                    <td className={td}>
                      {b.policyId !== null ? (
                        <Link className="text-cow-700 hover:underline" href={`/policies/${b.policyId}`}>
                          policy #{b.policyId}
                        </Link>
                      ) : (
                        'manual'
                      )}
                      {b.protected ? <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs font-semibold text-violet-800">protected</span> : null}
                    </td>
                    <td className={`${td} whitespace-nowrap`}>
                      {me.role !== 'viewer' ? (
                        <span className="mr-3">
                          <ProtectBackupButton id={b.id} isProtected={b.protected} />
                        </span>
                      ) : null}
                      <Link className="mr-3 text-cow-700 hover:underline" href={act('verify')} aria-label={`Verify backup ${b.id}`}>
                        Verify
                      </Link>
                      <Link className="mr-3 text-cow-700 hover:underline" href={act('restore')} aria-label={`Restore backup ${b.id}`}>
                        Restore
                      </Link>
                      <Link className="text-red-700 hover:underline" href={act('delete')} aria-label={`Delete backup ${b.id}`}>
                        Delete
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="unknown" className={`${card} mt-6`}>
        <h2 id="unknown" className="mb-2 text-lg font-semibold text-slate-900">
          Unknown files
        </h2>
        {unknown === null ? (
          <Link className="text-sm text-cow-700 hover:underline" href={`/backups?scan=1${filter.host ? `&host=${filter.host}` : ''}`}>
            List the files in each host&apos;s backup directory that the catalogue does not know
          </Link>
        ) : (
          <ul className="space-y-2 text-sm">
            {unknown.map((u) => (
              <li key={u.host}>
                <span className="font-semibold">{u.host}</span> <span className="font-mono text-xs">{u.dir}</span>:{' '}
                {u.error ? <span className="text-red-700">{u.error}</span> : u.files.length === 0 ? 'none' : null}
                {u.files.length ? (
                  <ul className="ml-5 list-disc">
                    {u.files.map((f) => (
                      <li key={f.name} className="font-mono text-xs">
                        {f.name} ({formatBytes(f.sizeBytes)})
                      </li>
                    ))}
                  </ul>
                ) : null}
              </li>
            ))}
            <li className="text-xs text-slate-500">Cowherd never deletes these: check them and remove them by hand if they are not needed.</li>
          </ul>
        )}
      </section>
    </>
  );
}
