import 'server-only';
import pLimit from 'p-limit';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import type { Inventory } from './types';
import { lastInventory, pollHost } from './service';

/**
 * The monitor: every host on its own loop, so one slow or unreachable host never delays another's figures; at most
 * COWHERD_POLL_CONCURRENCY polls run at once (a bounded pool, so 200 hosts do not open 200 ssh sessions at the
 * same moment). A loop never overlaps itself: the next poll of a host starts one interval after the last one
 * STARTED, or at once when the last one took longer than the interval.
 *
 * The interval is COWHERD_POLL_MS, or COWHERD_POLL_FAST_MS while the host is "hot": a snapshot above the threshold
 * that the alert engine registers (its warning or auto-extend threshold), where a few seconds decide whether a
 * snapshot is saved by an extension or lost.
 */
type HotPredicate = (inv: Inventory) => boolean;

const g = globalThis as { __cowherdMonitor?: { stop: () => void; hot: { fn: HotPredicate } } };

/** Default until the alert engine registers its own: any valid classic snapshot at or above 50 % (lvm2's lowest auto-extend threshold). */
const defaultHot: HotPredicate = (inv) => inv.lvs.some((lv) => lv.kind === 'snapshot' && !lv.invalid && (lv.cowPercent ?? 0) >= 50);

export function setHotPredicate(fn: HotPredicate): void {
  if (g.__cowherdMonitor) g.__cowherdMonitor.hot.fn = fn;
}

export function pollIntervalFor(inv: Inventory | undefined, hot: HotPredicate, pollMs: number, fastMs: number): number {
  return inv && hot(inv) ? Math.min(fastMs, pollMs) : pollMs;
}

export function startMonitor(): void {
  if (g.__cowherdMonitor) return;
  const limit = pLimit(env().COWHERD_POLL_CONCURRENCY);
  const hot = { fn: defaultHot };
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();

  const loop = (hostId: string) => {
    if (stopped) return;
    const started = Date.now();
    void limit(() => pollHost(hostId))
      .catch(() => undefined) // the failure is kept in the host's state (banner, alerts)
      .finally(() => {
        if (stopped) return;
        const interval = pollIntervalFor(lastInventory(hostId), hot.fn, env().COWHERD_POLL_MS, env().COWHERD_POLL_FAST_MS);
        const t = setTimeout(() => loop(hostId), Math.max(0, interval - (Date.now() - started)));
        t.unref();
        timers.set(hostId, t);
      });
  };
  for (const h of config().hosts) loop(h.id);
  g.__cowherdMonitor = {
    hot,
    stop: () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
