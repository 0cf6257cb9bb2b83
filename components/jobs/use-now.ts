'use client';

import { useEffect, useState } from 'react';

/**
 * The current time, ticking every `ms` while `active`; null during the server render and the first client render
 * (so elapsed times never cause a hydration mismatch).
 */
export function useNow(active: boolean, ms = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}
