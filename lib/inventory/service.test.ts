import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Inventory } from './types';

// The fresh-read limiter only: the host is replaced by a counter of started reads that finish when told to.
const reads: { resolve: (inv: Inventory) => void }[] = [];
vi.mock('@/lib/config/hosts', () => ({ config: () => ({ hosts: [{ id: 'lab' }, { id: 'other' }] }) }));
vi.mock('@/lib/host', () => ({ runnerFor: () => ({}) }));
vi.mock('@/lib/env', () => ({ env: () => ({ COWHERD_COMMAND_TIMEOUT_S: 60, COWHERD_POLL_MS: 5000 }) }));
vi.mock('./collect', () => ({
  collectFullRead: (host: string) =>
    new Promise<{ inventory: Inventory }>((resolve) => {
      reads.push({ resolve: (inv) => resolve({ inventory: { ...inv, host } }) });
    }),
  // The baseline poll before a host's first read (an empty device set).
  runRead: () => Promise.resolve({ stdout: '', stderr: '', exitCode: 0 }),
}));

const { freshInventoryForClient, FRESH_READ_INTERVAL_MS, refreshInventory } = await import('./service');

const inv = (at: number) => ({ host: 'lab', domains: [], collectedAt: new Date(at).toISOString() }) as unknown as Inventory;
const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  reads.length = 0;
  (globalThis as { __cowherdInventory?: Map<string, unknown> }).__cowherdInventory?.clear();
});

describe('?fresh=1 reads', () => {
  it('join the read in flight instead of starting their own', async () => {
    const T = Date.now();
    const callers = Array.from({ length: 20 }, () => freshInventoryForClient('lab', T));
    await flush();
    expect(reads).toHaveLength(1);
    reads[0]?.resolve(inv(T));
    const results = await Promise.all(callers);
    expect(new Set(results.map((r) => r.collectedAt)).size).toBe(1);
  });

  it.each([
    // [ms after the first fresh read finished, reads started in total]
    [1, 1],
    [FRESH_READ_INTERVAL_MS - 1, 1],
    [FRESH_READ_INTERVAL_MS, 2],
  ])('at most one is started per host per interval (%i ms later: %i reads)', async (later, total) => {
    const T = Date.now();
    const first = freshInventoryForClient('lab', T);
    await flush();
    reads[0]?.resolve(inv(T));
    await first;
    const second = freshInventoryForClient('lab', T + later);
    await flush();
    expect(reads).toHaveLength(total);
    reads[1]?.resolve(inv(T + later));
    expect((await second).collectedAt).toBe(new Date(T + (total === 2 ? later : 0)).toISOString());
  });

  it('are limited per host', async () => {
    const T = Date.now();
    void freshInventoryForClient('lab', T);
    void freshInventoryForClient('other', T);
    await flush();
    expect(reads).toHaveLength(2);
    for (const r of reads) r.resolve(inv(T));
    await flush();
  });

  it('do not hold back the reads a job needs before acting (maxAgeMs = 0)', async () => {
    const T = Date.now();
    const fresh = freshInventoryForClient('lab', T);
    await flush();
    reads[0]?.resolve(inv(T));
    await fresh;
    void refreshInventory('lab', 0);
    await flush();
    expect(reads).toHaveLength(2);
    reads[1]?.resolve(inv(T));
    await flush();
  });
});

describe('slowIntervalFactor', () => {
  it('gives every host a fixed share of the slow interval between 0.8 and 1, different for hosts started together', async () => {
    const { slowIntervalFactor } = await import('./service');
    const ids = Array.from({ length: 20 }, (_, i) => `lab${String(i + 1).padStart(2, '0')}`);
    const f = ids.map(slowIntervalFactor);
    expect(f.every((x) => x >= 0.8 && x <= 1)).toBe(true);
    expect(slowIntervalFactor('lab07')).toBe(f[6]);
    // Spread: at the 60 s default the 20 periods cover more than half of the 12 s range, no two within 50 ms.
    const periods = f.map((x) => Math.round(60_000 * x)).sort((a, b) => a - b);
    expect(periods.at(-1)! - periods[0]!).toBeGreaterThan(6000);
    expect(new Set(periods.map((p) => Math.round(p / 50))).size).toBeGreaterThan(15);
  });
});
