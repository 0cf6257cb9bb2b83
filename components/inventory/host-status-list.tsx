'use client';

import type { HostInventoryQuery, HostRef } from '@/lib/inventory/client';
import { CollectedAt, HostProblem } from './host-status';

/** For pages that merge several hosts into one list: each host's freshness, and a banner for each silent one. */
export function HostStatusList({ entries }: { entries: { host: HostRef; query: HostInventoryQuery }[] }) {
  return (
    <div className="space-y-2">
      <ul aria-label="Hosts" className="flex flex-wrap gap-x-6 gap-y-1">
        {entries.map(({ host, query }) => (
          <li key={host.id} className="flex items-center gap-2 text-sm">
            <span className="font-medium text-slate-800">{host.name}</span>
            <CollectedAt query={query} />
          </li>
        ))}
      </ul>
      {entries.map(({ host, query }) => (
        <HostProblem key={host.id} host={host} query={query} />
      ))}
    </div>
  );
}
