import type { ReviewedPlan } from './actions';
import { CheckList } from './check-list';
import { card, codeBlock } from './styles';

/** The review step: what the dry run says will happen, and the exact commands, before anything runs. */
export function PlanReview({ plan }: { plan: ReviewedPlan }) {
  return (
    <section aria-labelledby="review-heading" className={`${card} space-y-5`}>
      <div>
        <h2 id="review-heading" className="text-lg font-semibold text-slate-900">
          Review
        </h2>
        <p className="mt-1 text-sm text-slate-700">{plan.summary}</p>
      </div>

      {plan.consequences.length ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Consequences</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
            {plan.consequences.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </div>
      ) : null}

      <div>
        <h3 className="text-sm font-semibold text-slate-900">Checks before running</h3>
        <div className="mt-1">
          <CheckList checks={plan.preflight} label="Preflight checks" />
        </div>
      </div>

      <section aria-labelledby="commands-heading">
        <h3 id="commands-heading" className="text-sm font-semibold text-slate-900">
          Commands, in this order, on host {plan.host}
        </h3>
        <pre className={`mt-1 ${codeBlock}`}>{plan.script.join('\n')}</pre>
        <p className="mt-1 text-xs text-slate-500">
          Each command runs as one argument vector (never through a shell on Cowherd&apos;s side) and is written to the
          audit log. Lines marked &quot;always&quot; undo a step above and run even when a later step fails.
        </p>
      </section>

      {plan.postChecks.length ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-900">Checked on the host afterwards</h3>
          <ul aria-label="Post-checks" className="mt-1 list-disc space-y-1 pl-5 text-sm text-slate-700">
            {plan.postChecks.map((c) => (
              <li key={c.title}>{c.title}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
