import type { Check } from '@/lib/ops/types';

/** Preflight checks with ✓ / ✗ (a failed check that does not block is a warning, ⚠). */
export function CheckList({ checks, label }: { checks: Check[]; label: string }) {
  return (
    <ul aria-label={label} className="space-y-1 text-sm">
      {checks.map((c, i) => {
        const mark = c.ok ? '✓' : c.blocking ? '✗' : '⚠';
        const color = c.ok ? 'text-emerald-700' : c.blocking ? 'text-red-700' : 'text-amber-700';
        return (
          <li key={`${i}-${c.title}`} className="flex gap-2">
            <span aria-hidden="true" className={`w-4 shrink-0 font-bold ${color}`}>
              {mark}
            </span>
            <span>
              <span className="sr-only">{c.ok ? 'passed: ' : c.blocking ? 'failed: ' : 'warning: '}</span>
              <span className="font-medium text-slate-900">{c.title}</span>
              {c.detail ? <span className="text-slate-600"> — {c.detail}</span> : null}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
