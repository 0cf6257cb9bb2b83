'use client';

import * as RadioGroup from '@radix-ui/react-radio-group';
import { useState } from 'react';
import type { InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { DEFAULT_GUEST_OPTIONS, GuestShutdownOptions, guestNames, guestParams, type GuestOptions } from './merge-guest-options';
import { MergeReview } from './merge-review';
import { RefusalNotice } from './refusal-notice';
import { card, infoBox } from './styles';
import type { useWizard } from './use-wizard';
import { FormButtons } from './wizard-buttons';

export type MergeMode = 'now' | 'shutdown' | 'schedule';

const radio =
  'mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full border border-slate-400 bg-white ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 data-[state=checked]:border-cow-700';

/**
 * Which merges are possible: nothing holds the origin -> merge now; guests hold it -> shut them down first, or let
 * lvm2 defer the merge; something else holds it open (a mount) -> only the deferred merge.
 */
export function mergeChoices(origin: InventoryLv | undefined, inUse: InventoryDomain[]): MergeMode[] {
  if (inUse.length) return ['shutdown', 'schedule'];
  return origin?.open ? ['schedule'] : ['now'];
}

/** The rollback's form (how) and review (the plan, the typed confirmation, the red button). */
export function MergeRollback({
  snap,
  origin,
  guests,
  inUse,
  wizard,
  facts,
}: {
  snap: InventoryLv;
  origin: InventoryLv | undefined;
  guests: InventoryDomain[];
  /** Guests that hold the origin (not shut off): the ones a shutdown stops. */
  inUse: InventoryDomain[];
  wizard: ReturnType<typeof useWizard>;
  /** The preflight facts (snapshot, origin, guests, consequence). */
  facts: React.ReactNode;
}) {
  const [chosen, setChosen] = useState<MergeMode | null>(null);
  const [opts, setOpts] = useState<GuestOptions>(DEFAULT_GUEST_OPTIONS);

  const choices = mergeChoices(origin, inUse);
  const mode = choices.length === 1 ? choices[0] : chosen && choices.includes(chosen) ? chosen : null;
  const originName = `${snap.vg}/${snap.origin ?? '?'}`;
  const names = guestNames(inUse);
  const them = inUse.length > 1 ? 'them' : 'it';
  const shutdown = mode === 'shutdown' ? guestParams(opts) : null;
  const canReview = mode !== null && mode !== undefined && (mode !== 'shutdown' || shutdown !== null);

  if (wizard.plan?.operation === 'merge-snapshot') {
    return (
      <MergeReview
        plan={wizard.plan}
        wizard={wizard}
        confirmName={snap.name}
        action={wizard.plan.params.mode === 'schedule' ? 'Schedule rollback' : 'Roll back'}
        busy="Starting…"
      />
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!canReview || !mode) return;
    const base = { vg: snap.vg, snapshot: snap.name };
    wizard.review({
      operation: 'merge-snapshot',
      params: mode === 'shutdown' && shutdown ? { ...base, mode, ...shutdown } : { ...base, mode },
    });
  };

  const scheduleExplain = (
    <>
      Cowherd runs <span className="font-mono">lvconvert --merge</span> now; lvm2 defers the merge while{' '}
      {inUse.length ? `${names} keep${inUse.length > 1 ? '' : 's'}` : 'something keeps'} {originName} open, and{' '}
      {inUse.length ? `${names} go${inUse.length > 1 ? '' : 'es'}` : 'it goes'} on running on the current data. The
      rollback happens once the volume is released; it must then be completed from Cowherd (&quot;Complete pending
      merge&quot;, offered on this page and in the Overview&apos;s alerts). Meanwhile no new snapshot of {originName} can be
      made, and the decision cannot be undone.
    </>
  );

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {facts}
      <section aria-labelledby="how-heading" className={`${card} space-y-4`}>
        <h2 id="how-heading" className="text-base font-semibold text-slate-900">
          How to roll back
        </h2>
        {choices.length > 1 ? (
          <fieldset>
            <legend id="how-legend" className="text-sm text-slate-700">
              {names} {inUse.length > 1 ? 'use' : 'uses'} {originName} ({inUse.map((g) => g.state).join(', ')}): lvm2 can
              merge only while nothing has the volume open.
            </legend>
            <RadioGroup.Root
              value={mode ?? ''}
              onValueChange={(v) => setChosen(v as MergeMode)}
              aria-labelledby="how-legend"
              className="mt-3 space-y-3"
            >
              <div className={`space-y-4 rounded-md p-3 ring-1 ${mode === 'shutdown' ? 'bg-emerald-50/60 ring-emerald-300' : 'ring-slate-200'}`}>
                <div className="flex gap-3">
                  <RadioGroup.Item id="mode-shutdown" value="shutdown" aria-describedby="mode-shutdown-explain" className={radio}>
                    <RadioGroup.Indicator className="size-2 rounded-full bg-cow-700" />
                  </RadioGroup.Item>
                  <div>
                    <label htmlFor="mode-shutdown" className="text-sm font-medium text-slate-900">
                      Shut down {names}, merge, {mode === 'shutdown' && !opts.startAgain ? `leave ${them} off` : `start ${them} again`}
                    </label>
                    <p id="mode-shutdown-explain" className="text-xs text-slate-600">
                      The rollback happens now, in one job: {names} {inUse.length > 1 ? 'are' : 'is'} down while{' '}
                      {originName} is merged, then booted from the rolled-back disk.
                    </p>
                  </div>
                </div>
                {mode === 'shutdown' ? (
                  <div className="ml-7 rounded-md bg-white p-4 ring-1 ring-slate-200">
                    <GuestShutdownOptions
                      id="shutdown"
                      guests={inUse}
                      vg={snap.vg}
                      origin={snap.origin ?? ''}
                      value={opts}
                      onChange={setOpts}
                    />
                  </div>
                ) : null}
              </div>
              <div className={`flex gap-3 rounded-md p-3 ring-1 ${mode === 'schedule' ? 'bg-emerald-50/60 ring-emerald-300' : 'ring-slate-200'}`}>
                <RadioGroup.Item id="mode-schedule" value="schedule" aria-describedby="mode-schedule-explain" className={radio}>
                  <RadioGroup.Indicator className="size-2 rounded-full bg-cow-700" />
                </RadioGroup.Item>
                <div>
                  <label htmlFor="mode-schedule" className="text-sm font-medium text-slate-900">
                    Schedule the merge
                  </label>
                  <p id="mode-schedule-explain" className="text-xs text-slate-600">
                    {scheduleExplain}
                  </p>
                </div>
              </div>
            </RadioGroup.Root>
          </fieldset>
        ) : mode === 'now' ? (
          <div className={infoBox}>
            <p className="font-semibold text-slate-900">Roll back now</p>
            <p className="mt-1">
              {guests.length
                ? `${guestNames(guests)} ${guests.length > 1 ? 'are' : 'is'} ${guests.map((g) => g.state).join(', ')} and nothing has ${originName} open`
                : `No guest uses ${originName} and nothing has it open`}
              : the merge starts at once. The job page follows it until the snapshot is gone
              {snap.kind === 'snapshot' ? ' (its COW data falling to 0%)' : ''}.
              {guests.length ? ` Leave ${guestNames(guests)} off until the job has finished.` : ''}
            </p>
          </div>
        ) : (
          <div className={infoBox}>
            <p className="font-semibold text-slate-900">Schedule the merge</p>
            <p className="mt-1">
              {originName} is open, but no guest known to libvirt uses it (it may be mounted on the host, or used by a
              program), so it cannot be merged now. {scheduleExplain}
            </p>
          </div>
        )}
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={canReview} reviewing={wizard.reviewing} />
    </form>
  );
}
