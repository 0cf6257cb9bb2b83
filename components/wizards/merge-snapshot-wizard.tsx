'use client';

import type { HostInventoryResponse } from '@/lib/inventory/view';
import type { InventoryDomain } from '@/lib/inventory/types';
import { findLvIn } from '@/lib/lvm/model';
import { NotApplicable } from './host-unavailable';
import { MergeComplete } from './merge-complete';
import { MergeFacts } from './merge-facts';
import { InvalidSnapshotRefusal, MergeFailedRefusal } from './merge-refusals';
import { MergeRollback } from './merge-rollback';
import { pickLv } from './pick-lv';
import { StaleNote } from './stale-note';
import { useHostInventory } from './use-host-inventory';
import { useWizard } from './use-wizard';
import { WizardShell } from './wizard-shell';

const ROLLBACK_STEPS = ['Choose', 'Review', 'Run'] as const;
const COMPLETE_STEPS = ['Check', 'Review', 'Run'] as const;

/** A guest holds its disks open unless it is shut off (the server's plan uses the same rule). */
const holdsDisks = (d: InventoryDomain) => d.state !== 'shut off' && d.state !== 'crashed';

/**
 * Roll an origin back to a snapshot (lvconvert --merge), or complete a merge lvm2 deferred. Which of the two, and
 * which paths, follows from what the host shows: the snapshot's state (invalid, merge failed, merging) and the
 * guests whose disks use the origin. The server plans again from a fresh read whatever the page offered.
 */
export function MergeSnapshotWizard({
  host,
  initial,
  vg: vgName,
  snapshot: snapName,
}: {
  host: string;
  initial: HostInventoryResponse;
  vg: string;
  snapshot: string;
}) {
  const { data: inv } = useHostInventory(host, initial);
  const wizard = useWizard(host);

  const { lv: snap, stale } = pickLv(inv, initial, vgName, snapName);
  const target = `${vgName}/${snapName}`;
  const completing = !!snap?.merging && !snap.mergeFailed;
  const shell = (children: React.ReactNode) => (
    <WizardShell
      title={completing ? 'Complete a pending rollback' : 'Roll back to a snapshot'}
      host={host}
      target={target}
      step={wizard.step}
      steps={completing ? COMPLETE_STEPS : ROLLBACK_STEPS}
    >
      {children}
    </WizardShell>
  );

  if (!snap) {
    return shell(
      <NotApplicable title={`${target} does not exist on ${host}`}>
        lvs does not list it (any more). A snapshot whose merge has finished disappears by itself.
      </NotApplicable>,
    );
  }
  if (snap.kind !== 'snapshot' && snap.kind !== 'thin-snapshot') {
    return shell(
      <NotApplicable title={`${target} is not a snapshot`}>
        Only a snapshot can be merged back into its origin; {target} is a {snap.kind} volume.
      </NotApplicable>,
    );
  }
  if (snap.invalid) return shell(<InvalidSnapshotRefusal host={host} snap={snap} />);
  if (snap.mergeFailed) return shell(<MergeFailedRefusal host={host} snap={snap} />);

  const origin = snap.origin ? findLvIn(inv.lvs, snap.vg, snap.origin) : undefined;
  const guests = inv.domains.filter((d) => d.disks.some((k) => k.vg === snap.vg && k.lv === snap.origin));
  const inUse = guests.filter(holdsDisks);
  const facts = (
    <>
      {stale ? <StaleNote host={host} target={target} /> : null}
      <MergeFacts snap={snap} origin={origin} guests={guests} pending={completing} />
    </>
  );

  // Keyed by the flow, so a change seen by a poll (the merge was scheduled elsewhere) starts the other form afresh.
  return shell(
    completing ? (
      <MergeComplete key="complete" snap={snap} origin={origin} inUse={inUse} wizard={wizard} facts={facts} />
    ) : (
      <MergeRollback key="rollback" snap={snap} origin={origin} guests={guests} inUse={inUse} wizard={wizard} facts={facts} />
    ),
  );
}
