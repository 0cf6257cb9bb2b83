import type { ReactNode } from 'react';
import { focusRing } from './button-link';

const thBase =
  'sticky top-0 z-10 whitespace-nowrap border-b border-slate-200 bg-slate-50 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';
/** Header cell classes: sticky inside a TableFrame, so the header stays while the rows scroll. */
export const thClass = `${thBase} px-3`;
export const tdClass = 'px-3 py-2 align-middle text-sm text-slate-700';
/** The same for wide tables (many columns): less padding. */
export const thDenseClass = `${thBase} px-2`;
export const tdDenseClass = 'px-2 py-2 align-middle text-sm text-slate-700';

export interface TableFrameProps {
  /** Caption for assistive technology (visually hidden unless `showCaption`). */
  caption: string;
  showCaption?: boolean;
  /** Cap the height (rows scroll under the sticky header). Needed for virtualised tables. */
  maxHeight?: string;
  className?: string;
  /** Receives the scroll container (for a virtualiser). */
  scrollRef?: React.Ref<HTMLDivElement>;
  children: ReactNode;
}

/** A table in a scroll container with a sticky header: <TableFrame caption=...><thead/><tbody/></TableFrame>. */
export function TableFrame({ caption, showCaption = false, maxHeight, className = '', scrollRef, children }: TableFrameProps) {
  return (
    <div
      ref={scrollRef}
      className={`overflow-auto rounded-lg ring-1 ring-slate-200 ${className}`}
      style={maxHeight ? { maxHeight } : undefined}
    >
      <table className="min-w-full border-separate border-spacing-0 bg-white">
        <caption className={showCaption ? 'px-3 py-2 text-left text-sm font-medium text-slate-700' : 'sr-only'}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export type SortDirection = 'ascending' | 'descending';

export interface SortableHeaderProps {
  label: string;
  /** This column's direction when the table is sorted by it, else null. */
  direction: SortDirection | null;
  onSort: () => void;
  className?: string;
  /** Right-align numbers. */
  align?: 'left' | 'right';
  /** Less padding, for wide tables (see thDenseClass). */
  dense?: boolean;
}

/** A column header that sorts on click: a button inside a <th aria-sort>. */
export function SortableHeader({ label, direction, onSort, className = '', align = 'left', dense = false }: SortableHeaderProps) {
  const arrow = direction === 'ascending' ? '▲' : direction === 'descending' ? '▼' : '↕';
  return (
    <th scope="col" aria-sort={direction ?? 'none'} className={`${dense ? thDenseClass : thClass} ${align === 'right' ? 'text-right' : ''} ${className}`}>
      <button
        type="button"
        onClick={onSort}
        className={`inline-flex items-center gap-1 rounded uppercase tracking-wide hover:text-slate-900 ${focusRing} ${
          direction ? 'text-slate-900' : ''
        }`}
      >
        {label}
        <span aria-hidden="true" className={`text-[10px] ${direction ? 'text-emerald-700' : 'text-slate-400'}`}>
          {arrow}
        </span>
      </button>
    </th>
  );
}
