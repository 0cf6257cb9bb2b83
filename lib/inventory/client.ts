/**
 * Inventory for the browser: query keys, the fetcher behind them, and the hooks the pages poll with. The server
 * components prefetch the same keys with the same data shape (components/inventory/prefetch.ts), so a page is
 * rendered with data and then kept fresh by `refetchInterval`.
 *
 * Only types come from the server modules (erased at build time): nothing here may pull in lib/store or lib/host.
 */
import { keepPreviousData, useQueries, useQuery, type QueryClient, type UseQueryResult } from '@tanstack/react-query';
import type { HostInventoryResponse, SnapshotTrend } from './view';

export type { HostInventoryResponse, SnapshotTrend };

/** What a host is configured as; enough for a page to list it even when it never answered. */
export interface HostRef {
  id: string;
  name: string;
}

/**
 * One host's inventory query. `inventory` is the newest data Cowherd ever read from the host (it may be old: see
 * `inventory.reachable`); null when the host never answered since the server started.
 */
export interface HostInventoryData {
  inventory: HostInventoryResponse | null;
  /** Why the host did not answer the last read (host or API), when it did not. */
  error?: string;
}

export const inventoryKeys = {
  all: ['inventory'] as const,
  host: (hostId: string) => ['inventory', hostId] as const,
};

export function inventoryUrl(hostId: string): string {
  return `/api/hosts/${encodeURIComponent(hostId)}/inventory`;
}

/** The query data for an API answer: 200 (possibly reachable:false with the last good data) or 503 (never read). */
export function toHostInventoryData(
  body: HostInventoryResponse | null,
  error: string | undefined,
  previous?: HostInventoryData,
): HostInventoryData {
  if (body) return body.reachable ? { inventory: body } : { inventory: body, error: body.error ?? error ?? 'not answering' };
  // Never read since the server (re)started: keep what this browser saw before rather than blanking the page.
  const kept = previous?.inventory ? { ...previous.inventory, reachable: false } : null;
  return { inventory: kept, error: error ?? 'not answering' };
}

export async function fetchHostInventory(
  hostId: string,
  signal?: AbortSignal,
  previous?: HostInventoryData,
): Promise<HostInventoryData> {
  const res = await fetch(inventoryUrl(hostId), { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  if (res.status === 401 && typeof window !== 'undefined') {
    // The session expired: back to the login page, then here again.
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (res.status === 503) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    return toHostInventoryData(null, body.error, previous);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    // Throwing keeps the last data in the cache and marks the query as failed (shown as a banner).
    throw new Error(body.error ?? `HTTP ${res.status}`);
  }
  return toHostInventoryData((await res.json()) as HostInventoryResponse, undefined);
}

function hostQuery(hostId: string, pollMs: number) {
  return {
    queryKey: inventoryKeys.host(hostId),
    queryFn: ({ signal, client }: { signal: AbortSignal; client: QueryClient }) =>
      fetchHostInventory(hostId, signal, client.getQueryData<HostInventoryData>(inventoryKeys.host(hostId))),
    refetchInterval: pollMs,
    // Polling pauses in a hidden tab; the first render after it comes back refetches (refetchOnWindowFocus).
    placeholderData: keepPreviousData,
    // The polling interval is the freshness we promise; fetch again on mount only when older than that.
    staleTime: Math.max(1000, pollMs - 500),
    retry: 0,
  };
}

export type HostInventoryQuery = UseQueryResult<HostInventoryData>;

/** One host's inventory, polled every `pollMs`. */
export function useHostInventory(hostId: string, pollMs: number): HostInventoryQuery {
  return useQuery(hostQuery(hostId, pollMs));
}

/** Every host's inventory, in the order of `hosts`, each polled every `pollMs`. */
export function useHostInventories(hosts: readonly HostRef[], pollMs: number): { host: HostRef; query: HostInventoryQuery }[] {
  const queries = useQueries({ queries: hosts.map((h) => hostQuery(h.id, pollMs)) });
  return hosts.map((host, i) => ({ host, query: queries[i] as HostInventoryQuery }));
}
