'use client';

import { Banner } from '@/components/ui/banner';
import { ClockTime, TimeAgo } from '@/components/ui/time';
import type { HostInventoryQuery, HostRef } from '@/lib/inventory/client';

/** "collected 14:03:22 (3 s ago)" for a host, with a pulse while a refresh is on its way. */
export function CollectedAt({ query }: { query: HostInventoryQuery }) {
  const inv = query.data?.inventory;
  if (!inv) {
    return <span className="text-xs text-slate-500">{query.isFetching ? 'reading…' : 'no data'}</span>;
  }
  return (
    <span className="inline-flex items-center gap-1.5 text-xs text-slate-500">
      <span
        aria-hidden="true"
        className={`size-1.5 rounded-full ${
          !inv.reachable || query.isError ? 'bg-red-500' : query.isFetching ? 'animate-pulse bg-emerald-500' : 'bg-emerald-500'
        }`}
      />
      <span>
        collected <ClockTime at={inv.collectedAt} /> <span className="whitespace-nowrap">(<TimeAgo at={inv.collectedAt} />)</span>
      </span>
    </span>
  );
}

/**
 * The red banner of a host that stopped answering (or of a refresh that failed). The last good data stays on the
 * page under it, so the banner says how old that data is.
 */
export function HostProblem({ host, query }: { host: HostRef; query: HostInventoryQuery }) {
  const data = query.data;
  const inv = data?.inventory;
  const hostError = data?.error;
  const fetchError = query.isError ? query.error.message : undefined;
  // Issue 16: the host answers, but its helper is older than Cowherd's (some operations would be refused).
  if (!hostError && !fetchError && inv?.helper?.message) {
    return (
      <Banner tone="warning" title={`The host helper on ${host.name} needs an update`}>
        <span className="font-mono text-xs">{inv.helper.message}</span>
      </Banner>
    );
  }
  if (!hostError && !fetchError) return null;
  const since = inv ? (
    <>
      {' '}
      — showing data from <ClockTime at={inv.collectedAt} />
    </>
  ) : (
    <> — no data has been read from it yet</>
  );
  return (
    <Banner tone="error">
      {fetchError ? (
        // The newest news: Cowherd's own API failed (the host's last verdict may be older).
        <>
          Cowherd could not refresh host {host.name}: <span className="font-mono text-xs">{fetchError}</span>
          {since}
        </>
      ) : (
        <>
          host {host.name} is not answering: <span className="font-mono text-xs">{hostError}</span>
          {since}
        </>
      )}
    </Banner>
  );
}
