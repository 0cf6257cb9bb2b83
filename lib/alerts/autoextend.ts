/**
 * Auto-extend decisions: when a classic snapshot's COW fill reaches its policy's threshold, grow the COW area by a
 * share of its current size, bounded by the VG's free space and the policy's cap. Pure; the engine runs the
 * extension as an ordinary job (locked, audited).
 *
 * Sizes are whole extents: lvextend rounds a size up to the VG's extent size, so a growth rounded up could ask
 * for more than is free. The growth is rounded up to whole extents when there is room, and down when the free
 * space or the cap is the limit. The extend plan sends whole MiB, so the unit is never below 1 MiB.
 */
import { formatBytes } from '@/lib/format';
import type { InventoryLv, InventoryVg } from '@/lib/inventory/types';
import type { AutoextendPolicies, AutoextendSettings } from './types';

const MiB = 1024 * 1024;

export type ExtendDecision =
  /** Nothing to do: no policy, policy off, below the threshold, or not a snapshot that can grow. */
  | { kind: 'none' }
  | { kind: 'extend'; addBytes: number; newSizeBytes: number; wantedBytes: number; reason: string }
  | { kind: 'blocked'; reason: string };

/** The policy for a snapshot: its own, else the default. A snapshot's own policy may switch it off. */
export function policyFor(policies: AutoextendPolicies, host: string, vg: string, snapshot: string): AutoextendSettings {
  return policies.snapshots.find((p) => p.host === host && p.vg === vg && p.snapshot === snapshot) ?? policies.default;
}

/** Whether a snapshot is one auto-extend may grow at all (classic, active, valid, not merging). */
export function canAutoextend(lv: InventoryLv): boolean {
  return lv.kind === 'snapshot' && lv.cowPercent !== null && !lv.invalid && !lv.merging && !lv.mergeFailed;
}

export function decideExtension(lv: InventoryLv, vg: InventoryVg | undefined, policy: AutoextendSettings): ExtendDecision {
  if (!policy.enabled || !canAutoextend(lv) || lv.cowPercent === null) return { kind: 'none' };
  if (lv.cowPercent < policy.thresholdPercent) return { kind: 'none' };
  const name = `${lv.vg}/${lv.name}`;
  if (!vg) return { kind: 'blocked', reason: `volume group ${lv.vg} not found` };

  const unit = Math.max(vg.extentSizeBytes, MiB);
  const wanted = Math.max(unit, Math.ceil((lv.sizeBytes * policy.growPercent) / 100 / unit) * unit);
  const free = Math.floor(vg.freeBytes / unit) * unit;
  const capRoom = policy.maxSizeBytes === null ? Infinity : Math.floor(Math.max(0, policy.maxSizeBytes - lv.sizeBytes) / unit) * unit;
  const add = Math.min(wanted, free, capRoom);
  const at = `${lv.cowPercent.toFixed(2)}% full`;

  if (add <= 0) {
    if (capRoom <= 0 && policy.maxSizeBytes !== null) {
      return { kind: 'blocked', reason: `${at}; the cap of ${formatBytes(policy.maxSizeBytes)} is reached (COW area ${formatBytes(lv.sizeBytes)})` };
    }
    return { kind: 'blocked', reason: `${at}; no free space in ${vg.name} (${formatBytes(vg.freeBytes)} free)` };
  }
  const limits: string[] = [];
  if (add < wanted && add === free) limits.push(`limited by ${vg.name}'s free space`);
  if (add < wanted && add === capRoom) limits.push('limited by the cap');
  return {
    kind: 'extend',
    addBytes: add,
    wantedBytes: wanted,
    newSizeBytes: lv.sizeBytes + add,
    reason: `${name} is ${at} (policy: at ${policy.thresholdPercent}%, grow by ${policy.growPercent}%): +${formatBytes(add)}${
      limits.length ? ` (${limits.join(', ')})` : ''
    }`,
  };
}
