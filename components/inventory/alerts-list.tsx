'use client';

import { useState } from 'react';
import { ButtonLink, buttonClasses } from '@/components/ui/button-link';
import type { AlertSeverity, InventoryAlert } from './derive';

const ICON: Record<AlertSeverity, { bg: string; ring: string; mark: string; word: string }> = {
  critical: { bg: 'bg-red-600', ring: 'border-red-200 bg-red-50/60', mark: '!', word: 'Critical' },
  warning: { bg: 'bg-amber-500', ring: 'border-amber-200 bg-amber-50/60', mark: '!', word: 'Warning' },
  info: { bg: 'bg-sky-600', ring: 'border-sky-200 bg-sky-50/60', mark: 'i', word: 'Info' },
};

const FIRST = 8;

export interface AlertsListProps {
  alerts: InventoryAlert[];
  /** id of the heading that names the list. */
  labelledBy: string;
}

/** Alerts, most severe first, each with a link to what fixes it. Long lists show the first few. */
export function AlertsList({ alerts, labelledBy }: AlertsListProps) {
  const [all, setAll] = useState(false);
  if (alerts.length === 0) {
    return (
      <p className="flex items-center gap-2 text-sm text-slate-600">
        <span aria-hidden="true" className="flex size-5 items-center justify-center rounded-full bg-emerald-100 text-xs text-emerald-700">
          ✓
        </span>
        No alerts: every snapshot is healthy.
      </p>
    );
  }
  const shown = all ? alerts : alerts.slice(0, FIRST);
  return (
    <>
      <ul aria-labelledby={labelledBy} className="space-y-2">
        {shown.map((a) => {
          const s = ICON[a.severity];
          return (
            <li key={a.id} className={`flex items-start gap-3 rounded-lg border px-3 py-2 ${s.ring}`}>
              <span
                aria-hidden="true"
                className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${s.bg}`}
              >
                {s.mark}
              </span>
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">
                  <span className="sr-only">{s.word}: </span>
                  {a.message}
                </p>
                {a.detail && <p className="text-xs text-slate-600">{a.detail}</p>}
              </div>
              {a.action && (
                <ButtonLink href={a.action.href} size="sm" variant={a.severity === 'critical' ? 'primary' : 'secondary'}>
                  {a.action.label}
                </ButtonLink>
              )}
            </li>
          );
        })}
      </ul>
      {alerts.length > FIRST && (
        <button type="button" onClick={() => setAll(!all)} className={`mt-2 ${buttonClasses('ghost', 'sm')}`}>
          {all ? 'Show fewer alerts' : `Show all ${alerts.length} alerts`}
        </button>
      )}
    </>
  );
}
