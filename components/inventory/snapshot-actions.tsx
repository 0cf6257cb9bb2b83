import { ProtectButton } from '@/components/policies/protect-button';
import { ButtonLink } from '@/components/ui/button-link';
import { PROTECTED_TAG } from '@/lib/policies/tags';
import type { InventoryLv } from '@/lib/inventory/types';
import { hrefs } from '@/lib/hrefs';

export interface SnapshotActionsProps {
  hostId: string;
  lv: InventoryLv;
}

/**
 * Links to the wizards that act on a snapshot. Extending applies to classic snapshots only (a thin snapshot has
 * no COW area of its own); nothing but removal makes sense for an invalid one, and a merging one only has its merge.
 */
export function SnapshotActions({ hostId, lv }: SnapshotActionsProps) {
  const name = `${lv.vg}/${lv.name}`;
  if (lv.merging && !lv.mergeFailed) {
    return (
      <div className="flex justify-end gap-1">
        <ButtonLink size="sm" href={hrefs.merge(hostId, lv.vg, lv.name)} aria-label={`Merge status of ${name}`}>
          Merge status
        </ButtonLink>
      </div>
    );
  }
  return (
    <div className="flex justify-end gap-1">
      {lv.kind === 'snapshot' && !lv.invalid && (
        <ButtonLink size="sm" href={hrefs.extend(hostId, lv.vg, lv.name)} aria-label={`Extend ${name}`}>
          Extend
        </ButtonLink>
      )}
      {!lv.invalid && (
        <>
          {/* Protection from policies' pruning: a tag, set by an ordinary job (protect-snapshot). */}
          <ProtectButton host={hostId} vg={lv.vg} lv={lv.name} isProtected={lv.tags.includes(PROTECTED_TAG)} />
          <ButtonLink size="sm" href={hrefs.export(hostId, lv.vg, lv.name)} aria-label={`Export ${name}`}>
            Export
          </ButtonLink>
          <ButtonLink size="sm" href={hrefs.merge(hostId, lv.vg, lv.name)} aria-label={`Roll back to ${name}`} title="Merge the snapshot back into its origin">
            Roll back
          </ButtonLink>
        </>
      )}
      <ButtonLink size="sm" variant="danger" href={hrefs.remove(hostId, lv.vg, lv.name)} aria-label={`Remove ${name}`}>
        Remove
      </ButtonLink>
    </div>
  );
}
