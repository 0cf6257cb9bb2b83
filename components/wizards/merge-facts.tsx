'use client';

import { Badge, type Tone } from '@/components/ui/badge';
import { CowBar } from '@/components/ui/cow-bar';
import { useNow } from '@/components/ui/use-now';
import { formatAge } from '@/lib/format';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { formatBytes } from '@/lib/format';
import { card, dd, dl, dt } from './styles';

const STATE_TONE: Partial<Record<InventoryDomain['state'], Tone>> = {
  running: 'green',
  'shut off': 'slate',
  paused: 'amber',
  'in shutdown': 'amber',
  crashed: 'red',
};

/** "2025-03-04 10:20 UTC" (the same on the server and in the browser). */
export function createdUtc(lv: InventoryLv): string | null {
  return lv.createdAt ? `${lv.createdAt.slice(0, 16).replace('T', ' ')} UTC` : null;
}

/** "5 min ago", or null before hydration / when lvm2 gives no creation time. */
export function useSnapshotAge(lv: InventoryLv): string | null {
  const now = useNow(60_000);
  if (now === null || !lv.createdAt) return null;
  const age = formatAge(lv.createdAt, now);
  return age === '—' ? null : `${age} ago`;
}

/**
 * What a rollback works on, in plain words: the snapshot, its origin and the guests whose disks use the origin
 * (with their state), and what the rollback costs.
 */
export function MergeFacts({
  snap,
  origin,
  guests,
  pending,
}: {
  snap: InventoryLv;
  origin: InventoryLv | undefined;
  guests: InventoryDomain[];
  /** The merge was started already (lvconvert --merge ran): the loss is decided, only its completion is left. */
  pending: boolean;
}) {
  const age = useSnapshotAge(snap);
  const when = [createdUtc(snap), age].filter(Boolean).join(', ');
  const originName = `${snap.vg}/${snap.origin ?? '?'}`;
  return (
    <section aria-label="What the rollback works on" className={`${card} space-y-4`}>
      <dl className={dl}>
        <dt className={dt}>Snapshot</dt>
        <dd className={dd}>
          <span className="font-mono">
            {snap.vg}/{snap.name}
          </span>{' '}
          — {snap.kind === 'thin-snapshot' ? `thin snapshot in pool ${snap.vg}/${snap.pool ?? '?'}` : `classic (COW) snapshot, ${formatBytes(snap.sizeBytes)}`}
          {snap.merging ? (
            <>
              {' '}
              <Badge tone="amber">merging</Badge>
            </>
          ) : null}
        </dd>
        <dt className={dt}>Taken</dt>
        <dd className={dd}>{when || 'unknown (lvm2 gives no creation time)'}</dd>
        {snap.kind === 'snapshot' ? (
          <>
            <dt className={dt}>{snap.merging ? 'Left to merge' : 'COW fill'}</dt>
            <dd className={dd}>
              <CowBar vg={snap.vg} snapshot={snap.name} percent={snap.cowPercent} invalid={snap.invalid} active={snap.active} merging={snap.merging} />
            </dd>
          </>
        ) : null}
        <dt className={dt}>Origin</dt>
        <dd className={dd}>
          <span className="font-mono">{originName}</span>
          {origin ? ` — ${formatBytes(origin.sizeBytes)}, ${origin.open ? 'open (in use)' : 'not open'}` : ' — not listed by lvs'}
        </dd>
        <dt className={dt}>Guests using the origin</dt>
        <dd className={dd}>
          {guests.length ? (
            <ul aria-label="Guests using the origin" className="flex flex-wrap gap-2">
              {guests.map((g) => (
                <li key={g.name} className="flex items-center gap-1.5">
                  <span className="font-medium">{g.name}</span>
                  <Badge tone={STATE_TONE[g.state] ?? 'slate'}>{g.state}</Badge>
                </li>
              ))}
            </ul>
          ) : (
            'none (no guest known to libvirt has it as a disk)'
          )}
        </dd>
      </dl>
      <div role="note" aria-label="Consequence" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200">
        <p className="font-semibold">
          Everything written to {originName} since {snap.name} was taken{when ? ` (${when})` : ''}{' '}
          {pending ? 'is lost when the merge completes' : 'is lost'}.
        </p>
        <p className="mt-1">
          The snapshot disappears when the merge ends.
          {pending
            ? ' The merge has been started and cannot be called off: lvm2 has no way to cancel it.'
            : ' A merge cannot be cancelled once it has started.'}
        </p>
      </div>
    </section>
  );
}
