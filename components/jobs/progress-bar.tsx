const BAR = { active: 'bg-sky-600', done: 'bg-emerald-600', failed: 'bg-red-500' } as const;

/** A determinate progress bar (0-1) with an accessible name; `indeterminate` when nothing is known yet. */
export function ProgressBar({
  value,
  label,
  size = 'md',
  tone = 'active',
}: {
  value: number | null;
  label: string;
  size?: 'sm' | 'md';
  /** 'failed': where a failed job stopped (red); 'done': green. */
  tone?: 'active' | 'done' | 'failed';
}) {
  const pct = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 1000) / 10;
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
        aria-valuetext={pct === null ? 'in progress' : `${pct}%`}
        className={`w-full overflow-hidden rounded-full bg-slate-200 ${size === 'sm' ? 'h-1.5 min-w-20' : 'h-2.5'}`}
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ${BAR[tone]} ${pct === null ? 'w-1/3 animate-pulse' : ''}`}
          style={pct === null ? undefined : { width: `${pct}%` }}
        />
      </div>
      <span className={`shrink-0 tabular-nums text-slate-600 ${size === 'sm' ? 'w-10 text-xs' : 'w-12 text-sm'}`}>
        {pct === null ? '' : `${Math.floor(pct)}%`}
      </span>
    </div>
  );
}
