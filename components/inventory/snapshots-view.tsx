'use client';

import { memo, useDeferredValue, useMemo, useRef, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { focusRing } from '@/components/ui/button-link';
import { CowBar, fillTone } from '@/components/ui/cow-bar';
import { EmptyState } from '@/components/ui/empty-state';
import { Sparkline } from '@/components/ui/sparkline';
import { SortableHeader, TableFrame, tdDenseClass, thDenseClass, type SortDirection } from '@/components/ui/table';
import { useNow } from '@/components/ui/use-now';
import { useVirtualRows } from '@/components/ui/virtual-rows';
import { formatAge, formatBytes, formatDateTime, formatHours, formatPercent, formatRate } from '@/lib/format';
import { useHostInventories, type HostRef } from '@/lib/inventory/client';
import Link from 'next/link';
import { ruleThreshold, trendNotReliable } from '@/lib/alerts/rules';
import type { AlertRule } from '@/lib/alerts/types';
import { hrefs } from '@/lib/hrefs';
import { policyIdOf, PROTECTED_TAG } from '@/lib/policies/tags';
import { fillSortValue, hoursToFull, snapshotRows, TIME_TO_FULL_PROMINENT_HOURS, type SnapshotRow } from './derive';
import { HostStatusList } from './host-status-list';
import { SnapshotActions } from './snapshot-actions';

type SortKey = 'host' | 'name' | 'age' | 'size' | 'fill' | 'rate' | 'ttf';

const FIRST_DIRECTION: Record<SortKey, SortDirection> = {
  host: 'ascending',
  name: 'ascending',
  age: 'descending',
  size: 'descending',
  fill: 'descending',
  rate: 'descending',
  ttf: 'ascending',
};

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compare(key: SortKey, a: SnapshotRow, b: SnapshotRow): number {
  switch (key) {
    case 'host':
      return byText(a.host.name, b.host.name);
    case 'name':
      return byText(`${a.lv.vg}/${a.lv.name}`, `${b.lv.vg}/${b.lv.name}`);
    case 'age':
      // Older first when descending: compare creation times reversed.
      return byText(b.lv.createdAt ?? '', a.lv.createdAt ?? '');
    case 'size':
      return a.lv.sizeBytes - b.lv.sizeBytes;
    case 'fill':
      return fillSortValue(a) - fillSortValue(b);
    case 'rate':
      return (a.trend?.ratePerHour ?? -Infinity) - (b.trend?.ratePerHour ?? -Infinity);
    case 'ttf':
      return (hoursToFull(a) ?? Infinity) - (hoursToFull(b) ?? Infinity);
  }
}

function matches(row: SnapshotRow, q: string): boolean {
  if (!q) return true;
  const hay = `${row.host.name} ${row.host.id} ${row.lv.vg}/${row.lv.name} ${row.lv.origin ?? ''} ${row.guests.join(' ')}`.toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((w) => hay.includes(w));
}

export interface SnapshotsViewProps {
  hosts: HostRef[];
  pollMs: number;
  /** The stored alert rules: "Full in" is red under 24 h, or under the time-to-full rule's hours. */
  rules?: readonly AlertRule[];
}

/** Every snapshot of every host in one sortable, filterable table that stays live. */
export function SnapshotsView({ hosts, pollMs, rules = [] }: SnapshotsViewProps) {
  const prominentHours = Math.max(TIME_TO_FULL_PROMINENT_HOURS, ruleThreshold(rules, 'time-to-full') ?? 0);
  const entries = useHostInventories(hosts, pollMs);
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDirection }>({ key: 'fill', dir: 'descending' });
  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);

  // Cheap (a flatMap over at most a few thousand LVs); it runs when a host's data or the filter/sort changes.
  const all = entries.flatMap((e) => (e.query.data?.inventory ? snapshotRows(e.host, e.query.data.inventory) : []));
  const rows = useMemo(() => {
    const filtered = all.filter((r) => matches(r, deferredFilter.trim()));
    const sign = sort.dir === 'ascending' ? 1 : -1;
    return filtered.sort((a, b) => sign * compare(sort.key, a, b) || byText(a.key, b.key));
  }, [all, deferredFilter, sort]);

  // Ages are shown in minutes; before hydration they are relative to the collection time, so both renders agree.
  const now = useNow(30_000);
  const fallbackNow = Date.parse(entries.find((e) => e.query.data?.inventory)?.query.data?.inventory?.collectedAt ?? '') || 0;

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualRows(rows.length, scrollRef, 53, (i) => rows[i]?.key ?? i);

  const header = (key: SortKey, label: string, align: 'left' | 'right' = 'left') => (
    <SortableHeader
      dense
      label={label}
      align={align}
      direction={sort.key === key ? sort.dir : null}
      onSort={() =>
        setSort((s) =>
          s.key === key ? { key, dir: s.dir === 'ascending' ? 'descending' : 'ascending' } : { key, dir: FIRST_DIRECTION[key] },
        )
      }
    />
  );

  const loading = entries.every((e) => !e.query.data && e.query.isFetching);
  // With one host the host column says the same thing on every row.
  const multiHost = hosts.length > 1;
  const columns = multiHost ? 12 : 11;

  return (
    <div className="space-y-4">
      <HostStatusList entries={entries} />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <span>Filter</span>
          <input
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="name, origin, guest, host"
            className={`w-64 rounded-md border-0 px-2.5 py-1.5 text-sm shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 ${focusRing}`}
          />
        </label>
        <p className="text-sm text-slate-600" aria-live="polite">
          {rows.length === all.length ? `${all.length} snapshots` : `${rows.length} of ${all.length} snapshots`}
        </p>
      </div>
      {rows.length === 0 ? (
        <EmptyState title={loading ? 'Reading the hosts…' : all.length ? 'No snapshot matches the filter' : 'No snapshots yet'}>
          {!loading && !all.length && 'Snapshots of your guests\u2019 disks will be listed here, with how full they are.'}
        </EmptyState>
      ) : (
        <TableFrame caption="Snapshots" scrollRef={scrollRef} maxHeight="calc(100vh - 14rem)">
          <thead>
            <tr>
              {multiHost && header('host', 'Host')}
              <th scope="col" className={thDenseClass}>
                VG
              </th>
              {header('name', 'Snapshot')}
              <th scope="col" className={thDenseClass}>
                Origin
              </th>
              <th scope="col" className={thDenseClass}>
                Guests
              </th>
              {header('age', 'Age')}
              {header('size', 'Size', 'right')}
              {header('fill', 'Fill')}
              {header('rate', 'Rate', 'right')}
              {header('ttf', 'Full in')}
              <th scope="col" className={thDenseClass}>
                Last 2 h
              </th>
              <th scope="col" className={`${thDenseClass} text-right`}>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {virtual.paddingTop > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns} style={{ height: virtual.paddingTop }} />
              </tr>
            )}
            {virtual.items.map(({ index, key }) => {
              const row = rows[index];
              return row ? (
                <SnapshotTableRow
                  key={key}
                  index={index}
                  row={row}
                  now={now ?? fallbackNow}
                  showHost={multiHost}
                  prominentHours={prominentHours}
                  measure={virtual.measureElement}
                />
              ) : null;
            })}
            {virtual.paddingBottom > 0 && (
              <tr aria-hidden="true">
                <td colSpan={columns} style={{ height: virtual.paddingBottom }} />
              </tr>
            )}
          </tbody>
        </TableFrame>
      )}
    </div>
  );
}

