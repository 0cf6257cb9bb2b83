'use client';

import { useVirtualizer, type VirtualItem } from '@tanstack/react-virtual';
import type { RefObject } from 'react';

/** Above this many rows a table renders only what is in view. */
export const VIRTUALIZE_ABOVE = 100;

export interface VirtualRows {
  /** The rows to render: all of them for short tables, the visible window for long ones. */
  items: { index: number; key: string | number; start?: number }[];
  /** Empty space above and below the rendered rows (render as spacer rows). */
  paddingTop: number;
  paddingBottom: number;
  virtual: boolean;
  /** Pass as `ref` on each rendered <tr> together with data-index, so real row heights are measured. */
  measureElement: (el: Element | null) => void;
}

const noop = () => undefined;

/**
 * Virtualise a table body inside `scrollRef` (a TableFrame with maxHeight) once it has more than
 * VIRTUALIZE_ABOVE rows. Short tables render every row, also on the server.
 */
export function useVirtualRows(
  count: number,
  scrollRef: RefObject<HTMLDivElement | null>,
  estimateRowPx: number,
  getKey?: (index: number) => string | number,
): VirtualRows {
  const virtual = count > VIRTUALIZE_ABOVE;
  const v = useVirtualizer({
    count,
    enabled: virtual,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => estimateRowPx,
    overscan: 12,
    getItemKey: getKey,
    // Until the browser measures, assume a screenful (the server then renders the first rows too).
    initialRect: { width: 1200, height: 800 },
  });
  if (!virtual) {
    return {
      items: Array.from({ length: count }, (_, index) => ({ index, key: getKey ? getKey(index) : index })),
      paddingTop: 0,
      paddingBottom: 0,
      virtual: false,
      measureElement: noop,
    };
  }
  const items: VirtualItem[] = v.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  return {
    items: items.map((i) => ({ index: i.index, key: i.key as string | number, start: i.start })),
    paddingTop: first ? first.start - v.options.scrollMargin : 0,
    paddingBottom: last ? v.getTotalSize() - last.end : 0,
    virtual: true,
    measureElement: v.measureElement,
  };
}
