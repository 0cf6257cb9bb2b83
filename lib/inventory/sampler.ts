import 'server-only';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { db } from '@/lib/store/db';
import { pruneSamples, recordSamples } from '@/lib/store/samples';
import { onInventory, refreshInventory } from './service';

const KEEP_MS = 14 * 24 * 3_600_000;
const g = globalThis as { __cowherdSampler?: NodeJS.Timeout };

/**
 * While the server runs, read every host at the polling interval and record each active snapshot's COW fill.
 * Pages that poll at the same time share these reads (refreshInventory reuses a result younger than a second).
 */
export function startSampler(): void {
  if (g.__cowherdSampler) return;
  onInventory((inv) => recordSamples(db(), inv));
  let ticks = 0;
  const tick = () => {
    for (const h of config().hosts) {
      refreshInventory(h.id, env().COWHERD_POLL_MS / 2).catch(() => undefined);
    }
    if (ticks++ % 720 === 0) pruneSamples(db(), KEEP_MS);
  };
  tick();
  g.__cowherdSampler = setInterval(tick, env().COWHERD_POLL_MS);
  g.__cowherdSampler.unref();
}
