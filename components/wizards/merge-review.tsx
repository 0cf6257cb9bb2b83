'use client';

import { useState } from 'react';
import type { ReviewedPlan } from './actions';
import { PlanReview } from './plan-review';
import { RefusalNotice } from './refusal-notice';
import { card, dangerButton, hint, input, label } from './styles';
import type { useWizard } from './use-wizard';
import { ReviewButtons } from './wizard-buttons';

/**
 * The review step of a rollback: the dry-run plan (the exact commands), then the confirmation and the red button.
 * With `confirmName` the button stays disabled until the snapshot's name is typed, exactly.
 */
export function MergeReview({
  plan,
  wizard,
  confirmName,
  action,
  busy,
}: {
  plan: ReviewedPlan;
  wizard: ReturnType<typeof useWizard>;
  confirmName?: string;
  /** The red button's label ("Roll back", "Complete pending merge"). */
  action: string;
  /** Its label while the job is being started. */
  busy: string;
}) {
  const [typed, setTyped] = useState('');
  const confirmed = confirmName === undefined || typed === confirmName;
  return (
    <>
      <PlanReview plan={plan} />
      {confirmName !== undefined ? (
        <section aria-label="Confirmation" className={`${card} space-y-2`}>
          <label htmlFor="confirm-name" className={label}>
            Type <span className="font-mono font-semibold text-slate-900">{confirmName}</span> to confirm the rollback
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
            {typed && !confirmed
              ? 'That is not the snapshot’s name yet.'
              : 'Exactly as shown, case included. The data written since the snapshot cannot be brought back.'}
          </p>
        </section>
      ) : null}
      <RefusalNotice refusal={wizard.refusal} />
      <ReviewButtons onBack={wizard.back} disabled={wizard.pending}>
        <button type="button" onClick={wizard.run} disabled={wizard.pending || !confirmed} className={dangerButton}>
          {wizard.running ? busy : action}
        </button>
      </ReviewButtons>
    </>
  );
}