const cell = `${tdDenseClass} border-b border-slate-100`;

const SnapshotTableRow = memo(function SnapshotTableRow({
  row,
  index,
  now,
  showHost,
  prominentHours,
  measure,
}: {
  row: SnapshotRow;
  index: number;
  now: number;
  showHost: boolean;
  /** "Full in" below this many hours is shown prominently. */
  prominentHours: number;
  measure: (el: Element | null) => void;
}) {
  const { lv, host, trend } = row;
  const name = `${lv.vg}/${lv.name}`;
  const ttf = hoursToFull(row);
  const samples = trend?.samples ?? [];
  const last = samples[samples.length - 1];
  const first = samples[0];
  return (
    <tr ref={measure} data-index={index} className={`hover:bg-slate-50/70 ${row.stale ? 'opacity-70' : ''}`}>
      {showHost && <td className={`${cell} whitespace-nowrap text-xs text-slate-600`}>{host.name}</td>}
      <td className={`${cell} font-mono text-xs`}>
        <Link href={hrefs.vg(host.id, lv.vg)} prefetch={false} className={`rounded text-cow-700 hover:underline ${focusRing}`}>
          {lv.vg}
        </Link>
      </td>
      <td className={cell}>
        <div className="flex flex-wrap items-center gap-1.5">
          <Link href={hrefs.snapshot(host.id, lv.vg, lv.name)} prefetch={false} className={`rounded font-mono font-medium text-cow-700 hover:underline ${focusRing}`}>
            {lv.name}
          </Link>
          {lv.kind === 'thin-snapshot' && <Badge tone="violet">thin</Badge>}
          {lv.tags.includes(PROTECTED_TAG) && (
            <Badge tone="blue" title="Tagged cowherd-protected: no policy prunes or expires it">
              protected
            </Badge>
          )}
          {policyIdOf(lv.tags) !== null && (
            <Link href={`/policies/${policyIdOf(lv.tags)}`} prefetch={false} className={`rounded ${focusRing}`} title="Made by a snapshot policy (pruned by its retention)">
              <Badge tone="slate">policy #{policyIdOf(lv.tags)}</Badge>
            </Link>
          )}
          {lv.mergeFailed ? (
            <Badge tone="red" strong>
              merge failed
            </Badge>
          ) : (
            lv.merging && <Badge tone="amber">merging</Badge>
          )}
        </div>
      </td>
      <td className={`${cell} font-mono text-xs`}>{lv.origin ?? '—'}</td>
      <td className={`${cell} text-xs`}>{row.guests.length ? row.guests.join(', ') : <span className="text-slate-400">—</span>}</td>
      <td className={`${cell} whitespace-nowrap text-xs tabular-nums`} title={lv.createdAt ? `created ${formatDateTime(lv.createdAt)}` : undefined}>
        {formatAge(lv.createdAt, now)}
      </td>
      <td className={`${cell} whitespace-nowrap text-right text-xs tabular-nums`}>{formatBytes(lv.sizeBytes)}</td>
      <td className={cell}>
        {lv.kind === 'snapshot' ? (
          <CowBar compact vg={lv.vg} snapshot={lv.name} percent={lv.cowPercent} invalid={lv.invalid} active={lv.active} merging={lv.merging} />
        ) : (
          <span
            className={`whitespace-nowrap text-xs ${lv.active ? 'text-slate-600' : 'italic text-slate-500'}`}
            title={`A thin snapshot uses the space of its thin pool${lv.pool ? ` ${lv.vg}/${lv.pool}` : ''}`}
          >
            {lv.active ? `pool ${formatPercent(row.poolPercent, 1)} used` : 'inactive'}
          </span>
        )}
      </td>
      <td className={`${cell} whitespace-nowrap text-right text-xs tabular-nums`}>
        {lv.merging ? (
          <span className="text-xs text-slate-500" title="A merging snapshot empties into its origin; it does not fill">
            merging
          </span>
        ) : typeof trend?.ratePerHour === 'number' ? (
          formatRate(trend.ratePerHour)
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className={`${cell} whitespace-nowrap`}>
        {ttf === null ? (
          trendNotReliable(lv, trend) ? (
            <span
              className="inline-block max-w-[6.5rem] whitespace-normal text-xs italic leading-tight text-slate-500"
              title="Time to full needs at least 3 samples over a minute since the snapshot was created or extended"
            >
              trend not yet reliable
            </span>
          ) : (
            <span className="text-xs text-slate-400">—</span>
          )
        ) : ttf < prominentHours ? (
          <Badge tone="red" strong title={`At the current rate ${name} is full in ${formatHours(ttf)}`}>
            {formatHours(ttf)}
          </Badge>
        ) : (
          <span className="text-xs tabular-nums text-slate-600">{formatHours(ttf)}</span>
        )}
      </td>
      <td className={cell}>
        {lv.kind === 'snapshot' && samples.length >= 2 && first && last ? (
          <Sparkline
            width={88}
            samples={samples}
            label={`COW fill of ${name} over the last 2 h: from ${formatPercent(first[1])} to ${formatPercent(last[1])}`}
            // A merge empties the snapshot: its history is not a fill to colour by fill.
            stroke={lv.merging ? '#0ea5e9' : fillTone(last[1]) === 'red' ? '#dc2626' : fillTone(last[1]) === 'amber' ? '#d97706' : '#059669'}
          />
        ) : (
          <span className="text-xs text-slate-400">—</span>
        )}
      </td>
      <td className={`${cell} text-right`}>
        <SnapshotActions hostId={host.id} lv={lv} />
      </td>
    </tr>
  );
});
