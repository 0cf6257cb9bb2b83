import { domstateArgv } from '@/lib/libvirt/commands';
import { lvchangeRefreshArgv, lvsArgv } from '@/lib/lvm/commands';
import type { WaitSpec } from './types';

// The commands a wait step runs, from the builders: the executor runs them, the review page shows them.

/** Reads a waited-for guest's state: by UUID on the host's URI, or (jobs stored before UUIDs) by its name. */
export function domainStateArgv(w: Extract<WaitSpec, { type: 'domain-state' }>): string[] {
  return w.guest ? domstateArgv({ uuid: w.guest.uuid }, { uri: w.guest.uri }) : domstateArgv(w.domain);
}

/** Reads the VG whose snapshot is merging. */
export function mergeReadArgv(w: Extract<WaitSpec, { type: 'merge-finished' }>): string[] {
  return lvsArgv({ vg: w.vg });
}

/** Starts a deferred merge and finishes lvm2's bookkeeping once the origin is closed. */
export function mergeDriveArgv(w: Extract<WaitSpec, { type: 'merge-finished' }>): string[] {
  return lvchangeRefreshArgv({ vg: w.vg, lv: w.origin });
}
