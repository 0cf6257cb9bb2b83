import Link from 'next/link';
import { CapacityBar } from '@/components/ui/capacity-bar';
import { focusRing } from '@/components/ui/button-link';
import { CowBar } from '@/components/ui/cow-bar';
import { PercentBar } from '@/components/ui/percent-bar';
import { formatBytes } from '@/lib/format';
import type { InventoryLv, InventoryVg } from '@/lib/inventory/types';
import { KindBadge } from './badges';
import { hrefs } from '@/lib/hrefs';
import { isSnapshot } from '@/lib/lvm/model';

const FIRST = 12;

function byAttention(a: InventoryLv, b: InventoryLv): number {
  const score = (lv: InventoryLv) => (lv.invalid ? 101 : isSnapshot(lv) ? (lv.cowPercent ?? 0) : -1);
  return score(b) - score(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export interface VgSummaryProps {
  hostId: string;
  vg: InventoryVg;
  /** This VG's LVs (hidden ones are left out here). */
  lvs: InventoryLv[];
}

/** A volume group at a glance: capacity, its LVs with their kinds, how many snapshots. */
export function VgSummary({ hostId, vg, lvs }: VgSummaryProps) {
  const visible = lvs.filter((lv) => !lv.hidden);
  const snapshots = visible.filter(isSnapshot).length;
  const volumes = visible.length - snapshots;
  // A long VG shows what needs looking at first: its snapshots, fullest first, then the rest by name.
  const listed = visible.length <= FIRST ? visible : [...visible].sort(byAttention).slice(0, FIRST);
  const headingId = `vg-${hostId}-${vg.name}`;
  return (
    <article aria-labelledby={headingId} className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex items-baseline justify-between gap-2">
        <h3 id={headingId} className="font-mono text-base font-semibold">
          <Link href={hrefs.vg(hostId, vg.name)} className={`rounded text-cow-700 hover:underline ${focusRing}`}>
            {vg.name}
          </Link>
        </h3>
        <p className="text-xs text-slate-500">
          {volumes} {volumes === 1 ? 'volume' : 'volumes'} ·{' '}
          <span className={snapshots ? 'font-medium text-slate-700' : ''}>
            {snapshots} {snapshots === 1 ? 'snapshot' : 'snapshots'}
          </span>
        </p>
      </div>
      <CapacityBar className="mt-2" label={`Capacity of ${vg.name}`} usedBytes={vg.sizeBytes - vg.freeBytes} totalBytes={vg.sizeBytes} />
      {visible.length > 0 && (
        <ul aria-label={`Logical volumes in ${vg.name}`} className="mt-3 divide-y divide-slate-100 border-t border-slate-100">
          {listed.map((lv) => (
            <li key={lv.uuid} className="flex min-h-9 flex-wrap items-center gap-x-2 gap-y-1 py-1.5 text-sm">
              <span className="font-mono text-slate-900">{lv.name}</span>
              <KindBadge kind={lv.kind} />
              {lv.kind === 'snapshot' ? (
                <CowBar compact className="ml-auto" vg={lv.vg} snapshot={lv.name} percent={lv.cowPercent} invalid={lv.invalid} active={lv.active} merging={lv.merging} />
              ) : lv.kind === 'thin-pool' && lv.dataPercent !== null ? (
                <PercentBar className="ml-auto" label={`Data usage of ${lv.vg}/${lv.name}`} percent={lv.dataPercent} />
              ) : (
                <span className="ml-auto text-xs tabular-nums text-slate-500">{formatBytes(lv.sizeBytes)}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {visible.length > FIRST && (
        <p className="mt-2 text-xs">
          <Link href={hrefs.vg(hostId, vg.name)} className={`rounded font-medium text-cow-700 hover:underline ${focusRing}`}>
            and {visible.length - FIRST} more in {vg.name} →
          </Link>
        </p>
      )}
    </article>
  );
}
