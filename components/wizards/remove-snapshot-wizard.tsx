'use client';

import * as Dialog from '@radix-ui/react-dialog';
import { useState } from 'react';
import { CowBar } from '@/components/ui/cow-bar';
import type { HostInventoryResponse } from '@/lib/inventory/view';
import { formatBytes } from '@/lib/format';
import { NotApplicable } from './host-unavailable';
import { pickLv } from './pick-lv';
import { PlanReview } from './plan-review';
import { RefusalNotice } from './refusal-notice';
import { StaleNote } from './stale-note';
import { card, dangerButton, dd, dl, dt, hint, input, label, noteBox, secondaryButton } from './styles';
import { useHostInventory } from './use-host-inventory';
import { useWizard } from './use-wizard';
import { FormButtons, ReviewButtons } from './wizard-buttons';
import { WizardShell } from './wizard-shell';

const STEPS = ['Confirm', 'Review', 'Run'] as const;

/** Remove a snapshot and keep the changes made to its origin since (lvremove), after typing its name. */
export function RemoveSnapshotWizard({
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
  const [typed, setTyped] = useState('');
  const [dialogOpen, setDialogOpen] = useState(false);

  const { lv: snap, stale } = pickLv(inv, initial, vgName, snapName);
  const target = `${vgName}/${snapName}`;
  const shell = (children: React.ReactNode) => (
    <WizardShell title="Remove a snapshot" host={host} target={target} step={wizard.step} steps={STEPS}>
      {children}
    </WizardShell>
  );

  if (!snap) {
    return shell(<NotApplicable title={`${target} does not exist on ${host}`}>lvs does not list it (any more).</NotApplicable>);
  }
  if (snap.kind !== 'snapshot' && snap.kind !== 'thin-snapshot') {
    return shell(
      <NotApplicable title={`${target} is not a snapshot`}>
        Cowherd removes only snapshots; {target} is a {snap.kind} volume.
      </NotApplicable>,
    );
  }
  if (snap.merging) {
    return shell(
      <NotApplicable title={`${target} is being merged into ${snap.vg}/${snap.origin ?? '?'}`}>
        LVM cannot remove a snapshot while it is being merged. Wait until the merge has finished: the snapshot then
        disappears by itself.
      </NotApplicable>,
    );
  }

  const confirmed = typed === snap.name;
  const guests = inv.domains.filter((d) => d.disks.some((k) => k.vg === snap.vg && k.lv === snap.origin));

  if (wizard.plan) {
    return shell(
      <>
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <Dialog.Root open={dialogOpen} onOpenChange={setDialogOpen}>
            <Dialog.Trigger asChild>
              <button type="button" disabled={wizard.pending || !confirmed} className={dangerButton}>
                {wizard.running ? 'Removing…' : 'Remove snapshot'}
              </button>
            </Dialog.Trigger>
            <Dialog.Portal>
              <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
              <Dialog.Content className="fixed left-1/2 top-1/3 w-[min(28rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 space-y-4 rounded-xl bg-white p-6 shadow-xl ring-1 ring-slate-200 focus:outline-none">
                <Dialog.Title className="text-lg font-semibold text-slate-900">Remove {target} for good?</Dialog.Title>
                <Dialog.Description className="text-sm text-slate-700">
                  {snap.vg}/{snap.origin ?? 'its origin'} keeps every change made since the snapshot. The snapshot&apos;s
                  state cannot be brought back afterwards.
                </Dialog.Description>
                <div className="flex justify-end gap-3">
                  <Dialog.Close asChild>
                    <button type="button" className={secondaryButton}>
                      Cancel
                    </button>
                  </Dialog.Close>
                  <button
                    type="button"
                    disabled={wizard.pending}
                    onClick={() => {
                      setDialogOpen(false);
                      wizard.run();
                    }}
                    className={dangerButton}
                  >
                    Remove snapshot
                  </button>
                </div>
              </Dialog.Content>
            </Dialog.Portal>
          </Dialog.Root>
        </ReviewButtons>
      </>,
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!confirmed) return;
    wizard.review({ operation: 'remove-snapshot', params: { vg: snap.vg, snapshot: snap.name, confirmName: typed } });
  };

  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      {stale ? <StaleNote host={host} target={target} /> : null}
      <section aria-label="Snapshot" className={`${card} space-y-4`}>
        <dl className={dl}>
          <dt className={dt}>Snapshot of</dt>
          <dd className={`${dd} font-mono`}>{snap.origin ? `${snap.vg}/${snap.origin}` : '—'}</dd>
          <dt className={dt}>Kind</dt>
          <dd className={dd}>{snap.kind === 'thin-snapshot' ? `thin snapshot in pool ${snap.vg}/${snap.pool}` : 'classic (COW) snapshot'}</dd>
          <dt className={dt}>Size</dt>
          <dd className={dd}>{formatBytes(snap.sizeBytes)}</dd>
          {snap.kind === 'snapshot' ? (
            <>
              <dt className={dt}>COW fill</dt>
              <dd className={dd}>
                <CowBar vg={snap.vg} snapshot={snap.name} percent={snap.cowPercent} invalid={snap.invalid} active={snap.active} />
              </dd>
            </>
          ) : null}
          <dt className={dt}>Created</dt>
          <dd className={dd}>{snap.createdAt ? `${snap.createdAt.slice(0, 16).replace('T', ' ')} UTC` : 'unknown'}</dd>
          {guests.length ? (
            <>
              <dt className={dt}>Origin used by</dt>
              <dd className={dd}>{guests.map((d) => `${d.name} (${d.state})`).join(', ')}</dd>
            </>
          ) : null}
        </dl>
        <div className={noteBox}>
          <p className="font-semibold">Removing the snapshot keeps the changes.</p>
          <p className="mt-1">
            {snap.vg}/{snap.origin ?? 'the origin'} stays exactly as it is now, with everything written since the
            snapshot was taken. What is lost is the snapshot itself: the state of the disk at{' '}
            {snap.createdAt ? `${snap.createdAt.slice(0, 16).replace('T', ' ')} UTC` : 'the time it was taken'}, with
            no way back to it.
            {snap.kind === 'snapshot' ? ` Its ${formatBytes(snap.sizeBytes)} return to ${snap.vg}'s free space.` : ''}
          </p>
          <p className="mt-1">To go back to the snapshot&apos;s state instead, merge it (rollback).</p>
        </div>
      </section>

      <section aria-label="Confirmation" className={`${card} space-y-2`}>
        <label htmlFor="confirm-name" className={label}>
          Type <span className="font-mono font-semibold text-slate-900">{snap.name}</span> to confirm
        </label>
        <input
          id="confirm-name"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="confirm-hint"
          className={`${input} max-w-md font-mono`}
        />
        <p id="confirm-hint" className={hint}>
          {typed && !confirmed ? 'That is not the snapshot’s name yet.' : 'Exactly as shown, case included.'}
        </p>
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={confirmed} reviewing={wizard.reviewing} />
    </form>,
  );
}
