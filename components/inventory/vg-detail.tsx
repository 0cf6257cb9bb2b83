'use client';

import Link from 'next/link';
import { memo, useMemo, useRef, useState } from 'react';
import { ButtonLink, focusRing } from '@/components/ui/button-link';
import { CapacityBar } from '@/components/ui/capacity-bar';
import { CowBar } from '@/components/ui/cow-bar';
import { EmptyState } from '@/components/ui/empty-state';
import { PercentBar } from '@/components/ui/percent-bar';
import { TableFrame, tdClass, thClass } from '@/components/ui/table';
import { useVirtualRows } from '@/components/ui/virtual-rows';
import { formatBytes, formatUtc } from '@/lib/format';
import { useHostInventory, type HostRef } from '@/lib/inventory/client';
import type { InventoryLv } from '@/lib/inventory/types';
import { KindBadge, LvFlags } from './badges';
import { hrefs } from '@/lib/hrefs';
import { canBeSnapshotted, isSnapshot, lvKey } from '@/lib/lvm/model';
import { guestsByLv } from './derive';
import { CollectedAt, HostProblem } from './host-status';
import { SnapshotActions } from './snapshot-actions';

export interface VgDetailProps {
  host: HostRef;
  vg: string;
  pollMs: number;
}

const cell = `${tdClass} border-b border-slate-100`;

/** One volume group: its capacity and every LV in it, with the actions that apply to each. */
export function VgDetail({ host, vg, pollMs }: VgDetailProps) {
  const query = useHostInventory(host.id, pollMs);
  const inv = query.data?.inventory;
  const [showInternal, setShowInternal] = useState(false);
  const info = inv?.vgs.find((v) => v.name === vg);

  const { lvs, hiddenCount, guests } = useMemo(() => {
    const inVg = (inv?.lvs ?? []).filter((lv) => lv.vg === vg);
    return {
      lvs: showInternal ? inVg : inVg.filter((lv) => !lv.hidden),
      hiddenCount: inVg.filter((lv) => lv.hidden).length,
      guests: guestsByLv(inv?.domains ?? []),
    };
  }, [inv, vg, showInternal]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows(lvs.length, scrollRef, 49, (i) => lvs[i]?.uuid ?? i);

  const snapshots = lvs.filter(isSnapshot).length;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <CollectedAt query={query} />
        {info && (
          <ButtonLink variant="primary" href={hrefs.createSnapshot(host.id, vg)}>
            <span aria-hidden="true">+</span> New snapshot in {vg}
          </ButtonLink>
        )}
      </div>
      <HostProblem host={host} query={query} />

      {!inv ? (
        <EmptyState title={query.isFetching ? 'Reading the host…' : 'No data from this host yet'} />
      ) : !info ? (
        <EmptyState title={`There is no volume group ${vg} on ${host.name}`}>
          <Link href="/vgs" className={`rounded font-medium text-cow-700 hover:underline ${focusRing}`}>
            All volume groups
          </Link>
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="vg-capacity" className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 id="vg-capacity" className="sr-only">
              Capacity
            </h2>
            <CapacityBar label={`Capacity of ${vg}`} usedBytes={info.sizeBytes - info.freeBytes} totalBytes={info.sizeBytes} />
            <dl className="mt-4 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-5">
              {[
                ['Size', formatBytes(info.sizeBytes)],
                ['Free', formatBytes(info.freeBytes)],
                ['Extent size', formatBytes(info.extentSizeBytes)],
                ['Physical volumes', String(info.pvCount)],
                ['Snapshots', String(snapshots)],
              ].map(([k, v]) => (
                <div key={k}>
                  <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{k}</dt>
                  <dd className="font-medium tabular-nums text-slate-900">{v}</dd>
                </div>
              ))}
            </dl>
          </section>

          <section aria-labelledby="vg-lvs" className="space-y-3">
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h2 id="vg-lvs" className="text-lg font-semibold text-slate-900">
                Logical volumes <span className="text-sm font-normal text-slate-500">({lvs.length})</span>
              </h2>
              <label className="flex items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  checked={showInternal}
                  onChange={(e) => setShowInternal(e.target.checked)}
                  className={`size-4 rounded border-slate-300 accent-cow-700 ${focusRing}`}
                />
                show internal volumes{hiddenCount ? ` (${hiddenCount})` : ''}
              </label>
            </div>
            {lvs.length === 0 ? (
              <EmptyState title={`No logical volumes in ${vg}`} />
            ) : (
              <TableFrame caption={`Logical volumes in ${vg}`} scrollRef={scrollRef} maxHeight="calc(100vh - 12rem)">
                <thead>
                  <tr>
                    <th scope="col" className={thClass}>Name</th>
                    <th scope="col" className={thClass}>Kind</th>
                    <th scope="col" className={`${thClass} text-right`}>Size</th>
                    <th scope="col" className={thClass}>Origin / pool</th>
                    <th scope="col" className={thClass}>COW fill / usage</th>
                    <th scope="col" className={thClass}>Used by</th>
                    <th scope="col" className={thClass}>Created</th>
                    <th scope="col" className={`${thClass} text-right`}>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {virtual.paddingTop > 0 && (
                    <tr aria-hidden="true">
                      <td colSpan={8} style={{ height: virtual.paddingTop }} />
                    </tr>
                  )}
                  {virtual.items.map(({ index, key }) => {
                    const lv = lvs[index];
                    return lv ? (
                      <LvRow
                        key={key}
                        index={index}
                        hostId={host.id}
                        lv={lv}
                        guests={guests.get(lvKey(lv.vg, lv.name))}
                        stale={!inv.reachable}
                        measure={virtual.measureElement}
                      />
                    ) : null;
                  })}
                  {virtual.paddingBottom > 0 && (
                    <tr aria-hidden="true">
                      <td colSpan={8} style={{ height: virtual.paddingBottom }} />
                    </tr>
                  )}
                </tbody>
              </TableFrame>
            )}
          </section>
        </>
      )}
    </div>
  );
}

