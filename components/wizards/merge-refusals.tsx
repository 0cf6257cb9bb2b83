import Link from 'next/link';
import { hrefs } from '@/lib/hrefs';
import type { InventoryLv } from '@/lib/inventory/types';
import { formatBytes } from '@/lib/format';
import { alertBox, codeBlock } from './styles';

const link = 'font-medium underline';

/** An invalid snapshot lost its data when its COW area filled up: there is nothing to roll back to. */
export function InvalidSnapshotRefusal({ host, snap }: { host: string; snap: InventoryLv }) {
  const target = `${snap.vg}/${snap.name}`;
  return (
    <div role="alert" className={`${alertBox} space-y-2`}>
      <p className="font-semibold">{target} is invalid: it cannot be rolled back.</p>
      <p>
        Its COW area ({formatBytes(snap.sizeBytes)}) filled up, so lvm2 stopped keeping the snapshot&apos;s data: the state
        of {snap.vg}/{snap.origin ?? 'its origin'} it recorded is lost for good, and lvm2 refuses to merge it. The origin
        itself is not affected and keeps its current data.
      </p>
      <p>An invalid snapshot can only be removed, which returns its space to {snap.vg}.</p>
      <p className="flex flex-wrap gap-4">
        <Link href={hrefs.remove(host, snap.vg, snap.name)} className={link}>
          Remove {target}
        </Link>
        <Link href="/snapshots" className={link}>
          Back to the snapshots
        </Link>
      </p>
    </div>
  );
}

/**
 * lvm2 marked the merge as failed (attr[4] m/M): the origin is half rolled back. Cowherd's plans refuse to touch
 * it (lib/ops/merge.ts "No failed merge"), so this says what an administrator does on the host.
 */
export function MergeFailedRefusal({ host, snap }: { host: string; snap: InventoryLv }) {
  const target = `${snap.vg}/${snap.name}`;
  const origin = `${snap.vg}/${snap.origin ?? '?'}`;
  return (
    <div role="alert" className={`${alertBox} space-y-3`}>
      <p className="font-semibold">
        The merge of {target} into {origin} failed.
      </p>
      <p>
        lvm2 reports the merge as failed (attribute <span className="font-mono">{snap.attr}</span>). {origin} is partly
        rolled back: it holds neither its old data nor the snapshot&apos;s. Cowherd will not merge, complete or remove
        this snapshot; it still holds the data the merge needs.
      </p>
      <div>
        <p className="font-medium">What to do, on host {host}:</p>
        <ol className="mt-1 list-decimal space-y-1 pl-5">
          <li>Keep the guests that use {origin} shut off, and do not write to it.</li>
          <li>
            Read the kernel log for the reason (an I/O error, a full or failing disk under {snap.vg}) and fix it first.
          </li>
          <li>
            Then retry the merge on the host and check that the snapshot is gone from <span className="font-mono">lvs -a</span>.
          </li>
          <li>If the cause is unclear, ask for help before anything else writes to the volume group.</li>
        </ol>
        <pre className={`mt-2 ${codeBlock}`}>
          {[
            'dmesg | grep -i -e device-mapper -e snapshot -e "I/O error"',
            `pvs; lvs -a -o +lv_merge_failed,lv_snapshot_invalid ${snap.vg}`,
            `lvconvert --merge ${target}`,
            `lvs -a ${snap.vg}`,
          ].join('\n')}
        </pre>
      </div>
      <p>
        <Link href="/snapshots" className={link}>
          Back to the snapshots
        </Link>
      </p>
    </div>
  );
}
