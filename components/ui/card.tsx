import type { ReactNode } from 'react';

export interface CardProps {
  /** Heading text; also the section's accessible name. */
  title: ReactNode;
  /** id of the heading (unique on the page). */
  id: string;
  /** h2 for a top-level section of a page, h3 inside one. */
  level?: 2 | 3;
  /** Next to the heading: a status line, buttons. */
  actions?: ReactNode;
  /** Under the heading. */
  description?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A white panel that is a named region (section + aria-labelledby). */
export function Card({ title, id, level = 2, actions, description, className = '', children }: CardProps) {
  const H = level === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={id} className={`rounded-xl bg-white shadow-sm ring-1 ring-slate-200 ${className}`}>
      <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2 border-b border-slate-100 px-5 py-3">
        <div className="min-w-0">
          <H id={id} className={level === 2 ? 'text-lg font-semibold text-slate-900' : 'text-base font-semibold text-slate-900'}>
            {title}
          </H>
          {description && <div className="mt-0.5 text-sm text-slate-600">{description}</div>}
        </div>
        {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
      </div>
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}
