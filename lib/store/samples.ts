import type { Sample } from '@/lib/alerts/trend';
import type { Inventory } from '@/lib/inventory/types';
import type { Db } from './sqlite';

// The trend computed from these samples (fillTrend) is lib/alerts/trend.ts: one figure for pages and alerts.
export type { Sample };

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
