import 'server-only';
import { dehydrate, type DehydratedState } from '@tanstack/react-query';
import { getRules } from '@/lib/alerts/store';
import type { AlertRule } from '@/lib/alerts/types';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { inventoryKeys, toHostInventoryData, type HostInventoryData, type HostRef } from '@/lib/inventory/client';
import { lastInventory } from '@/lib/inventory/service';
import { hostInventory, trendsFor } from '@/lib/inventory/view';
import { getQueryClient } from '@/lib/query/client';
import { db } from '@/lib/store/db';

/**
 * How long a page waits for a host before it renders anyway. A host that does not answer (ssh waits up to its
 * ConnectTimeout) must not hold the page: it is rendered from the last inventory read from it, if any, and the
 * browser's first poll brings the verdict.
 */
const PREFETCH_DEADLINE_MS = 4000;

export interface PrefetchedInventory {
  hosts: HostRef[];
  pollMs: number;
  state: DehydratedState;
  /** The stored alert rules: the pages evaluate them with the server's evaluator (lib/alerts/rules.ts). */
  rules: AlertRule[];
}

/**
 * TanStack's app-router prefetching: read the hosts' inventories on the server, directly (not over HTTP), into a
 * per-request QueryClient, under the same keys and in the same shape the browser's queries use. The caller wraps
 * its client components in <HydrationBoundary state={state}>, and they keep polling from there.
 */
export async function prefetchInventory(hostIds?: readonly string[]): Promise<PrefetchedInventory> {
  const all = config().hosts.map((h) => ({ id: h.id, name: h.name }));
  const hosts = hostIds ? all.filter((h) => hostIds.includes(h.id)) : all;
  const pollMs = env().COWHERD_POLL_MS;
  // The first render may use what the sampler read a few polls ago (the page shows its age, and the browser
  // refreshes it at the next poll); waiting for a fresh read would make every navigation as slow as the host.
  const maxAgeMs = Math.max(3 * pollMs, 10_000);
  const qc = getQueryClient();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all(
      hosts.map((h) =>
        qc.prefetchQuery({
          queryKey: inventoryKeys.host(h.id),
          queryFn: async () => {
            const r = await hostInventory(h.id, maxAgeMs);
            return toHostInventoryData(r.body, r.error);
          },
        }),
      ),
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PREFETCH_DEADLINE_MS);
    }),
  ]);
  clearTimeout(timer);
  for (const h of hosts) {
    const key = inventoryKeys.host(h.id);
    if (qc.getQueryState(key)?.status === 'success') continue;
    const last = lastInventory(h.id);
    // Only what this server read before; whether the host answers now is left to the browser's first poll.
    if (last) qc.setQueryData<HostInventoryData>(key, { inventory: { ...last, reachable: true, trends: trendsFor(last) } });
  }
  return { hosts, pollMs, state: dehydrate(qc), rules: getRules(db()) };
}
