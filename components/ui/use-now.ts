'use client';

import { useSyncExternalStore } from 'react';

// One ticking clock for the whole page. Components read it rounded to the precision they show, so a table that
// prints ages in minutes re-renders once a minute, not every second.

let now = 0;
let timer: ReturnType<typeof setInterval> | undefined;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const serverSnapshot = (): null => null;

/**
 * The current time in ms, rounded down to `precisionMs`; null while the server renders and during hydration,
 * so nothing that depends on the clock or the browser's time zone can mismatch the server's HTML.
 */
export function useNow(precisionMs = 1000): number | null {
  return useSyncExternalStore(
    subscribe,
    () => {
      if (now === 0) now = Date.now();
      return Math.floor(now / precisionMs) * precisionMs;
    },
    serverSnapshot,
  );
}
