'use client';

import { validateOperationParams } from '@/lib/ops/schemas';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import {
  dryRunAction,
  runAction,
  type Refusal,
  type ReviewedPlan,
  type WizardRequest,
} from './actions';

/**
 * The form -> review -> run flow shared by the wizards. The review shows the plan the server built from a fresh
 * read of the host (a dry run); Run sends the same request again, the server plans again and starts the job, and
 * the browser goes to the job's page. Failures come back as values and are shown where the user is.
 */
export function useWizard(host: string) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [reviewed, setReviewed] = useState<{ plan: ReviewedPlan; request: WizardRequest } | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [action, setAction] = useState<'review' | 'run' | null>(null);

  const review = (request: WizardRequest) => {
    // The API's own schema first: an invalid input is refused here, in the words the server would use.
    const checked = validateOperationParams(request.operation, request.params);
    if (!checked.ok) {
      setRefusal({ ok: false, error: `invalid parameters: ${checked.error}` });
      return;
    }
    setRefusal(null);
    setAction('review');
    startTransition(async () => {
      try {
        const r = await dryRunAction(host, request);
        if (r.ok) setReviewed({ plan: r.plan, request });
        else setRefusal(r);
      } catch (e) {
        setRefusal({ ok: false, error: `The server did not answer: ${(e as Error).message}` });
      }
    });
  };

  const run = () => {
    if (!reviewed) return;
    setRefusal(null);
    setAction('run');
    startTransition(async () => {
      try {
        const r = await runAction(host, reviewed.request);
        if (r.ok) router.push(`/jobs/${r.jobId}`);
        else setRefusal(r);
      } catch (e) {
        setRefusal({ ok: false, error: `The server did not answer: ${(e as Error).message}` });
      }
    });
  };

  const back = () => {
    setReviewed(null);
    setRefusal(null);
  };

  return {
    /** 0: the form, 1: the review. */
    step: reviewed ? 1 : 0,
    plan: reviewed?.plan ?? null,
    refusal,
    pending,
    reviewing: pending && action === 'review',
    running: pending && action === 'run',
    review,
    run,
    back,
  };
}
