'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { JobStepRow } from '@/lib/store/jobs';
import { fetchJob, isActive, type JobWithSteps } from './api';
import { durationBetween, formatDuration, formatUtc } from '@/lib/format';
import { jobTarget, operationLabel } from './labels';
import { RetireOffer } from '@/components/move/retire-offer';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { useNow } from './use-now';

const card = 'rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200';
const pre = 'max-h-80 overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100';

function lineCount(text: string): string {
  const n = text.split('\n').filter(Boolean).length;
  return n === 1 ? '1 line' : `${n} lines`;
}

function Output({ label, text, open }: { label: string; text: string | null; open: boolean }) {
  if (!text) return null;
  return (
    <details open={open} className="group">
      <summary className="cursor-pointer select-none text-xs font-medium text-slate-600 hover:text-slate-900">
        {label} <span className="text-slate-400">({lineCount(text)})</span>
      </summary>
      <pre aria-label={label} className={`mt-1 ${pre}`}>
        {text}
      </pre>
    </details>
  );
}

function StepItem({ step, command, now }: { step: JobStepRow; command: string | null; now: number | null }) {
  const running = step.status === 'running';
  const dur = running
    ? now !== null && step.startedAt
      ? now - Date.parse(step.startedAt)
      : null
    : durationBetween(step.startedAt, step.endedAt);
  const failed = step.status === 'failed';
  return (
    <li
      aria-label={`Step ${step.seq + 1}: ${step.title}`}
      className={`space-y-2 rounded-lg p-4 ring-1 ${
        failed ? 'bg-red-50/50 ring-red-200' : running ? 'bg-sky-50/50 ring-sky-200' : 'bg-white ring-slate-200'
      }`}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="text-xs font-semibold text-slate-400">{step.seq + 1}</span>
        <span className="font-medium text-slate-900">{step.title}</span>
        <StatusBadge status={step.status} />
        <span className="ml-auto flex gap-4 text-xs tabular-nums text-slate-600">
          {step.exitCode !== null ? (
            <span className={step.exitCode === 0 ? undefined : 'font-semibold text-red-700'}>exit code {step.exitCode}</span>
          ) : null}
          {step.startedAt ? <span>{formatDuration(dur)}</span> : null}
        </span>
      </div>
      {command ? (
        <pre aria-label={`Command of step ${step.seq + 1}`} className="overflow-x-auto whitespace-pre rounded bg-slate-100 px-3 py-1.5 font-mono text-xs text-slate-800">
          {command}
        </pre>
      ) : null}
      <Output label={`stderr of step ${step.seq + 1}`} text={step.stderr} open={failed} />
      <Output label={`stdout of step ${step.seq + 1}`} text={step.stdout} open={false} />
    </li>
  );
}

/** One job: what it does, its live progress, every step with its exact command and output, and the checks. */
export function JobDetail({ initial, commands, canOperate = false }: { initial: JobWithSteps; commands: (string | null)[]; canOperate?: boolean }) {
  const { data: job, error } = useQuery({
    queryKey: ['job', initial.id],
    queryFn: () => fetchJob(initial.id),
    initialData: initial,
    refetchInterval: (q) => (q.state.data && isActive(q.state.data.status) ? 1000 : false),
  });
  const active = isActive(job.status);
  const now = useNow(active);
  const total = job.steps.length || 1;
  const finishedSteps = job.steps.filter((s) => s.status === 'succeeded' || s.status === 'skipped').length;
  const progress = job.progress ?? (job.status === 'succeeded' ? 1 : finishedSteps / total);
  const duration = active ? (now !== null && job.startedAt ? now - Date.parse(job.startedAt) : null) : durationBetween(job.startedAt, job.endedAt);
  const lines = (job.message ?? '').split('\n').filter(Boolean);
  const checks = lines.filter((l) => l.startsWith('✓') || l.startsWith('✗'));
  const notes = lines.filter((l) => !l.startsWith('✓') && !l.startsWith('✗'));

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/jobs" className="hover:underline">
            Jobs
          </Link>{' '}
          / #{job.id}
        </p>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">
            Job #{job.id}: {operationLabel(job.operation)}
          </h1>
          <StatusBadge status={job.status} />
        </div>
        <p className="mt-1 text-sm text-slate-700">{job.plan?.summary ?? jobTarget(job.operation, job.params)}</p>
        {error ? <p className="mt-1 text-sm text-red-700">Could not refresh: {error.message}</p> : null}
      </div>

      <section aria-label="Summary" className={`${card} space-y-4`}>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr_max-content_1fr]">
          <dt className="font-medium text-slate-500">Host</dt>
          <dd className="text-slate-900">{job.host}</dd>
          <dt className="font-medium text-slate-500">User</dt>
          <dd className="text-slate-900">{job.username}</dd>
          <dt className="font-medium text-slate-500">Started (UTC)</dt>
          <dd className="tabular-nums text-slate-900">{formatUtc(job.startedAt ?? job.createdAt)}</dd>
          <dt className="font-medium text-slate-500">Ended (UTC)</dt>
          <dd className="tabular-nums text-slate-900">{active ? 'still running' : formatUtc(job.endedAt)}</dd>
          <dt className="font-medium text-slate-500">Duration</dt>
          <dd className="tabular-nums text-slate-900">{formatDuration(duration)}</dd>
          <dt className="font-medium text-slate-500">Target</dt>
          <dd className="font-mono text-xs text-slate-900">{jobTarget(job.operation, job.params)}</dd>
        </dl>
        <div className="space-y-1">
          <ProgressBar
            value={progress}
            label="Job progress"
            tone={active ? 'active' : job.status === 'succeeded' ? 'done' : 'failed'}
          />
          <p className="text-sm text-slate-600" aria-live="polite">
            {active ? (job.phase ?? 'starting') : job.status === 'succeeded' ? 'Done.' : `Ended: ${job.status}.`}
            {active && notes.length ? ` — ${notes[notes.length - 1]}` : ''}
          </p>
        </div>
        {job.error ? (
          <div role="alert" className="rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200">
            <span className="font-semibold">Error: </span>
            <span className="whitespace-pre-wrap break-words">{job.error}</span>
          </div>
        ) : null}
        {checks.length ? (
          <div>
            <h2 className="text-sm font-semibold text-slate-900">Checked on the host afterwards</h2>
            <ul aria-label="Post-check results" className="mt-1 space-y-0.5 text-sm">
              {checks.map((l, i) => (
                <li key={`${i}-${l}`} className={l.startsWith('✓') ? 'text-emerald-800' : 'font-medium text-red-800'}>
                  {l}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {!active && notes.length ? (
          <ul className="space-y-0.5 text-sm text-slate-600">
            {notes.map((l, i) => (
              <li key={`${i}-${l}`}>{l}</li>
            ))}
          </ul>
        ) : null}
      </section>

      {/* Issue 14: a finished move offers removing the old copy on the source, as its own confirmed job. */}
      {canOperate && job.operation === 'move-guest' && job.status === 'succeeded' ? <RetireOffer host={job.host} params={job.params} /> : null}

      <section aria-labelledby="steps-heading" className="space-y-3">
        <h2 id="steps-heading" className="text-lg font-semibold text-slate-900">
          Steps
        </h2>
        <ol className="space-y-3">
          {job.steps.map((s) => (
            <StepItem key={s.seq} step={s} command={commands[s.seq] ?? null} now={now} />
          ))}
        </ol>
        <p className="text-xs text-slate-500">
          Every command above is also in the <Link href={`/audit?host=${encodeURIComponent(job.host)}`} className="underline">audit log</Link>.
        </p>
      </section>
    </div>
  );
}
