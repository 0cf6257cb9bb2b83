'use client';

import Link from 'next/link';
import { Fragment, useDeferredValue, useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { buttonClasses, focusRing } from '@/components/ui/button-link';
import { Banner } from '@/components/ui/banner';
import { CowBar } from '@/components/ui/cow-bar';
import { EmptyState } from '@/components/ui/empty-state';
import { tdClass } from '@/components/ui/table';
import { TimeAgo } from '@/components/ui/time';
import { lastBackupKey } from '@/lib/backup/keys';
import { useHostInventories, type HostInventoryQuery, type HostRef } from '@/lib/inventory/client';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { DomainStateBadge } from './badges';
import { hrefs } from '@/lib/hrefs';
import { lvKey } from '@/lib/lvm/model';
import { snapshotsByOrigin } from './derive';
import { CollectedAt, HostProblem } from './host-status';
import { formatDateTime } from '@/lib/format';
import { coversGuest } from '@/lib/policies/targets';
import type { PolicyCoverage } from '@/lib/policies/view';

/** "bench-9" before "bench-10". */
const naturalOrder = new Intl.Collator('en', { numeric: true });

/** Guests per page: 200 domains with their disks would be a long page and a slow render. */
export const GUESTS_PER_PAGE = 50;

export interface GuestsViewProps {
  hosts: HostRef[];
  pollMs: number;
  /** When each guest's newest backup was taken (issue 11), keyed by lastBackupKey(host, guest). */
  lastBackups?: Record<string, string>;
  /** Snapshot policies (issue 12): which cover each guest, and when each last succeeded. */
  policies?: PolicyCoverage[];
}


/** Every host's libvirt domains, their state, and which LVs (and snapshots) their disks are. */
export function GuestsView({ hosts, pollMs, lastBackups = {}, policies = [] }: GuestsViewProps) {
  const entries = useHostInventories(hosts, pollMs);
  // Issue 14: where each guest UUID is defined, so a shut-off guest that another host also has (the old copy a move
  // leaves behind) offers "remove this copy".
  const hostsByUuid = new Map<string, HostRef[]>();
  for (const { host, query } of entries) {
    for (const d of query.data?.inventory?.domains ?? []) if (d.uuid) hostsByUuid.set(d.uuid, [...(hostsByUuid.get(d.uuid) ?? []), host]);
  }
  return (
    <div className="space-y-6">
      {entries.map(({ host, query }) => (
        <HostGuests key={host.id} host={host} query={query} lastBackups={lastBackups} policies={policies} hostsByUuid={hostsByUuid} />
      ))}
    </div>
  );
}

function HostGuests({ host, query, lastBackups, policies, hostsByUuid }: { host: HostRef; query: HostInventoryQuery; lastBackups: Record<string, string>; policies: PolicyCoverage[]; hostsByUuid: Map<string, HostRef[]> }) {
  const inv = query.data?.inventory;
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const q = useDeferredValue(filter.trim().toLowerCase());
  const headingId = `guests-${host.id}`;

  const snaps = useMemo(() => snapshotsByOrigin(inv?.lvs ?? []), [inv?.lvs]);
  const domains = useMemo(() => {
    const all = [...(inv?.domains ?? [])].sort((a, b) => naturalOrder.compare(a.name, b.name));
    return q ? all.filter((d) => d.name.toLowerCase().includes(q) || d.state.includes(q)) : all;
  }, [inv?.domains, q]);
  const pages = Math.max(1, Math.ceil(domains.length / GUESTS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const shown = domains.slice(current * GUESTS_PER_PAGE, (current + 1) * GUESTS_PER_PAGE);
  const running = (inv?.domains ?? []).filter((d) => d.state === 'running').length;

  return (
    <section aria-labelledby={headingId} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-slate-100 px-5 py-3">
        <div className="flex flex-wrap items-baseline gap-x-3">
          <h2 id={headingId} className="text-lg font-semibold text-slate-900">
            {host.name}
          </h2>
          {inv && (
            <span className="text-xs text-slate-500">
              {inv.domains.length} {inv.domains.length === 1 ? 'guest' : 'guests'}, {running} running
            </span>
          )}
        </div>
        <CollectedAt query={query} />
      </div>
      <div className="space-y-4 px-5 py-4">
        <HostProblem host={host} query={query} />
        {inv?.libvirt === 'error' && (
          <Banner tone="warning" title="libvirt did not answer">
            <span className="font-mono text-xs">{inv.libvirtError ?? 'unknown error'}</span>
          </Banner>
        )}
        {!inv ? (
          <EmptyState title={query.isFetching ? 'Reading the host…' : 'No data from this host yet'} />
        ) : inv.libvirt === 'absent' ? (
          <EmptyState title="libvirt is not installed on this host">Its volume groups are still listed on the other pages.</EmptyState>
        ) : inv.domains.length === 0 ? (
          <EmptyState title="No guests defined on this host" />
        ) : (
          <>
            {inv.domains.length > 6 && (
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <span>Filter guests</span>
                <input
                  type="search"
                  value={filter}
                  onChange={(e) => {
                    setFilter(e.target.value);
                    setPage(0);
                  }}
                  placeholder="name or state"
                  className={`w-56 rounded-md border-0 px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 ${focusRing}`}
                />
              </label>
            )}
            {shown.length === 0 ? (
              <EmptyState title="No guest matches the filter" />
            ) : (
              <div className="grid gap-4 xl:grid-cols-2">
                {shown.map((d) => (
                  <DomainCard
                    key={d.name}
                    hostId={host.id}
                    domain={d}
                    snaps={snaps}
                    lastBackup={lastBackups[lastBackupKey(host.id, d.name)]}
                    policies={policies}
                    movedTo={d.state === 'shut off' && d.uuid ? hostsByUuid.get(d.uuid)?.find((x) => x.id !== host.id) : undefined}
                  />
                ))}
              </div>
            )}
            {pages > 1 && (
              <nav aria-label={`Pages of guests on ${host.name}`} className="flex items-center justify-between gap-2 text-sm">
                <p className="text-slate-600">
                  {current * GUESTS_PER_PAGE + 1}–{Math.min(domains.length, (current + 1) * GUESTS_PER_PAGE)} of {domains.length}
                </p>
                <div className="flex gap-2">
                  <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)} className={`${buttonClasses('secondary', 'sm')} disabled:opacity-40`}>
                    Previous
                  </button>
                  <button
                    type="button"
                    disabled={current >= pages - 1}
                    onClick={() => setPage(current + 1)}
                    className={`${buttonClasses('secondary', 'sm')} disabled:opacity-40`}
                  >
                    Next
                  </button>
                </div>
              </nav>
            )}
          </>
        )}
      </div>
    </section>
  );
}

const cell = `${tdClass} border-t border-slate-100`;
const head = 'px-3 py-1.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';

function DomainCard({ hostId, domain, snaps, lastBackup, policies = [], movedTo }: { hostId: string; domain: InventoryDomain; snaps: Map<string, InventoryLv[]>; lastBackup?: string; policies?: PolicyCoverage[]; movedTo?: HostRef }) {
  const firstDisk = domain.disks.find((d) => d.vg && d.lv);
  const covering = policies.filter((p) => coversGuest(p.selector, hostId, domain));
  const headingId = `guest-${hostId}-${domain.name}`;
  // A merge into one of its disks: deferred while the guest holds the disk open, running once it is stopped.
  const pendingMerge = domain.disks
    .flatMap((d) => (d.vg && d.lv ? (snaps.get(lvKey(d.vg, d.lv)) ?? []) : []))
    .find((s) => s.merging || s.mergeFailed);
  const holds = domain.state !== 'shut off' && domain.state !== 'crashed';
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200">
      <div className="flex flex-wrap items-center gap-2 px-4 py-2.5">
        <h3 id={headingId} className="mr-auto font-mono text-base font-semibold text-slate-900">
          {domain.name}
        </h3>
        <DomainStateBadge state={domain.state} />
        {pendingMerge ? (
          <Link
            href={hrefs.merge(hostId, pendingMerge.vg, pendingMerge.name)}
            prefetch={false}
            className={`rounded ${focusRing}`}
            title={`A rollback of ${pendingMerge.vg}/${pendingMerge.origin ?? '?'} to ${pendingMerge.name} is ${holds ? 'waiting until this guest is stopped' : 'under way'}`}
          >
            <Badge tone="amber" strong>
              {holds ? 'rollback pending' : 'rollback running'}
            </Badge>
          </Link>
        ) : null}
        <Badge tone={domain.agent ? 'emerald' : 'slate'} title={domain.agent ? 'The qemu guest agent answers: filesystems can be frozen for a consistent snapshot' : 'No qemu guest agent: snapshots are crash-consistent (the guest is paused instead)'}>
          agent: {domain.agent ? 'yes' : 'no'}
        </Badge>
        <Badge tone={lastBackup ? 'slate' : 'amber'} title={lastBackup ? `Newest backup taken ${lastBackup}` : 'No backup of this guest in the catalogue'}>
          {lastBackup ? <>last backup: <TimeAgo at={lastBackup} /></> : 'no backup'}
        </Badge>
        {firstDisk?.vg && firstDisk.lv ? (
          <Link
            href={hrefs.backup(hostId, firstDisk.vg, firstDisk.lv)}
            prefetch={false}
            aria-label={`Back up ${domain.name} now`}
            className={`rounded text-xs font-medium text-cow-700 hover:underline ${focusRing}`}
          >
            Back up now
          </Link>
        ) : null}
        {domain.uuid && firstDisk ? (
          <Link
            href={hrefs.move(hostId, domain.uuid)}
            prefetch={false}
            aria-label={`Move or copy ${domain.name} to another host`}
            className={`rounded text-xs font-medium text-cow-700 hover:underline ${focusRing}`}
          >
            Move or copy…
          </Link>
        ) : null}
        {movedTo && domain.uuid ? (
          <Link
            href={hrefs.retire(hostId, domain.uuid, movedTo.id)}
            prefetch={false}
            aria-label={`Remove the old copy of ${domain.name} (moved to ${movedTo.name})`}
            title={`${movedTo.name} has a guest with the same UUID: this shut-off one is the copy a move left here`}
            className={`rounded text-xs font-medium text-red-700 hover:underline ${focusRing}`}
          >
            Moved to {movedTo.name}: remove this copy
          </Link>
        ) : null}
      </div>
      {covering.length > 0 && (
        <p className="border-t border-slate-100 px-4 py-1.5 text-xs text-slate-600">
          Policies:{' '}
          {covering.map((p, i) => (
            <span key={p.id}>
              {i > 0 && ', '}
              <Link href={`/policies/${p.id}`} prefetch={false} className="text-emerald-800 hover:underline">
                {p.name}
              </Link>{' '}
              ({p.enabled ? '' : 'disabled, '}last success {p.lastSuccessAt ? formatDateTime(p.lastSuccessAt) : 'never'})
            </span>
          ))}
        </p>
      )}
      {domain.disks.length === 0 ? (
        <p className="border-t border-slate-100 px-4 py-2 text-sm text-slate-500">No disks.</p>
      ) : (
        <table className="w-full text-sm">
          <caption className="sr-only">Disks of {domain.name}</caption>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={head}>Target</th>
              <th scope="col" className={head}>Source</th>
              <th scope="col" className={head}>Volume</th>
              <th scope="col" className={head}>Snapshots</th>
            </tr>
          </thead>
          <tbody>
            {domain.disks.map((disk) => {
              const lvSnaps = disk.vg && disk.lv ? (snaps.get(lvKey(disk.vg, disk.lv)) ?? []) : [];
              return (
                <tr key={disk.target}>
                  <td className={`${cell} font-mono font-medium text-slate-900`}>{disk.target}</td>
                  <td className={`${cell} font-mono text-xs text-slate-600`}>{disk.source ? <PathWithBreaks path={disk.source} /> : '—'}</td>
                  <td className={`${cell} font-mono text-xs`}>
                    {disk.vg && disk.lv ? (
                      <Link href={hrefs.vg(hostId, disk.vg)} className={`whitespace-nowrap rounded text-cow-700 hover:underline ${focusRing}`}>
                        {disk.vg}/{disk.lv}
                      </Link>
                    ) : (
                      <span className="text-slate-400" title="Not a logical volume">
                        —
                      </span>
                    )}
                  </td>
                  <td className={cell}>
                    {lvSnaps.length === 0 ? (
                      disk.vg && disk.lv ? (
                        <Link
                          href={hrefs.createSnapshot(hostId, disk.vg, disk.lv)}
                          prefetch={false}
                          aria-label={`Create snapshot of ${disk.vg}/${disk.lv}`}
                          className={`rounded text-xs font-medium text-cow-700 hover:underline ${focusRing}`}
                        >
                          + snapshot
                        </Link>
                      ) : (
                        <span className="text-xs text-slate-400">—</span>
                      )
                    ) : (
                      <ul className="space-y-1">
                        {lvSnaps.map((s) => (
                          <li key={s.uuid} className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
                            <span className="font-mono text-xs text-slate-800">{s.name}</span>
                            {s.mergeFailed ? (
                              <Badge tone="red" strong>merge failed</Badge>
                            ) : s.merging ? (
                              <Badge tone="amber">{holds ? 'merge pending' : 'merging'}</Badge>
                            ) : null}
                            {s.kind === 'snapshot' ? (
                              <CowBar compact vg={s.vg} snapshot={s.name} percent={s.cowPercent} invalid={s.invalid} active={s.active} merging={s.merging} />
                            ) : (
                              <Badge tone="violet">thin</Badge>
                            )}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </article>
  );
}

/** A device path that wraps only after a slash (/dev/vg0/<wbr>web), never inside a name. */
function PathWithBreaks({ path }: { path: string }) {
  const parts = path.split('/');
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {p}
          {i < parts.length - 1 ? (
            <>
              /<wbr />
            </>
          ) : null}
        </Fragment>
      ))}
    </>
  );
}
