import { formatPercent } from '@/lib/format';

export interface CowBarProps {
  vg: string;
  snapshot: string;
  /** lvm2's data_percent for the snapshot (0-100), null when it is not known (inactive). */
  percent: number | null;
  /** lvm2 marked the snapshot invalid: its COW area overflowed and its contents are gone. */
  invalid?: boolean;
  /**
   * The snapshot is being merged into its origin: `percent` is what is left to merge, not a fill, so the bar is
   * neither green nor red but the merge's own colour, labelled "merging, N % left".
   */
  merging?: boolean;
  /** False for an inactive snapshot: lvm2 reports no usage then. Defaults to `percent !== null`. */
  active?: boolean;
  /** A narrower bar for dense tables. */
  compact?: boolean;
  className?: string;
}

/** The colour thresholds of COW usage, shared by everything that colours a fill value. */
export function fillTone(percent: number): 'green' | 'amber' | 'red' {
  if (percent >= 90) return 'red';
  if (percent >= 70) return 'amber';
  return 'green';
}

const FILL: Record<ReturnType<typeof fillTone>, string> = {
  green: 'bg-emerald-500',
  amber: 'bg-amber-500',
  red: 'bg-red-600',
};

/** Blue and striped: a merge in progress, unlike any fill tone. */
const MERGING_FILL =
  'bg-sky-500 bg-[length:8px_8px] bg-[linear-gradient(135deg,rgba(255,255,255,.35)_25%,transparent_25%,transparent_50%,rgba(255,255,255,.35)_50%,rgba(255,255,255,.35)_75%,transparent_75%)]';

const TEXT: Record<ReturnType<typeof fillTone>, string> = {
  green: 'text-slate-700',
  amber: 'text-amber-800',
  red: 'text-red-700',
};

/**
 * How full a classic snapshot's COW area is: a progressbar named "COW usage of VG/SNAP" whose value is the
 * percentage exactly as lvm2 reports it. Invalid snapshots are a full red bar ("INVALID — lost"), inactive ones
 * carry no value (aria-valuetext "inactive"); a merging one is a blue striped bar of what is left to merge.
 */
export function CowBar({ vg, snapshot, percent, invalid = false, merging = false, active, compact = false, className = '' }: CowBarProps) {
  const label = `COW usage of ${vg}/${snapshot}`;
  const isActive = active ?? percent !== null;
  const width = compact ? 'w-20' : 'w-36';

  if (invalid) {
    return (
      <div className={`flex items-center gap-2 ${className}`}>
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={100}
          aria-valuetext="invalid, contents lost"
          className={`h-2 ${width} shrink-0 overflow-hidden rounded-full bg-red-600`}
        />
        <span className="whitespace-nowrap text-xs font-semibold text-red-700">INVALID — lost</span>
      </div>
    );
  }

  if (!isActive || percent === null) {
    return (
      <div className={`flex items-center gap-2 ${className}`}>
        <div
          role="progressbar"
          aria-label={label}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuetext="inactive"
          className={`h-2 ${width} shrink-0 rounded-full border border-dashed border-slate-300 bg-slate-50`}
        />
        <span className="whitespace-nowrap text-xs italic text-slate-500">inactive</span>
      </div>
    );
  }

  const tone = fillTone(percent);
  // A merging snapshot's data_percent is what is left to merge back, not a fill: its own colour, never red.
  const left = `merging, ${formatPercent(percent, 1)} left`;
  return (
    <div className={`flex items-center gap-2 ${className}`}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={merging ? left : undefined}
        className={`h-2 ${width} shrink-0 overflow-hidden rounded-full ${merging ? 'bg-sky-100' : 'bg-slate-200'}`}
      >
        <div
          className={`h-full rounded-full ${merging ? MERGING_FILL : FILL[tone]}`}
          style={{ width: `${Math.min(100, Math.max(0, percent))}%` }}
        />
      </div>
      {merging ? (
        <span className="whitespace-nowrap text-xs font-medium tabular-nums text-sky-800">{left}</span>
      ) : (
        <span className={`w-14 whitespace-nowrap text-right text-xs font-medium tabular-nums ${TEXT[tone]}`}>
          {formatPercent(percent)}
        </span>
      )}
    </div>
  );
}
