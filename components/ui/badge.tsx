import type { ReactNode } from 'react';

export type Tone = 'slate' | 'green' | 'amber' | 'red' | 'blue' | 'violet' | 'emerald';

const TONES: Record<Tone, string> = {
  slate: 'bg-slate-100 text-slate-700 ring-slate-200',
  green: 'bg-green-50 text-green-800 ring-green-200',
  emerald: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  amber: 'bg-amber-50 text-amber-800 ring-amber-200',
  red: 'bg-red-50 text-red-800 ring-red-200',
  blue: 'bg-sky-50 text-sky-800 ring-sky-200',
  violet: 'bg-violet-50 text-violet-800 ring-violet-200',
};

/** Solid variants, for what must stand out in a dense table (e.g. "full in 3 h"). */
const STRONG: Record<Tone, string> = {
  slate: 'bg-slate-600 text-white ring-slate-600',
  green: 'bg-green-600 text-white ring-green-600',
  emerald: 'bg-emerald-600 text-white ring-emerald-600',
  amber: 'bg-amber-500 text-white ring-amber-500',
  red: 'bg-red-600 text-white ring-red-600',
  blue: 'bg-sky-600 text-white ring-sky-600',
  violet: 'bg-violet-600 text-white ring-violet-600',
};

export interface BadgeProps {
  tone?: Tone;
  strong?: boolean;
  /** Tooltip (native title) with the longer story. */
  title?: string;
  className?: string;
  children: ReactNode;
}

/** A short label with a colour: kinds, states, warnings. */
export function Badge({ tone = 'slate', strong = false, title, className = '', children }: BadgeProps) {
  return (
    <span
      title={title}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${
        strong ? STRONG[tone] : TONES[tone]
      } ${className}`}
    >
      {children}
    </span>
  );
}
