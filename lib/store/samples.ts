import type { Inventory } from '@/lib/inventory/types';
import type { Db } from './sqlite';

export interface Sample {
  at: number;
  percent: number;
}

/** Record the COW fill of every active classic snapshot in one transaction. */
export function recordSamples(db: Db, inv: Inventory): number {
  const at = Date.parse(inv.collectedAt);
  const ins = db.prepare('INSERT INTO cow_samples (host, lv_uuid, vg, lv, at, percent, size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let n = 0;
  db.transaction(() => {
    for (const lv of inv.lvs) {
      if (lv.cowPercent === null) continue;
      ins.run(inv.host, lv.uuid, lv.vg, lv.name, at, lv.cowPercent, lv.sizeBytes);
      n++;
    }
  })();
  return n;
}

export function pruneSamples(db: Db, olderThanMs: number, now = Date.now()): number {
  return db.prepare('DELETE FROM cow_samples WHERE at < ?').run(now - olderThanMs).changes;
}

export function sampleHistory(db: Db, host: string, uuid: string, sinceMs: number, now = Date.now()): Sample[] {
  return db
    .prepare('SELECT at, percent FROM cow_samples WHERE host = ? AND lv_uuid = ? AND at >= ? ORDER BY at')
    .all(host, uuid, now - sinceMs) as Sample[];
}

/** Recent samples of every snapshot of a host, grouped by LV uuid (one query for a whole page). */
export function recentSamplesByLv(db: Db, host: string, sinceMs: number, now = Date.now()): Map<string, Sample[]> {
  const rows = db
    .prepare('SELECT lv_uuid, at, percent FROM cow_samples WHERE host = ? AND at >= ? ORDER BY lv_uuid, at')
    .all(host, now - sinceMs) as { lv_uuid: string; at: number; percent: number }[];
  const m = new Map<string, Sample[]>();
  for (const r of rows) {
    let list = m.get(r.lv_uuid);
    if (!list) m.set(r.lv_uuid, (list = []));
    list.push({ at: r.at, percent: r.percent });
  }
  return m;
}

export interface FillTrend {
  /** Percentage points per hour (least squares over the window); null with fewer than two samples. */
  ratePerHour: number | null;
  /** Hours until 100 % at that rate; null when not filling. */
  hoursToFull: number | null;
}

/**
 * Fill rate by least squares over the samples after the last drop (an extension lowers the percentage: only the
 * samples since then describe the current COW area).
 */
export function fillTrend(samples: readonly Sample[], current?: number): FillTrend {
  let start = 0;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i]?.percent ?? 0) < (samples[i - 1]?.percent ?? 0) - 0.5) start = i;
  }
  const s = samples.slice(start);
  if (s.length < 2) return { ratePerHour: null, hoursToFull: null };
  const t0 = s[0]?.at ?? 0;
  const xs = s.map((p) => (p.at - t0) / 3_600_000);
  const ys = s.map((p) => p.percent);
  const n = s.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += ((xs[i] ?? 0) - mx) * ((ys[i] ?? 0) - my);
    den += ((xs[i] ?? 0) - mx) ** 2;
  }
  if (den === 0) return { ratePerHour: null, hoursToFull: null };
  const rate = num / den;
  const now = current ?? ys[n - 1] ?? 0;
  const hoursToFull = rate > 0.01 ? Math.max(0, (100 - now) / rate) : null;
  return { ratePerHour: rate, hoursToFull };
}
