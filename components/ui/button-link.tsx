import Link from 'next/link';
import type { ReactNode } from 'react';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'ghost';
export type ButtonSize = 'sm' | 'md';

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-cow-700 text-white shadow-sm hover:bg-cow-600',
  secondary: 'bg-white text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50',
  danger: 'bg-white text-red-700 shadow-sm ring-1 ring-inset ring-red-200 hover:bg-red-50',
  ghost: 'text-cow-700 hover:bg-cow-50 hover:text-cow-900',
};

const SIZES: Record<ButtonSize, string> = {
  sm: 'px-2 py-1 text-xs',
  md: 'px-3 py-2 text-sm',
};

export const focusRing =
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600';

/** The classes of a button, for <button> and <Link> alike. */
export function buttonClasses(variant: ButtonVariant = 'secondary', size: ButtonSize = 'md'): string {
  return `inline-flex items-center justify-center gap-1 whitespace-nowrap rounded-md font-medium ${VARIANTS[variant]} ${SIZES[size]} ${focusRing}`;
}

export interface ButtonLinkProps {
  href: string;
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Accessible name when the visible text is short ("Extend" next to many snapshots). */
  'aria-label'?: string;
  title?: string;
  className?: string;
  children: ReactNode;
}

/** A link that looks like a button: navigation to a wizard or a page. */
export function ButtonLink({ href, variant = 'secondary', size = 'md', className = '', children, ...rest }: ButtonLinkProps) {
  return (
    <Link href={href} prefetch={false} className={`${buttonClasses(variant, size)} ${className}`} {...rest}>
      {children}
    </Link>
  );
}
