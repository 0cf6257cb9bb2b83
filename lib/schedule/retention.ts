/**
 * Retention with Proxmox Backup Server's prune semantics, over one policy's own series (its snapshots or its
 * backups, never anything else's). Pure and browser-safe: the policy form previews "what would be pruned" with it.
 *
 * The rules, as PBS applies them (pbs-datastore prune.rs, compute_prune_info / mark_selections):
 * - the series is sorted newest first; the options are applied in order keep-last, -hourly, -daily, -weekly,
 *   -monthly, -yearly;
 * - each option walks the series and keeps the newest item of each new period (an hour, a day, an ISO week,
 *   a month, a year, in the policy's time zone) until it has kept N periods; an older item of a period it kept
 *   from is pruned there and then (later options skip it); an item in a period that an earlier option already
 *   kept from is skipped (it neither counts nor is kept again);
 * - periods without an item do not count (keep-daily 7 keeps the last 7 days that HAVE a run);
 * - a protected item is always kept and never counts;
 * - everything no option kept is pruned. Unlike PBS, a policy with no keep option at all keeps everything
 *   (a policy that forgot its retention must not delete its whole series).
 * Each decision carries its reason, so the UI can answer "why was this not pruned?".
 */

export interface RetentionOptions {
  keepLast?: number;
  keepHourly?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  keepYearly?: number;
}

export interface RetentionItem {
  id: string;
  /** When the item was made (ISO 8601 or epoch ms). */
  time: string | number;
  protected?: boolean;
}

export type RetentionMark = 'keep' | 'protected' | 'prune';

export interface RetentionDecision {
  id: string;
  mark: RetentionMark;
  /** "keep-last 2 of 2", "keep-daily: 2026-11-30 (1 of 7)", "protected", "not kept by any option". */
  reason: string;
}

const OPTIONS = ['keepLast', 'keepHourly', 'keepDaily', 'keepWeekly', 'keepMonthly', 'keepYearly'] as const;
type Option = (typeof OPTIONS)[number];

const LABEL: Record<Option, string> = {
  keepLast: 'keep-last',
  keepHourly: 'keep-hourly',
  keepDaily: 'keep-daily',
  keepWeekly: 'keep-weekly',
  keepMonthly: 'keep-monthly',
  keepYearly: 'keep-yearly',
};

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localParts(ms: number, timeZone: string): LocalParts {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const get = (type: string) => Number(f.formatToParts(ms).find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour') };
}

/** ISO 8601 week-numbering year and week (strftime %G/%V) of a calendar date. */
export function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const dow = d.getUTCDay() || 7; // Monday 1 .. Sunday 7
  d.setUTCDate(d.getUTCDate() + 4 - dow); // the Thursday of this week decides its year
  const y = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(y, 0, 1)) / 86_400_000 + 1) / 7);
  return { year: y, week };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The period an item falls in for an option, as a label ("2026-11-30", "2026-W48"); keep-last: the item itself. */
function periodOf(option: Option, ms: number, id: string, timeZone: string): string {
  if (option === 'keepLast') return `#${id}`;
  const p = localParts(ms, timeZone);
  switch (option) {
    case 'keepHourly':
      return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}h`;
    case 'keepDaily':
      return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
    case 'keepWeekly': {
      const w = isoWeek(p.year, p.month, p.day);
      return `${w.year}-W${pad(w.week)}`;
    }
    case 'keepMonthly':
      return `${p.year}-${pad(p.month)}`;
    case 'keepYearly':
      return `${p.year}`;
  }
}

const toMs = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t));

/** Decide, for every item of one series, whether it is kept, protected or pruned, and why. */
export function applyRetention(items: readonly RetentionItem[], options: RetentionOptions, timeZone = 'UTC'): RetentionDecision[] {
  const list = [...items].sort((a, b) => toMs(b.time) - toMs(a.time) || (a.id < b.id ? 1 : -1));
  const decided = new Map<string, RetentionDecision>();
  const active = OPTIONS.filter((o) => (options[o] ?? 0) > 0);

  for (const item of list) {
    if (item.protected) decided.set(item.id, { id: item.id, mark: 'protected', reason: 'protected' });
  }
  if (active.length === 0) {
    return list.map((i) => decided.get(i.id) ?? { id: i.id, mark: 'keep', reason: 'no retention set: everything is kept' });
  }

  for (const option of active) {
    const keep = options[option] ?? 0;
    const period = (i: RetentionItem) => periodOf(option, toMs(i.time), i.id, timeZone);
    // Periods an earlier option already kept an item from do not count again.
    const already = new Set(list.filter((i) => decided.get(i.id)?.mark === 'keep').map(period));
    const included = new Set<string>();
    for (const item of list) {
      if (decided.has(item.id)) continue;
      const p = period(item);
      if (already.has(p)) continue;
      if (included.has(p)) {
        // As PBS: an older item of a period this option kept from is pruned, and later options skip it.
        decided.set(item.id, { id: item.id, mark: 'prune', reason: `${LABEL[option]}: a newer item of ${p} is kept` });
        continue;
      }
      if (included.size >= keep) break;
      included.add(p);
      const label = option === 'keepLast' ? `${LABEL[option]} (${included.size} of ${keep})` : `${LABEL[option]}: ${p} (${included.size} of ${keep})`;
      decided.set(item.id, { id: item.id, mark: 'keep', reason: label });
    }
  }
  return list.map((i) => decided.get(i.id) ?? { id: i.id, mark: 'prune', reason: 'not kept by any option' });
}
