import { describe, expect, it } from 'vitest';
import { decideExtension, policyFor } from './autoextend';
import { labInventory, MiB, webSnap, type InventoryOptions } from './fixtures';
import type { AutoextendPolicies, AutoextendSettings } from './types';

const on: AutoextendSettings = { enabled: true, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null };

function decide(snap: InventoryOptions['snap'], vg0: InventoryOptions['vg0'] = {}, policy = on) {
  const inv = labInventory({ snap, vg0 });
  return decideExtension(webSnap(inv), inv.vgs.find((v) => v.name === 'vg0'), policy);
}

describe('decideExtension (web_snap: 32 MiB COW, vg0 with 4 MiB extents)', () => {
  it('does nothing below the threshold, with the policy off, or for a snapshot that cannot grow', () => {
    expect(decide({ cowPercent: 69.99 })).toEqual({ kind: 'none' });
    expect(decide({ cowPercent: 90 }, {}, { ...on, enabled: false })).toEqual({ kind: 'none' });
    expect(decide({ cowPercent: 100, invalid: true })).toEqual({ kind: 'none' });
    expect(decide({ cowPercent: 90, merging: true })).toEqual({ kind: 'none' });
    expect(decide({ cowPercent: null, active: false })).toEqual({ kind: 'none' });
  });

  it('grows by the policy share of the current size at the threshold', () => {
    expect(decide({ cowPercent: 70 })).toMatchObject({ kind: 'extend', addBytes: 16 * MiB, newSizeBytes: 48 * MiB });
  });

  it('rounds the growth up to whole extents', () => {
    // 10 % of 32 MiB = 3.2 MiB -> one 4 MiB extent.
    expect(decide({ cowPercent: 80 }, {}, { ...on, growPercent: 10 })).toMatchObject({ kind: 'extend', addBytes: 4 * MiB });
    // 50 % of 36 MiB = 18 MiB -> 20 MiB.
    expect(decide({ cowPercent: 80, sizeBytes: 36 * MiB })).toMatchObject({ kind: 'extend', addBytes: 20 * MiB });
  });

  it("is bounded by the VG's free space (whole extents) and says so", () => {
    const d = decide({ cowPercent: 80 }, { freeBytes: 10 * MiB });
    expect(d).toMatchObject({ kind: 'extend', addBytes: 8 * MiB, wantedBytes: 16 * MiB });
    expect(d.kind === 'extend' && d.reason).toMatch(/limited by vg0's free space/);
  });

  it('is blocked when less than one extent is free', () => {
    expect(decide({ cowPercent: 80 }, { freeBytes: 3 * MiB })).toEqual({
      kind: 'blocked',
      reason: '80.00% full; no free space in vg0 (3 MiB free)',
    });
  });

  it('is bounded by the cap and blocked once the cap is reached', () => {
    expect(decide({ cowPercent: 80 }, {}, { ...on, maxSizeBytes: 40 * MiB })).toMatchObject({ kind: 'extend', addBytes: 8 * MiB, newSizeBytes: 40 * MiB });
    // 2 MiB of room under the cap is less than an extent.
    expect(decide({ cowPercent: 80 }, {}, { ...on, maxSizeBytes: 34 * MiB })).toEqual({
      kind: 'blocked',
      reason: '80.00% full; the cap of 34 MiB is reached (COW area 32 MiB)',
    });
    expect(decide({ cowPercent: 80 }, {}, { ...on, maxSizeBytes: 32 * MiB })).toMatchObject({ kind: 'blocked' });
  });

  it('is blocked when the VG is missing from the inventory', () => {
    const inv = labInventory({ snap: { cowPercent: 90 } });
    expect(decideExtension(webSnap(inv), undefined, on)).toEqual({ kind: 'blocked', reason: 'volume group vg0 not found' });
  });
});

describe('policyFor', () => {
  const policies: AutoextendPolicies = {
    default: { ...on, enabled: true },
    snapshots: [{ host: 'lab', vg: 'vg0', snapshot: 'web_snap', enabled: false, thresholdPercent: 70, growPercent: 50, maxSizeBytes: null }],
  };
  it("prefers the snapshot's own policy (which may switch it off) over the default", () => {
    expect(policyFor(policies, 'lab', 'vg0', 'web_snap').enabled).toBe(false);
    expect(policyFor(policies, 'lab', 'vg0', 'other').enabled).toBe(true);
    expect(policyFor(policies, 'other-host', 'vg0', 'web_snap').enabled).toBe(true);
  });
});
