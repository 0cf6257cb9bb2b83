import { Cron } from 'croner';
import type { RunTrigger } from './schema';

/** What the scheduler needs of a policy to know whether it is due. */
export interface Schedulable {
  schedule: { cron: string; timeZone: string };
  createdAt: string;
  /** The due time last handled (run, skipped or caught up); null before the first. */
  lastDueAt: string | null;
}

/** A due time handled later than this counts as a catch-up (the server was down or busy). */
export const LATE_MS = 60_000;

const crons = new Map<string, Cron>();
function cronFor(p: Schedulable): Cron | null {
  const key = `${p.schedule.timeZone}\n${p.schedule.cron}`;
  let c = crons.get(key);
  if (!c) {
    try {
      c = new Cron(p.schedule.cron, { timezone: p.schedule.timeZone, mode: '5-or-6-parts', paused: true });
    } catch {
      return null; // validated on save; a schedule croner no longer accepts simply does not run
    }
    crons.set(key, c);
  }
  return c;
}

/**
 * The due time to act on now, if any: croner's next time after the last handled one, when it has come. The caller
 * then records "handled up to now", so however many due times passed while the server was down, one run starts.
 */
export function dueNow(p: Schedulable, now: number): { due: number; trigger: RunTrigger } | null {
  const c = cronFor(p);
  if (!c) return null;
  const next = c.nextRun(new Date(p.lastDueAt ?? p.createdAt));
  if (!next || next.getTime() > now) return null;
  return { due: next.getTime(), trigger: now - next.getTime() > LATE_MS ? 'catch-up' : 'schedule' };
}
