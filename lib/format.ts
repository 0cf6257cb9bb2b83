/**
 * Display formatting shared by the pages (server and client). Pure: every function that depends on the current
 * time takes `now` as an argument, so server and browser render the same text for the same inputs.
 */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export const MiB = 1024 * 1024;

/** Bytes as MiB (the unit the wizards' size fields use). */
export const toMiB = (bytes: number): number => bytes / MiB;

/**
 * Binary units, one decimal only when it is not zero: 512 B, 1.5 KiB, 256 MiB, 3.6 GiB, 4 GiB. Negative numbers
 * keep their sign. The one rendering of sizes for pages, wizards and alerts.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  // Step up while the value would print as 1024 or more in the current unit.
  while (v >= 1023.95 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${sign}${Math.round(v)} B`;
  const r = v.toFixed(1);
  return `${sign}${r.endsWith('.0') ? r.slice(0, -2) : r} ${UNITS[i]}`;
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
 * A duration in words, two units at most: "0.4 s", "45 s", "3 min 5 s", "3 h 20 min", "1 d 6 h". The one
 * rendering of durations (jobs, ages, time to full): 30 h is "1 d 6 h" everywhere.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${(Math.max(0, ms) / 1000).toFixed(1).replace(/\.0$/, '')} s`;
  const totalS = Math.floor(ms / 1000);
  if (totalS < 60) return `${totalS} s`;
  const totalMin = Math.floor(totalS / 60);
  const s = totalS % 60;
  if (totalMin < 60) return s ? `${totalMin} min ${s} s` : `${totalMin} min`;
  const totalH = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  if (totalH < 24) return min ? `${totalH} h ${min} min` : `${totalH} h`;
  const d = Math.floor(totalH / 24);
  const h = totalH % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}

/**
 * Hours (as the trend API gives them) as a duration, to the minute (an estimate has no seconds) except below
 * one minute: formatHours(3.34) = "3 h 20 min", formatHours(30) = "1 d 6 h".
 */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return '—';
  const ms = hours * 3_600_000;
  return formatDuration(ms < 60_000 ? ms : Math.round(ms / 60_000) * 60_000);
}

/** The time between two ISO 8601 timestamps in ms, or null when one is missing or not a date. */
export function durationBetween(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isNaN(a) || Number.isNaN(b) ? null : b - a;
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
  // Whole minutes: an age shown in a table should not change every second.
  return now - t < 60_000 ? '< 1 min' : formatDuration(Math.floor((now - t) / 60_000) * 60_000);
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

/**
 * Date and time in UTC with the zone said: "2026-11-27 14:03:22 UTC". The one rendering of a stored timestamp
 * (jobs, audit, alerts, deliveries): server and browser print the same, and it matches the hosts' logs.
 */
export function formatUtc(then: string | number | Date | null | undefined): string {
  if (then === null || then === undefined || then === '') return '—';
  return toMs(then) === null ? '—' : `${formatDateTime(then, 'UTC')} UTC`;
}

/** `YYYYMMDD` in UTC (the server's default snapshot names use UTC too). */
export function utcDateStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}

function toMs(then: string | number | Date): number | null {
  const t = typeof then === 'number' ? then : typeof then === 'string' ? Date.parse(then) : then.getTime();
  return Number.isFinite(t) ? t : null;
}
