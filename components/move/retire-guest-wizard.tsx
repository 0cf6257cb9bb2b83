'use client';

import { useState } from 'react';
import { PlanReview } from '@/components/wizards/plan-review';
import { RefusalNotice } from '@/components/wizards/refusal-notice';
import { card, dangerButton, dd, dl, dt, hint, input, label, noteBox } from '@/components/wizards/styles';
import { useWizard } from '@/components/wizards/use-wizard';
import { FormButtons, ReviewButtons } from '@/components/wizards/wizard-buttons';
import { WizardShell } from '@/components/wizards/wizard-shell';
import { formatBytes } from '@/lib/format';
import type { RetireReview } from '@/lib/move/retire';

export interface RetireWizardFacts {
  guest: { name: string; uuid: string; state: string };
  /** The guest's disks that are LVs of this host: what is removed. */
  lvs: { disk: string; vg: string; lv: string; sizeBytes: number; snapshots: string[] }[];
  /** Disks that are not LVs here: kept. */
  kept: string[];
  /** The other configured hosts (the one it was moved to is among them). */
  targets: { id: string; name: string }[];
  /** The host the guest was moved to, when the link said so (a move job, a guest card). */
  target?: string;
}

const STEPS = ['Confirm', 'Review', 'Run'] as const;

/**
 * "Remove the old copy from <host>" after a move (issue 14): shows exactly what goes (the domain and each LV with its
 * size), asks for the guest's name, and reviews the plan that a fresh read of both hosts allows. The server refuses
 * unless the guest is defined on the target with the same UUID and name and every disk there.
 */
export function RetireGuestWizard({ host, facts }: { host: string; facts: RetireWizardFacts }) {
  const wizard = useWizard(host);
  const g = facts.guest;
  const [target, setTarget] = useState(facts.target ?? facts.targets[0]?.id ?? '');
  const [typed, setTyped] = useState('');
  const confirmed = typed === g.name;
  const shell = (children: React.ReactNode) => (
    <WizardShell title="Remove the old copy of a moved guest" host={host} target={g.name} step={wizard.step} steps={STEPS}>
      {children}
    </WizardShell>
  );

  if (wizard.plan) {
    const review = wizard.plan.params.retire as RetireReview | undefined;
    return shell(
      <>
        {review ? <RetireReviewFacts review={review} /> : null}
        <PlanReview plan={wizard.plan} />
        <RefusalNotice refusal={wizard.refusal} />
        <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
          <button type="button" onClick={wizard.run} disabled={wizard.pending} className={dangerButton}>
            {wizard.running ? 'Removing…' : `Remove the old copy from ${host}`}
          </button>
        </ReviewButtons>
      </>,
    );
  }

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!confirmed || !target) return;
    wizard.review({ operation: 'retire-moved-guest', params: { domain: g.uuid, target, confirmName: typed } });
  };

  return shell(
    <form onSubmit={submit} noValidate className="space-y-6">
      <section aria-labelledby="retire-what-heading" className={`${card} space-y-4`}>
        <h2 id="retire-what-heading" className="text-lg font-semibold text-slate-900">
          What is removed from {host}
        </h2>
        <dl className={dl}>
          <dt className={dt}>Guest</dt>
          <dd className={`${dd} font-mono`}>{g.name}</dd>
          <dt className={dt}>UUID</dt>
          <dd className={`${dd} font-mono text-xs`}>{g.uuid}</dd>
          <dt className={dt}>State here</dt>
          <dd className={dd}>{g.state}</dd>
        </dl>
        <ul aria-label="Volumes to remove" className="divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
          {facts.lvs.map((l) => (
            <li key={`${l.vg}/${l.lv}`} className="flex flex-wrap items-baseline gap-x-3 px-3 py-2 text-sm">
              <span className="font-mono text-slate-900">{host}:{l.vg}/{l.lv}</span>
              <span className="tabular-nums text-slate-700">{formatBytes(l.sizeBytes)}</span>
              <span className="text-xs text-slate-500">disk {l.disk}</span>
              {l.snapshots.length ? <span className="text-xs font-medium text-red-700">has snapshots: {l.snapshots.join(', ')}</span> : null}
            </li>
          ))}
          {facts.lvs.length === 0 ? <li className="px-3 py-2 text-sm text-slate-500">No LV disks: only the definition is removed.</li> : null}
        </ul>
        {facts.kept.length ? (
          <p className={hint}>Kept (not LVs of {host}): {facts.kept.join('; ')}</p>
        ) : null}
        <div className={noteBox}>
          <p className="font-semibold">The guest itself stays on the host it was moved to.</p>
          <p className="mt-1">
            Cowherd first reads both hosts: it removes nothing unless {g.name} is defined on the target with the same UUID
            and name and every disk there, and unless it is shut off here with autostart disabled. The volumes above are
            then gone for good.
          </p>
        </div>
      </section>

      <section aria-label="Confirmation" className={`${card} space-y-4`}>
        <div>
          <label htmlFor="target" className={label}>Moved to</label>
          <select id="target" value={target} onChange={(e) => setTarget(e.target.value)} className={`${input} max-w-md`}>
            {facts.targets.map((x) => (
              <option key={x.id} value={x.id}>{x.name} ({x.id})</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="confirm-name" className={label}>
            Type <span className="font-mono font-semibold text-slate-900">{g.name}</span> to confirm the removal
          </label>
          <input id="confirm-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} className={`${input} max-w-md font-mono`} />
          <p className={hint}>{typed && !confirmed ? 'That is not the guest’s name yet.' : 'Exactly as shown, case included.'}</p>
        </div>
      </section>
      <RefusalNotice refusal={wizard.refusal} />
      <FormButtons canReview={confirmed && !!target} reviewing={wizard.reviewing} cancelHref="/guests" />
    </form>,
  );
}

/** Exactly what the plan removes (its params.retire), above the commands. */
function RetireReviewFacts({ review }: { review: RetireReview }) {
  return (
    <section aria-labelledby="retire-review-heading" className={`${card} space-y-3`}>
      <h2 id="retire-review-heading" className="text-lg font-semibold text-slate-900">
        Remove {review.guest} from {review.source}; it stays on {review.target}
      </h2>
      <ul aria-label="Removed" className="list-disc space-y-1 pl-5 text-sm text-slate-800">
        <li>
          the definition of <span className="font-mono">{review.guest}</span> ({review.uuid}) on {review.source}
          {review.nvram ? <> and its UEFI variables <span className="font-mono">{review.nvram}</span></> : null}
        </li>
        {review.lvs.map((l) => (
          <li key={`${l.vg}/${l.lv}`}>
            <span className="font-mono">{review.source}:{l.vg}/{l.lv}</span> ({formatBytes(l.bytes)}, disk {l.disk})
          </li>
        ))}
      </ul>
      {review.kept.length ? <p className={hint}>Kept: {review.kept.join('; ')}</p> : null}
    </section>
  );
}