const LvRow = memo(function LvRow({
  hostId,
  lv,
  guests,
  stale,
  index,
  measure,
}: {
  hostId: string;
  lv: InventoryLv;
  guests: string[] | undefined;
  stale: boolean;
  index: number;
  measure: (el: Element | null) => void;
}) {
  const name = `${lv.vg}/${lv.name}`;
  return (
    <tr ref={measure} data-index={index} className={`hover:bg-slate-50/70 ${stale ? 'opacity-70' : ''} ${lv.hidden ? 'bg-slate-50/60' : ''}`}>
      <td className={`${cell} font-mono font-medium text-slate-900`}>
        {isSnapshot(lv) && !lv.hidden ? (
          <Link href={hrefs.snapshot(hostId, lv.vg, lv.name)} prefetch={false} className={`rounded text-cow-700 hover:underline ${focusRing}`}>
            {lv.name}
          </Link>
        ) : lv.hidden ? (
          `[${lv.name}]`
        ) : (
          lv.name
        )}
      </td>
      <td className={cell}>
        <div className="flex flex-wrap gap-1">
          <KindBadge kind={lv.kind} />
          <LvFlags lv={lv} />
        </div>
      </td>
      <td className={`${cell} whitespace-nowrap text-right tabular-nums`}>{formatBytes(lv.sizeBytes)}</td>
      <td className={`${cell} font-mono text-xs`}>
        {lv.origin ?? (lv.pool ? <span title="thin pool">{lv.pool}</span> : <span className="text-slate-400">—</span>)}
      </td>
      <td className={cell}>
        {lv.kind === 'snapshot' ? (
          <CowBar compact vg={lv.vg} snapshot={lv.name} percent={lv.cowPercent} invalid={lv.invalid} active={lv.active} merging={lv.merging} />
        ) : (lv.kind === 'thin-pool' || lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot') && lv.dataPercent !== null ? (
          <PercentBar label={`Data usage of ${name}`} percent={lv.dataPercent} />
        ) : (
          <span className="text-xs text-slate-400">—</span>
        )}
      </td>
      <td className={`${cell} text-xs`}>{guests?.length ? guests.join(', ') : <span className="text-slate-400">—</span>}</td>
      <td className={`${cell} whitespace-nowrap text-xs tabular-nums text-slate-600`}>
        {formatUtc(lv.createdAt)}
      </td>
      <td className={`${cell} text-right`}>
        {isSnapshot(lv) ? (
          <SnapshotActions hostId={hostId} lv={lv} />
        ) : canBeSnapshotted(lv) ? (
          <div className="flex justify-end gap-2">
            <ButtonLink size="sm" href={hrefs.createSnapshot(hostId, lv.vg, lv.name)} aria-label={`Create snapshot of ${name}`}>
              Snapshot
            </ButtonLink>
            {/* issue 11 */}
            <ButtonLink size="sm" href={hrefs.backup(hostId, lv.vg, lv.name)} aria-label={`Back up ${name} now`}>
              Back up
            </ButtonLink>
          </div>
        ) : null}
      </td>
    </tr>
  );
});
