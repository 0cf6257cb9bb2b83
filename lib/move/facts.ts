/**
 * What the move and copy plans know besides the source's inventory (issue 14): the guest's migratable XML and a
 * fresh read of the target host. Gathered by service.ts right before planning; plain data, so the plans stay pure.
 */
import path from 'node:path';
import { MiB } from '@/lib/format';
import type { Inventory, InventoryDomain } from '@/lib/inventory/types';
import type { CapsGuest } from './capabilities';
import type { ProbeFacts } from './commands';

export interface TargetFacts {
  host: string;
  uri: string;
  /** The target's configured directories: a qcow2 file goes into one of them. */
  backupDir: string;
  exportDir: string;
  /** A fresh inventory of the target (VGs, LVs, guests), or null when it could not be read (`error` says why). */
  inv: Inventory | null;
  error: string | null;
  caps: CapsGuest[] | null;
  /** libvirt networks (virsh net-list --all). */
  networks: string[] | null;
  probe: ProbeFacts | null;
}

export interface MoveFacts {
  /** `virsh dumpxml --migratable` of the guest on the source, or null (`sourceXmlError` says why). */
  sourceXml: string | null;
  sourceXmlError: string | null;
  /** Null when the target is not a configured host. */
  target: TargetFacts | null;
}

/** Where the guest's NVRAM file goes on the target: the same path for a move, named after the copy for a copy. */
export function targetNvramPath(nvram: string, copyName?: string): string {
  return copyName ? path.posix.join(path.posix.dirname(nvram), `${copyName}_VARS.fd`) : nvram;
}

/** A qcow2 file of one disk in a target directory: "<guest>-<disk>.qcow2". */
export function qcow2FilePath(dir: string, guest: string, disk: string): string {
  return path.posix.join(dir, `${guest}-${disk}.qcow2`);
}

/** The guest a move, copy or retire names: its UUID (any case) or its name. */
export function findGuest(domains: InventoryDomain[], ref: string): InventoryDomain | undefined {
  return domains.find((d) => d.uuid === ref.toLowerCase()) ?? domains.find((d) => d.name === ref);
}

/** Sizes in the move, copy and retire plans' messages: whole MiB, rounded up. */
export const fmtMiB = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;
