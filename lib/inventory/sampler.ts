import 'server-only';
import { db } from '@/lib/store/db';
import { pruneSamples, recordSamples } from '@/lib/store/samples';
import { startMonitor } from './monitor';
import { onInventory } from './service';

const KEEP_MS = 14 * 24 * 3_600_000;
const g = globalThis as { __cowherdSampler?: NodeJS.Timeout };

/**
 * While the server runs, the monitor polls every host (device-mapper figures at each interval, the full inventory
 * when something changed) and every inventory it publishes records each active snapshot's COW fill. Pages read
 * what the monitor keeps fresh instead of starting reads of their own.
 */
export function startSampler(): void {
  if (g.__cowherdSampler) return;
  onInventory((inv) => recordSamples(db(), inv));
  startMonitor();
  const prune = () => pruneSamples(db(), KEEP_MS);
  prune();
  g.__cowherdSampler = setInterval(prune, 3_600_000);
  g.__cowherdSampler.unref();
}
