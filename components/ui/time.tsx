'use client';

import { formatAgo, formatClock, formatDateTime } from '@/lib/format';
import { useNow } from './use-now';

/**
 * A time of day (HH:MM:SS in the browser's zone). On the server and during hydration it prints UTC, marked as
 * such, because the server does not know the browser's zone.
 */
export function ClockTime({ at, className = '' }: { at: string | number; className?: string }) {
  const now = useNow(60_000);
  const local = now !== null;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return <span className={className}>—</span>;
  const iso = new Date(ms).toISOString();
  return (
    <time dateTime={iso} title={local ? formatDateTime(at) : `${formatDateTime(at, 'UTC')} UTC`} className={`tabular-nums ${className}`}>
      {local ? formatClock(at) : `${formatClock(at, 'UTC')} UTC`}
    </time>
  );
}

/** "12 s ago", ticking every second once the page runs in the browser (empty before). */
export function TimeAgo({ at, className = '' }: { at: string | number; className?: string }) {
  const now = useNow(1000);
  if (now === null) return null;
  return <span className={`tabular-nums ${className}`}>{formatAgo(at, now)}</span>;
}
