import { describe, expect, it } from 'vitest';
import { recordSamples, sampleHistory, pruneSamples } from './samples';
import { openDb } from './sqlite';
import type { Inventory } from '@/lib/inventory/types';

const H = 3_600_000;

describe('COW samples in SQLite', () => {
  it('records active snapshots only, reads them back, prunes old ones', () => {
    const db = openDb(':memory:');
    const base = { vg: 'vg0', path: null, attr: 'swi-a-s---', kind: 'snapshot', origin: 'web', pool: null, active: true, open: false, merging: false, invalid: false, mergeFailed: false, skipActivation: false, createdAt: null, hidden: false, metadataPercent: null, tags: [] as string[] } as const;
    const inv = (at: number, pct: number | null): Inventory => ({
      host: 'lab', vgs: [], domains: [], libvirt: 'ok', collectedAt: new Date(at).toISOString(), durationMs: 1,
      lvs: [
        { ...base, name: 's1', uuid: 'u1', sizeBytes: 1, cowPercent: pct, dataPercent: pct },
        { ...base, name: 'web', uuid: 'u2', kind: 'origin', sizeBytes: 1, cowPercent: null, dataPercent: null },
      ],
    });
    const now = Date.now();
    expect(recordSamples(db, inv(now - 2 * H, 10))).toBe(1);
    expect(recordSamples(db, inv(now - H, 20))).toBe(1);
    expect(recordSamples(db, inv(now, null))).toBe(0);
    expect(sampleHistory(db, 'lab', 'u1', 3 * H, now).map((s) => s.percent)).toEqual([10, 20]);
    expect(pruneSamples(db, 1.5 * H, now)).toBe(1);
    expect(sampleHistory(db, 'lab', 'u1', 3 * H, now).map((s) => s.percent)).toEqual([20]);
  });
});
