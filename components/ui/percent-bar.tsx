import { formatPercent } from '@/lib/format';
import { fillTone } from './cow-bar';

const FILL = { green: 'bg-sky-500', amber: 'bg-amber-500', red: 'bg-red-600' } as const;

export interface PercentBarProps {
  /** Accessible name, e.g. "Data usage of vg1/pool". */
  label: string;
  percent: number;
  className?: string;
}

/** A usage percentage that is not a snapshot's COW fill (thin pools, thin volumes): a small meter with its value. */
export function PercentBar({ label, percent, className = '' }: PercentBarProps) {
  const tone = fillTone(percent);
  return (
    <div className={`flex items-center gap-2 ${className}`}>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-2 w-24 shrink-0 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${FILL[tone]}`} style={{ width: `${Math.min(100, Math.max(0, percent))}%` }} />
      </div>
      <span className="w-14 whitespace-nowrap text-right text-xs tabular-nums text-slate-600">{formatPercent(percent)}</span>
    </div>
  );
}
