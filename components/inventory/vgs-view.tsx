'use client';

import Link from 'next/link';
import { focusRing } from '@/components/ui/button-link';
import { CapacityBar } from '@/components/ui/capacity-bar';
import { EmptyState } from '@/components/ui/empty-state';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { formatBytes } from '@/lib/format';
import { useHostInventories, type HostRef } from '@/lib/inventory/client';
import { hrefs } from '@/lib/hrefs';
import { isSnapshot } from '@/lib/lvm/model';
import { HostStatusList } from './host-status-list';

export interface VgsViewProps {
  hosts: HostRef[];
  pollMs: number;
}

const cell = `${tdClass} border-b border-slate-100`;

/** Every volume group of every host with its capacity and counts. */
export function VgsView({ hosts, pollMs }: VgsViewProps) {
  const entries = useHostInventories(hosts, pollMs);
  const rows = entries.flatMap(({ host, query }) => {
    const inv = query.data?.inventory;
    if (!inv) return [];
    return inv.vgs.map((vg) => {
      const lvs = inv.lvs.filter((lv) => lv.vg === vg.name);
      return {
        key: `${host.id}/${vg.name}`,
        host,
        vg,
        stale: !inv.reachable,
        volumes: lvs.filter((lv) => !lv.hidden && !isSnapshot(lv)).length,
        snapshots: lvs.filter(isSnapshot).length,
        pools: lvs.filter((lv) => lv.kind === 'thin-pool').length,
      };
    });
  });
  const loading = entries.every((e) => !e.query.data && e.query.isFetching);

  return (
    <div className="space-y-4">
      <HostStatusList entries={entries} />
      {rows.length === 0 ? (
        <EmptyState title={loading ? 'Reading the hosts…' : 'No volume groups found'} />
      ) : (
        <TableFrame caption="Volume groups">
          <thead>
            <tr>
              <th scope="col" className={thClass}>Host</th>
              <th scope="col" className={thClass}>Volume group</th>
              <th scope="col" className={`${thClass} w-1/3`}>Capacity</th>
              <th scope="col" className={`${thClass} text-right`}>Size</th>
              <th scope="col" className={`${thClass} text-right`}>PVs</th>
              <th scope="col" className={`${thClass} text-right`}>Volumes</th>
              <th scope="col" className={`${thClass} text-right`}>Snapshots</th>
              <th scope="col" className={`${thClass} text-right`}>Thin pools</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={`hover:bg-slate-50/70 ${r.stale ? 'opacity-70' : ''}`}>
                <td className={`${cell} whitespace-nowrap`}>{r.host.name}</td>
                <td className={`${cell} font-mono font-medium`}>
                  <Link href={hrefs.vg(r.host.id, r.vg.name)} className={`rounded text-cow-700 hover:underline ${focusRing}`}>
                    {r.vg.name}
                  </Link>
                </td>
                <td className={cell}>
                  <CapacityBar
                    label={`Capacity of ${r.vg.name} on ${r.host.name}`}
                    usedBytes={r.vg.sizeBytes - r.vg.freeBytes}
                    totalBytes={r.vg.sizeBytes}
                  />
                </td>
                <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>{formatBytes(r.vg.sizeBytes)}</td>
                <td className={`${cell} text-right tabular-nums`}>{r.vg.pvCount}</td>
                <td className={`${cell} text-right tabular-nums`}>{r.volumes}</td>
                <td className={`${cell} text-right tabular-nums`}>{r.snapshots}</td>
                <td className={`${cell} text-right tabular-nums`}>{r.pools}</td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
    </div>
  );
}
