'use client';

import { policyIdOf, PROTECTED_TAG } from '@/lib/policies/tags';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { Sparkline } from '@/components/ui/sparkline';
import { CowBar } from '@/components/ui/cow-bar';
import { EmptyState } from '@/components/ui/empty-state';
import { formatBytes, formatDateTime, formatHours, formatPercent, formatRate } from '@/lib/format';
import { useHostInventory, type HostRef } from '@/lib/inventory/client';
import { hoursToFull, snapshotRows } from '@/components/inventory/derive';
import { SnapshotActions } from '@/components/inventory/snapshot-actions';

export interface SnapshotDetailProps {
  host: HostRef;
  vg: string;
  lv: string;
  pollMs: number;
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}

/** What `lvdisplay` tells about one snapshot, in its terms, with the fill history, its guests and its actions. */
export function SnapshotDetail({ host, vg, lv, pollMs }: SnapshotDetailProps) {
  const q = useHostInventory(host.id, pollMs);
  const inv = q.data?.inventory;
  const row = inv ? snapshotRows(host, inv).find((r) => r.lv.vg === vg && r.lv.name === lv) : undefined;
  if (!row) {
    return <EmptyState title={q.isFetching && !inv ? 'Reading the host…' : `No snapshot ${vg}/${lv} on ${host.name}`}>{null}</EmptyState>;
  }
  const l = row.lv;
  const status = l.invalid ? 'INVALID' : l.mergeFailed ? 'merge failed' : l.merging ? 'merging' : l.active ? 'active' : 'inactive';
  const ttf = hoursToFull(row);
  const samples = row.trend?.samples ?? [];
  return (
    <div className="space-y-4">
      <Card id="snapshot-facts" title="Snapshot" actions={<SnapshotActions hostId={host.id} lv={l} />}>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Fact label="LV Path">
            <span className="font-mono">{l.path ?? `/dev/${l.vg}/${l.name}`}</span>
          </Fact>
          <Fact label="LV snapshot status">
            <Badge tone={l.invalid ? 'red' : l.merging ? 'amber' : l.active ? 'green' : 'slate'} strong={l.invalid}>
              {status}
            </Badge>{' '}
            {l.kind === 'thin-snapshot' && <Badge tone="violet">thin</Badge>}
          </Fact>
          <Fact label="Origin">
            <span className="font-mono">{l.origin ? `${l.vg}/${l.origin}` : '—'}</span>
          </Fact>
          <Fact label="LV Creation time">{l.createdAt ? formatDateTime(l.createdAt) : '—'}</Fact>
          <Fact label={l.kind === 'snapshot' ? 'COW-table size' : 'Virtual size'}>{formatBytes(l.sizeBytes)}</Fact>
          <Fact label={l.kind === 'snapshot' ? 'Allocated to snapshot' : 'Pool data used'}>
            {l.kind === 'snapshot' ? formatPercent(l.cowPercent) : formatPercent(row.poolPercent, 1)}
          </Fact>
          {l.kind === 'snapshot' && <Fact label="Snapshot chunk size">{l.chunkSizeBytes ? formatBytes(l.chunkSizeBytes) : '—'}</Fact>}
          <Fact label="Policy and protection">
            {policyIdOf(l.tags) === null && !l.tags.includes(PROTECTED_TAG) && 'manual, not protected'}
            {policyIdOf(l.tags) !== null && (
              <Link href={`/policies/${policyIdOf(l.tags)}`} className="text-cow-700 hover:underline">
                made by policy #{policyIdOf(l.tags)}
              </Link>
            )}
            {l.tags.includes(PROTECTED_TAG) && (
              <>
                {' '}
                <Badge tone="blue">protected</Badge>
              </>
            )}
          </Fact>
          <Fact label="Guests using the origin">{row.guests.length ? row.guests.join(', ') : 'none'}</Fact>
        </dl>
      </Card>
      {l.kind === 'snapshot' && (
        <Card id="fill-history" title="Fill history" description="COW fill over the last 2 hours, the rate and when it is full at that rate.">
          <div className="flex flex-wrap items-center gap-6">
            <div className="w-64">
              <CowBar vg={l.vg} snapshot={l.name} percent={l.cowPercent} invalid={l.invalid} active={l.active} merging={l.merging} />
            </div>
            {samples.length >= 2 ? (
              <Sparkline width={320} height={64} samples={samples} label={`COW fill of ${vg}/${lv} over the last 2 h`} />
            ) : (
              <span className="text-sm text-slate-500">Not enough samples yet for a chart.</span>
            )}
            <dl className="flex gap-6">
              <Fact label="Rate">{typeof row.trend?.ratePerHour === 'number' ? formatRate(row.trend.ratePerHour) : '—'}</Fact>
              <Fact label="Full in">{ttf === null ? '—' : formatHours(ttf)}</Fact>
            </dl>
          </div>
        </Card>
      )}
    </div>
  );
}
