'use client';

import { useQuery } from '@tanstack/react-query';
import type { HostInventoryResponse } from '@/lib/inventory/view';

async function fetchInventory(host: string): Promise<HostInventoryResponse> {
  const res = await fetch(`/api/hosts/${encodeURIComponent(host)}/inventory`, { cache: 'no-store' });
  const body = (await res.json()) as HostInventoryResponse | { error?: string };
  if (!res.ok || !('lvs' in body)) throw new Error(('error' in body && body.error) || `HTTP ${res.status}`);
  return body;
}

/**
 * The host's inventory for a wizard's form: the server renders the page with it, the browser keeps it current so
 * free space and name clashes stay right while the user types. Decisions are the server's (it re-reads the host
 * for every plan); this only feeds the form's hints and live validation.
 */
export function useHostInventory(host: string, initial: HostInventoryResponse) {
  return useQuery({
    queryKey: ['wizard-inventory', host],
    queryFn: () => fetchInventory(host),
    initialData: initial,
    initialDataUpdatedAt: Date.parse(initial.collectedAt) || undefined,
    refetchInterval: 10_000,
  });
}
