import type { ReactNode } from 'react';

export interface BannerProps {
  tone: 'error' | 'warning' | 'info';
  title?: ReactNode;
  children?: ReactNode;
  className?: string;
}

const TONES = {
  error: 'border-red-300 bg-red-50 text-red-900',
  warning: 'border-amber-300 bg-amber-50 text-amber-900',
  info: 'border-sky-200 bg-sky-50 text-sky-900',
} as const;

const ICON = { error: '!', warning: '!', info: 'i' } as const;
const ICON_BG = { error: 'bg-red-600', warning: 'bg-amber-500', info: 'bg-sky-600' } as const;

/** A message across the width of its container. Errors are announced (role="alert"), the rest is a status. */
export function Banner({ tone, title, children, className = '' }: BannerProps) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`flex gap-3 rounded-lg border px-4 py-3 text-sm ${TONES[tone]} ${className}`}>
      <span
        aria-hidden="true"
        className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold text-white ${ICON_BG[tone]}`}
      >
        {ICON[tone]}
      </span>
      <div className="min-w-0 space-y-1">
        {title && <p className="font-semibold">{title}</p>}
        {children && <div className="break-words">{children}</div>}
      </div>
    </div>
  );
}
