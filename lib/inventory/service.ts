import 'server-only';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { runnerFor } from '@/lib/host';
import { collectInventory } from './collect';
import type { HostStatus, Inventory } from './types';

interface HostState {
  last?: Inventory;
  lastError?: { message: string; at: string };
  inflight?: Promise<Inventory>;
  /** When the last read asked for with ?fresh=1 started (epoch ms). */
  lastFreshStart?: number;
}

/**
 * At most one ?fresh=1 read is started per host in this interval. Any viewer can ask for fresh reads, and each is
 * a root command on the host: without a limit a script in a loop would keep the host busy.
 */
export const FRESH_READ_INTERVAL_MS = 5000;

export interface InventoryView {
  /** The newest inventory read from the host (possibly older than the last failed attempt). */
  inventory: Inventory | null;
  reachable: boolean;
  error?: string;
  errorAt?: string;
}

const g = globalThis as { __cowherdInventory?: Map<string, HostState> };
const states: Map<string, HostState> = (g.__cowherdInventory ??= new Map<string, HostState>());

function state(hostId: string): HostState {
  let s = states.get(hostId);
  if (!s) states.set(hostId, (s = {}));
  return s;
}

const listeners = new Set<(inv: Inventory) => void>();
/** Called with every successful refresh (the COW sampler and alerting listen). */
export function onInventory(fn: (inv: Inventory) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Read a host now. Concurrent callers share one remote execution; a result younger than `maxAgeMs` is reused
 * (pages and the sampler poll the same hosts). Decisions that can lose data pass maxAgeMs = 0.
 */
export async function refreshInventory(hostId: string, maxAgeMs = 1000): Promise<Inventory> {
  const host = config().hosts.find((h) => h.id === hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  const s = state(hostId);
  if (maxAgeMs > 0 && s.last && !s.lastError && Date.now() - Date.parse(s.last.collectedAt) < maxAgeMs) return s.last;
  if (s.inflight && maxAgeMs > 0) return s.inflight;
  const p = collectInventory(hostId, runnerFor(host), Math.min(env().COWHERD_COMMAND_TIMEOUT_S * 1000, 60_000), host.libvirtUri)
    .then((inv) => {
      s.last = inv;
      s.lastError = undefined;
      for (const fn of listeners) {
        try {
          fn(inv);
        } catch (e) {
          console.error('inventory listener failed', e);
        }
      }
      return inv;
    })
    .catch((e: unknown) => {
      s.lastError = { message: (e as Error).message, at: new Date().toISOString() };
      throw e;
    })
    .finally(() => {
      if (s.inflight === p) s.inflight = undefined;
    });
  s.inflight = p;
  return p;
}

/**
 * A read asked for by a client (GET /api/hosts/:host/inventory?fresh=1): it joins the read in flight if there is
 * one, starts a new one if none was started for a client in the last FRESH_READ_INTERVAL_MS, and otherwise gets
 * what an ordinary read gets (a result younger than a second, or the shared read).
 */
export async function freshInventoryForClient(hostId: string, now: number = Date.now()): Promise<Inventory> {
  const s = state(hostId);
  if (s.inflight) return s.inflight;
  if (s.lastFreshStart !== undefined && now - s.lastFreshStart < FRESH_READ_INTERVAL_MS) return refreshInventory(hostId);
  s.lastFreshStart = now;
  return refreshInventory(hostId, 0);
}

/** Refresh, but never throw: a host that stopped answering keeps its last good inventory. */
export async function inventoryView(hostId: string, maxAgeMs: number | 'fresh-for-client' = 1000): Promise<InventoryView> {
  try {
    const inv = maxAgeMs === 'fresh-for-client' ? await freshInventoryForClient(hostId) : await refreshInventory(hostId, maxAgeMs);
    return { inventory: inv, reachable: true };
  } catch (e) {
    const s = state(hostId);
    return { inventory: s.last ?? null, reachable: false, error: (e as Error).message, errorAt: s.lastError?.at };
  }
}

export async function hostStatuses(): Promise<HostStatus[]> {
  return Promise.all(
    config().hosts.map(async (h) => {
      const v = await inventoryView(h.id);
      return { id: h.id, name: h.name, reachable: v.reachable, ...(v.error ? { error: v.error } : {}) };
    }),
  );
}

/** The last known inventory without touching the host (for metrics and alerts between polls). */
export function lastInventory(hostId: string): Inventory | undefined {
  return states.get(hostId)?.last;
}
