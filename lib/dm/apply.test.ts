import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLvs } from '@/lib/lvm/reports';
import { buildLvmModel } from '@/lib/lvm/model';
import type { Inventory } from '@/lib/inventory/types';
import { applyFill, knownLvs } from './apply';
import { fillFromDm, parseDmsetupStatusVerbose } from './status';

const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', f), 'utf8');
const model = buildLvmModel([], parseLvs(fixture('lvs-mixed.json')));
const inv: Inventory = { host: 'lab', vgs: [], lvs: model.lvs, domains: [], libvirt: 'ok', collectedAt: '2026-11-30T15:00:00.000Z', durationMs: 1 };

describe('applyFill', () => {
  it('with the figures of the same moment, gives back what lvs said', () => {
    const { devices, info } = parseDmsetupStatusVerbose(fixture('dmsetup-status-verbose-mixed.txt'));
    const next = applyFill(inv, fillFromDm(devices, info, knownLvs(inv)), '2026-11-30T15:00:05.000Z');
    expect(next.lvs).toEqual(inv.lvs);
    expect(next.collectedAt).toBe('2026-11-30T15:00:05.000Z');
  });

  it('moves a filling snapshot, marks one that went invalid, and updates thin figures', () => {
    const text = fixture('dmsetup-status-verbose-mixed.txt')
      .replace('snapshot 6184/16384 40', 'snapshot 12000/16384 40')
      .replace('snapshot 16/65536 16', 'snapshot Invalid')
      .replace('thin 10240 10239', 'thin 524288 524287');
    const { devices, info } = parseDmsetupStatusVerbose(text);
    const next = applyFill(inv, fillFromDm(devices, info, knownLvs(inv)), 'now');
    const get = (name: string) => next.lvs.find((l) => l.name === name);
    expect(get('my-lv-snap')).toMatchObject({ cowPercent: 73.24, invalid: false });
    expect(get('web_keep')).toMatchObject({ invalid: true, cowPercent: 100 });
    expect(get('thin1')).toMatchObject({ dataPercent: 50 });
    // Untouched: an LV without a device keeps what lvs said.
    expect(get('db')).toEqual(inv.lvs.find((l) => l.name === 'db'));
  });
});
