import type { PolicySelector } from '@/lib/policies/schema';

/** A selector in words: "guest web01 on lab", "vg1/thin1 on lab", "guests web* on lab". */
export function describeSelector(s: PolicySelector): string {
  if (s.type === 'guest') return `guest ${s.guest} on ${s.host}`;
  if (s.type === 'glob') return `guests ${s.pattern} on ${s.host}`;
  return `${s.vg}/${s.lv} on ${s.host}`;
}

/** Retention in PBS' words: "keep-last 2, keep-daily 7"; "keep everything" when no option is set. */
export function describeRetention(r: Record<string, number | undefined>): string {
  const parts = Object.entries(r)
    .filter(([, v]) => (v ?? 0) > 0)
    .map(([k, v]) => `${k.replace(/^keep/, 'keep-').toLowerCase()} ${v}`);
  return parts.length ? parts.join(', ') : 'keep everything';
}
