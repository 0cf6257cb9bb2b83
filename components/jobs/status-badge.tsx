import type { JobStatus, StepStatus } from '@/lib/ops/types';

const STYLES: Record<JobStatus | StepStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  pending: 'bg-slate-100 text-slate-600 ring-slate-300',
  running: 'bg-sky-50 text-sky-800 ring-sky-300',
  succeeded: 'bg-emerald-50 text-emerald-800 ring-emerald-300',
  failed: 'bg-red-50 text-red-800 ring-red-300',
  cancelled: 'bg-amber-50 text-amber-900 ring-amber-300',
  skipped: 'bg-slate-50 text-slate-500 ring-slate-200',
};

const LABELS: Record<JobStatus | StepStatus, string> = {
  queued: 'Queued',
  pending: 'Pending',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

const ICONS: Record<JobStatus | StepStatus, string> = {
  queued: '…',
  pending: '·',
  running: '↻',
  succeeded: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '–',
};

export function StatusBadge({ status }: { status: JobStatus | StepStatus }) {
  return (
    <span
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ${STYLES[status] ?? STYLES.pending}`}
    >
      <span aria-hidden="true" className={status === 'running' ? 'inline-block animate-spin' : undefined}>
        {ICONS[status] ?? '?'}
      </span>
      {LABELS[status] ?? status}
    </span>
  );
}
