import type { Check, PlanResult } from './types';

/**
 * A preflight check. `detail` says what the check found, in the words that fit its outcome: `ok` when it passed
 * (shown next to a green tick), `bad` when it failed (the reason, and what to do).
 */
export function check(title: string, ok: boolean, detail: { ok?: string; bad?: string } = {}, blocking = true): Check {
  return { title, ok, detail: ok ? detail.ok : detail.bad, blocking };
}

/** The failed blocking checks as a refusal (their reasons joined), or null when the plan may go on. */
export function blockedBy(preflight: Check[]): PlanResult | null {
  const bad = preflight.filter((c) => !c.ok && c.blocking);
  if (bad.length === 0) return null;
  return { ok: false, error: bad.map((c) => `${c.title}: ${c.detail ?? 'failed'}`).join('; '), preflight };
}
