/**
 * Display formatting shared by the pages (server and client). Pure: every function that depends on the current
 * time takes `now` as an argument, so server and browser render the same text for the same inputs.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Binary units with one decimal: 512 B, 1.5 KiB, 256.0 MiB, 4.0 GiB. Negative numbers keep their sign. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  // Step up while the value would print as 1024.0 or more in the current unit.
  while (v >= 1023.95 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${sign}${Math.round(v)} B` : `${sign}${v.toFixed(1)} ${UNITS[i]}`;
}

/** A percentage as lvm2 prints it (two decimals) or with fewer: formatPercent(18.85) = "18.85%". */
export function formatPercent(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(decimals)}%`;
}

/** Percentage points per hour, signed: "+1.25 %/h", "-0.50 %/h", "0.00 %/h". */
export function formatRate(perHour: number | null | undefined): string {
  if (perHour === null || perHour === undefined || !Number.isFinite(perHour)) return '—';
  const sign = perHour > 0 ? '+' : '';
  return `${sign}${perHour.toFixed(2)} %/h`;
}

/**
 * A duration in words, two units at most: "45 s", "12 min", "3 h 20 min", "2 d 4 h". Seconds appear only
 * below one minute; below one second: "0 s".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const totalS = Math.max(0, Math.floor(ms / 1000));
  if (totalS < 60) return `${totalS} s`;
  const totalMin = Math.floor(totalS / 60);
  if (totalMin < 60) return `${totalMin} min`;
  const totalH = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  if (totalH < 24) return min ? `${totalH} h ${min} min` : `${totalH} h`;
  const d = Math.floor(totalH / 24);
  const h = totalH % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** Hours (as the trend API gives them) as a duration: formatHours(3.34) = "3 h 20 min". */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  return formatDuration(hours * 3_600_000);
}

/** How long ago `then` was, one unit: "just now", "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(then: string | number | Date, now: number): string {
  const t = toMs(then);
  if (t === null) return '—';
  const s = Math.floor((now - t) / 1000);
  if (s < 1) return 'just now';
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/**
 * The age of something created at `then` (an LV's lv_time): "< 1 min", "5 min", "3 h 20 min", "2 d 4 h";
 * "—" if unknown. Minutes at best: lv_time has seconds, but ages are shown in tables that re-render rarely.
 */
export function formatAge(then: string | number | Date | null | undefined, now: number): string {
  if (then === null || then === undefined) return '—';
  const t = toMs(then);
  if (t === null) return '—';
  return now - t < 60_000 ? '< 1 min' : formatDuration(now - t);
}

/**
 * Time of day, HH:MM:SS (24 h). `timeZone` defaults to the runtime's zone; pass 'UTC' where the output must
 * not depend on where the code runs (server rendering).
 */
export function formatClock(then: string | number | Date, timeZone?: string): string {
  const t = toMs(then);
  if (t === null) return '—';
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(t);
}

/** Date and time for tooltips: "2026-11-27 14:03:22" in the runtime's zone (or `timeZone`). */
export function formatDateTime(then: string | number | Date, timeZone?: string): string {
  const t = toMs(then);
  if (t === null) return '—';
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(t);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

function toMs(then: string | number | Date): number | null {
  const t = typeof then === 'number' ? then : typeof then === 'string' ? Date.parse(then) : then.getTime();
  return Number.isFinite(t) ? t : null;
}
