import Link from 'next/link';
import type { ReactNode } from 'react';

export const WIZARD_STEPS = ['Choose', 'Review', 'Run'] as const;

/** The frame of every wizard: where we are (host, target), the steps, and the current step's content. */
export function WizardShell({
  title,
  host,
  target,
  step,
  steps = WIZARD_STEPS,
  children,
}: {
  title: string;
  host: string;
  target?: string;
  /** Index into steps of the current step. */
  step: number;
  steps?: readonly string[];
  children: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-3xl space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/snapshots" className="hover:underline">
            Snapshots
          </Link>{' '}
          / host <span className="font-medium text-slate-700">{host}</span>
          {target ? (
            <>
              {' '}
              / <span className="font-mono text-slate-700">{target}</span>
            </>
          ) : null}
        </p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
      </div>
      <ol aria-label="Wizard steps" className="flex flex-wrap items-center gap-2 text-sm">
        {steps.map((s, i) => {
          const state = i < step ? 'done' : i === step ? 'current' : 'todo';
          return (
            <li key={s} aria-current={state === 'current' ? 'step' : undefined} className="flex items-center gap-2">
              <span
                aria-hidden="true"
                className={`flex size-6 items-center justify-center rounded-full text-xs font-semibold ${
                  state === 'current'
                    ? 'bg-cow-700 text-white'
                    : state === 'done'
                      ? 'bg-emerald-100 text-emerald-800'
                      : 'bg-slate-200 text-slate-600'
                }`}
              >
                {state === 'done' ? '✓' : i + 1}
              </span>
              <span className={state === 'current' ? 'font-semibold text-slate-900' : 'text-slate-500'}>{s}</span>
              {i < steps.length - 1 ? (
                <span aria-hidden="true" className="mx-1 h-px w-8 bg-slate-300" />
              ) : null}
            </li>
          );
        })}
      </ol>
      {children}
    </div>
  );
}
