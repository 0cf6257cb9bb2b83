import { formatBytes, formatPercent } from '@/lib/format';

export interface CapacityBarProps {
  /** Accessible name, e.g. "Capacity of vg0". */
  label: string;
  usedBytes: number;
  totalBytes: number;
  /** Show "used of total · free" under the bar. */
  showText?: boolean;
  className?: string;
}

/** Used and free space of a volume group (or any store of bytes), as a meter with its numbers. */
export function CapacityBar({ label, usedBytes, totalBytes, showText = true, className = '' }: CapacityBarProps) {
  const pct = totalBytes > 0 ? (usedBytes / totalBytes) * 100 : 0;
  const free = Math.max(0, totalBytes - usedBytes);
  const colour = pct >= 95 ? 'bg-red-600' : pct >= 85 ? 'bg-amber-500' : 'bg-cow-600';
  return (
    <div className={className}>
      <div
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={totalBytes}
        aria-valuenow={usedBytes}
        aria-valuetext={`${formatBytes(usedBytes)} used of ${formatBytes(totalBytes)}, ${formatBytes(free)} free`}
        className="h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${colour}`} style={{ width: `${Math.min(100, pct)}%` }} />
      </div>
      {showText && (
        <p className="mt-1 flex flex-wrap justify-between gap-x-3 text-xs text-slate-600">
          <span>
            <span className="font-medium text-slate-800">{formatBytes(usedBytes)}</span> used of {formatBytes(totalBytes)} (
            {formatPercent(pct, 0)})
          </span>
          <span>
            <span className="font-medium text-slate-800">{formatBytes(free)}</span> free
          </span>
        </p>
      )}
    </div>
  );
}
