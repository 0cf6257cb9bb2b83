'use client';

import Link from 'next/link';
import { useState } from 'react';
import { formatPercent } from '@/lib/format';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { DEFAULT_GUEST_OPTIONS, GuestShutdownOptions, guestNames, guestParams, type GuestOptions } from './merge-guest-options';
import { MergeReview } from './merge-review';
import { RefusalNotice } from './refusal-notice';
import { card, infoBox, noteBox } from './styles';
import type { useWizard } from './use-wizard';
import { FormButtons } from './wizard-buttons';

/**
 * A merge lvm2 has already accepted (the snapshot is merging): either deferred because the origin is open (a
 * guest still runs on it), or running in the kernel. Completing it stops the guests first if needed (with the same
 * options as a rollback), then drives the merge to its end (lib/ops/merge.ts planCompleteMerge).
 */
export function MergeComplete({
  snap,
  origin,
  inUse,
  wizard,
  facts,
}: {
  snap: InventoryLv;
  origin: InventoryLv | undefined;
  inUse: InventoryDomain[];
  wizard: ReturnType<typeof useWizard>;
  facts: React.ReactNode;
}) {
  const [opts, setOpts] = useState<GuestOptions>(DEFAULT_GUEST_OPTIONS);
  const originName = `${snap.vg}/${snap.origin ?? '?'}`;
  const names = guestNames(inUse);
  const shutdown = inUse.length ? guestParams(opts) : null;
  const canReview = inUse.length === 0 || shutdown !== null;
  const deferred = origin?.open === true;

  if (wizard.plan?.operation === 'complete-merge') {
    return <MergeReview plan={wizard.plan} wizard={wizard} action="Complete pending merge" busy="Starting…" />;
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!canReview) return;
    const base = { vg: snap.vg, snapshot: snap.name };
    wizard.review({
      operation: 'complete-merge',
      params: inUse.length && shutdown ? { ...base, shutdown: true, ...shutdown } : { ...base, shutdown: false },
    });
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {facts}
      <section aria-labelledby="complete-heading" className={`${card} space-y-4`}>
        <h2 id="complete-heading" className="text-base font-semibold text-slate-900">
          Complete pending merge
        </h2>
        <div className={infoBox}>
          {deferred ? (
            <p>
              The rollback of {originName} to {snap.name} is <span className="font-semibold">pending</span>: lvm2 accepted
              it but waits because {originName} is open. It runs when the volume is released and activated again.
              Until then {originName} keeps its current data and no new snapshot of it can be made.
            </p>
          ) : (
            <p>
              The merge of {snap.name} into {originName} has been started and nothing holds {originName} open any more
              {snap.cowPercent !== null ? ` (${formatPercent(snap.cowPercent)} of the COW data left to merge)` : ''}.
              Completing it starts the merge if lvm2 still waits for the volume to be activated again, follows it to the
              end and checks that the snapshot is gone. If a Cowherd job is already doing that, follow it on the{' '}
              <Link href="/jobs" className="underline">
                Jobs page
              </Link>{' '}
              instead.
            </p>
          )}
        </div>
        {inUse.length ? (
          <div className="space-y-3">
            <p className="text-sm text-slate-700">
              <span className="font-semibold text-slate-900">
                {names} {inUse.length > 1 ? 'are' : 'is'} still {inUse.map((g) => g.state).join(', ')}
              </span>{' '}
              and {inUse.length > 1 ? 'keep' : 'keeps'} {originName} open. Cowherd shuts {inUse.length > 1 ? 'them' : 'it'}{' '}
              down first, completes the merge, and can start {inUse.length > 1 ? 'them' : 'it'} again. (Or shut{' '}
              {names} down yourself: this page then completes the merge without touching {inUse.length > 1 ? 'them' : 'it'}.)
            </p>
            <div className="rounded-md p-4 ring-1 ring-slate-200">
              <GuestShutdownOptions id="complete" guests={inUse} vg={snap.vg} origin={snap.origin ?? ''} value={opts} onChange={setOpts} />
            </div>
          </div>
        ) : deferred ? (
          <p className={noteBox}>
            No guest known to libvirt uses {originName}, yet it is open (mounted on the host, or used by a program). The
            merge cannot go on until that is closed: close it on the host first, or the job waits for it.
          </p>
        ) : null}
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={canReview} reviewing={wizard.reviewing} />
    </form>
  );
}
