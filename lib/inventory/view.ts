import 'server-only';
import { db } from '@/lib/store/db';
import { fillTrend, TREND_WINDOW_MS, type FillTrend } from '@/lib/alerts/trend';
import { recentSamplesByLv } from '@/lib/store/samples';
import { findHost } from '@/lib/config/hosts';
import { helperStatus, type HelperStatus } from '@/lib/host';
import { inventoryView } from './service';
import type { Inventory } from './types';

/** The trend the alert rules use too (lib/alerts/trend.ts), with samples for a sparkline. */
export interface SnapshotTrend extends FillTrend {
  /** Recent samples for a sparkline: [epoch ms, percent]. */
  samples: [number, number][];
}

export interface HostInventoryResponse extends Inventory {
  reachable: boolean;
  /** Set when the host did not answer the last read; the data is then the last good one. */
  error?: string;
  errorAt?: string;
  /** Per snapshot uuid: fill rate and time to full from the COW history. */
  trends: Record<string, SnapshotTrend>;
  /** Issue 16: the host helper is missing, outdated or unreachable (absent when it is fine or not used). */
  helper?: HelperStatus;
}

const SPARK_POINTS = 60;

export function trendsFor(inv: Inventory): Record<string, SnapshotTrend> {
  const byLv = recentSamplesByLv(db(), inv.host, TREND_WINDOW_MS);
  const out: Record<string, SnapshotTrend> = {};
  for (const lv of inv.lvs) {
    if (lv.kind !== 'snapshot') continue;
    const s = byLv.get(lv.uuid) ?? [];
    const t = fillTrend(s, lv.cowPercent ?? undefined);
    const step = Math.max(1, Math.ceil(s.length / SPARK_POINTS));
    const samples = s.filter((_, i) => i % step === 0 || i === s.length - 1).map((p) => [p.at, p.percent] as [number, number]);
    out[lv.uuid] = { ...t, samples };
  }
  return out;
}

/** What GET /api/hosts/:host/inventory returns; null when the host was never read successfully. */
export async function hostInventory(hostId: string, maxAgeMs?: number | 'fresh-for-client'): Promise<{ body: HostInventoryResponse | null; error?: string }> {
  const v = await inventoryView(hostId, maxAgeMs);
  const hostConfig = findHost(hostId);
  const hs = hostConfig ? await helperStatus(hostConfig).catch(() => null) : null;
  // Unreachable needs no second message: the read's own error says it.
  const helper = hs && (hs.status === 'missing' || hs.status === 'outdated') ? hs : undefined;
  // A host whose helper is missing refuses every read: say that first, it is the fix.
  const error = helper?.message && v.error && !v.error.includes(helper.message) ? `${helper.message}; ${v.error}` : v.error;
  if (!v.inventory) return { body: null, error };
  return {
    body: {
      ...v.inventory,
      reachable: v.reachable,
      ...(error ? { error, errorAt: v.errorAt } : {}),
      ...(helper ? { helper } : {}),
      trends: trendsFor(v.inventory),
    },
  };
}
