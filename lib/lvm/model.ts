/**
 * The LVM model: VG and LV reports related to each other (origins and their snapshots, thin pools and their
 * volumes) and reshaped into the types the UI and the operations use. Pure.
 *
 * Decisions (all checked against reports recorded in the lab, see fixtures/README.md):
 * - A merging snapshot is hidden by lvm2 ("[web_pre]", attr "Swi-a-s---", lv_path ""). It is still a snapshot
 *   the user made and is about to lose: kind 'snapshot', brackets stripped, merging true, hidden false.
 * - `hidden` means "internal to LVM, the UI may filter it out": [pool_tdata], [pool_tmeta], [lvol0_pmspare]
 *   and any other bracketed LV that is not a merging snapshot. Their kind is 'hidden'. Names are always
 *   given without brackets.
 * - `merging` is lvm2's lv_merging, which is true on the merging snapshot and also on its origin ("Owi-aos---").
 * - cowPercent is data_percent for an active classic snapshot, null otherwise. An invalid snapshot is active
 *   and lvm2 reports it 100.00 ("swi-I-s---"): cowPercent stays 100 and `invalid` is true; the UI must show
 *   `invalid` first. While its origin is inactive an invalid snapshot looks like any inactive snapshot
 *   ("swi---s---", lv_snapshot_invalid -1): invalid false, cowPercent null. Nothing better can be known then.
 * - Thin snapshots have no COW area: cowPercent null; dataPercent is their share of the pool ("1.95"), and the
 *   pool's own dataPercent is the number that matters for running out of space.
 */
import { decodeLvAttr } from './attr';
import type { LvReport, VgReport } from './reports';

export type LvKind =
  | 'plain'
  | 'origin'
  | 'snapshot'
  | 'thin-pool'
  | 'thin-volume'
  | 'thin-snapshot'
  | 'hidden'
  /** A public LV of a kind Cowherd does not handle: mirror, raid, cache, vdo, virtual, pvmove. */
  | 'other';

export interface InventoryLv {
  vg: string;
  /** Without lvm2's brackets. */
  name: string;
  /** /dev/VG/LV, or null when lvm2 gives none (hidden LVs, thin pools, a merging snapshot). */
  path: string | null;
  sizeBytes: number;
  attr: string;
  kind: LvKind;
  /** The origin LV of a snapshot or thin snapshot (same VG); null for every other kind. */
  origin: string | null;
  /** The thin pool of a thin volume or thin snapshot; null otherwise. */
  pool: string | null;
  /** COW fill of an active classic snapshot (data_percent, 0-100); null for anything else. */
  cowPercent: number | null;
  active: boolean;
  open: boolean;
  merging: boolean;
  invalid: boolean;
  mergeFailed: boolean;
  skipActivation: boolean;
  /** ISO 8601, UTC. */
  createdAt: string | null;
  uuid: string;
  hidden: boolean;
  /** lvm2's data_percent as is: COW fill of a classic snapshot, usage of a thin pool or thin volume. */
  dataPercent: number | null;
  /** lvm2's metadata_percent: a thin pool's metadata usage (a pool stops when either is full); null otherwise. */
  metadataPercent: number | null;
  /**
   * lvdisplay's "Snapshot chunk size" (classic snapshots: the unit of copy-on-write; thin pools: their block size);
   * null where lvm2 reports 0. Optional: inventories recorded before it was read have none.
   */
  chunkSizeBytes?: number | null;
  /** lv_tags: snapshot policies mark what they made (cowherd-policy-<id>) and what is protected (cowherd-protected). */
  tags: string[];
}

export interface InventoryVg {
  name: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
  pvCount: number;
  lvCount: number;
  /** lvm2's snap_count: classic snapshots only. */
  snapCount: number;
}

export interface LvmModel {
  vgs: InventoryVg[];
  /** Every LV, hidden ones included, sorted by VG then name. */
  lvs: InventoryLv[];
  /** `lvKey(vg, origin)` -> names of its snapshots (classic and thin), sorted. Only origins that have some. */
  snapshotsByOrigin: Record<string, string[]>;
  /** `lvKey(vg, pool)` -> names of its thin volumes and thin snapshots, sorted. Every thin pool has an entry. */
  volumesByPool: Record<string, string[]>;
}

/** The key used in LvmModel's indices, also lvm2's own "VG/LV" notation. */
export function lvKey(vg: string, name: string): string {
  return `${vg}/${name}`;
}

function stripBrackets(name: string): { name: string; bracketed: boolean } {
  const m = /^\[(.*)\]$/.exec(name);
  return m ? { name: m[1] ?? '', bracketed: true } : { name, bracketed: false };
}

function kindOf(volumeType: ReturnType<typeof decodeLvAttr>['volumeType'], lv: LvReport, bracketed: boolean): LvKind {
  switch (volumeType) {
    case 'snapshot':
    case 'merging-snapshot':
      return 'snapshot';
    case 'thin-volume':
      return lv.origin ? 'thin-snapshot' : 'thin-volume';
    case 'thin-pool':
      return 'thin-pool';
    case 'origin':
    case 'merging-origin':
      return 'origin';
    case 'thin-pool-data':
    case 'pool-metadata':
      return 'hidden';
    case 'plain':
      return bracketed ? 'hidden' : 'plain';
    case 'other':
      return bracketed ? 'hidden' : 'other';
  }
}

/** One LV report reshaped; exported for callers that re-read a single LV. */
export function toInventoryLv(lv: LvReport): InventoryLv {
  const attr = decodeLvAttr(lv.attr);
  const { name, bracketed } = stripBrackets(lv.name);
  const kind = kindOf(attr.volumeType, lv, bracketed);
  const active = lv.active ?? attr.active;
  const isSnapshot = kind === 'snapshot' || kind === 'thin-snapshot';
  return {
    vg: lv.vg,
    name,
    path: lv.path,
    sizeBytes: lv.sizeBytes,
    attr: lv.attr,
    kind,
    origin: isSnapshot ? lv.origin : null,
    pool: lv.pool,
    cowPercent: kind === 'snapshot' && active ? lv.dataPercent : null,
    active,
    open: lv.deviceOpen ?? attr.open ?? false,
    merging: lv.merging ?? (attr.volumeType === 'merging-snapshot' || attr.volumeType === 'merging-origin'),
    invalid: lv.snapshotInvalid === true || attr.invalidSnapshot,
    mergeFailed: lv.mergeFailed === true || attr.mergeFailed,
    skipActivation: lv.skipActivation ?? attr.skipActivation,
    createdAt: lv.createdAt,
    uuid: lv.uuid,
    hidden: kind === 'hidden',
    dataPercent: lv.dataPercent,
    metadataPercent: kind === 'thin-pool' ? lv.metadataPercent : null,
    tags: lv.tags,
    chunkSizeBytes: lv.chunkSizeBytes > 0 ? lv.chunkSizeBytes : null,
  };
}

export function toInventoryVg(vg: VgReport): InventoryVg {
  return {
    name: vg.name,
    sizeBytes: vg.sizeBytes,
    freeBytes: vg.freeBytes,
    extentSizeBytes: vg.extentSizeBytes,
    pvCount: vg.pvCount,
    lvCount: vg.lvCount,
    snapCount: vg.snapCount,
  };
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Relate parsed `vgs` and `lvs -a` reports. */
export function buildLvmModel(vgs: readonly VgReport[], lvs: readonly LvReport[]): LvmModel {
  const inventory = lvs
    .map(toInventoryLv)
    .sort((a, b) => byName(a.vg, b.vg) || byName(a.name, b.name));

  const snapshotsByOrigin: Record<string, string[]> = {};
  const volumesByPool: Record<string, string[]> = {};
  for (const lv of inventory) {
    if (lv.kind === 'thin-pool') volumesByPool[lvKey(lv.vg, lv.name)] ??= [];
  }
  for (const lv of inventory) {
    if (lv.origin !== null) (snapshotsByOrigin[lvKey(lv.vg, lv.origin)] ??= []).push(lv.name);
    if (lv.pool !== null && (lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot')) {
      (volumesByPool[lvKey(lv.vg, lv.pool)] ??= []).push(lv.name);
    }
  }
  for (const names of [...Object.values(snapshotsByOrigin), ...Object.values(volumesByPool)]) names.sort(byName);

  return {
    vgs: vgs.map(toInventoryVg).sort((a, b) => byName(a.name, b.name)),
    lvs: inventory,
    snapshotsByOrigin,
    volumesByPool,
  };
}

/** The LV named `name` in `vg` (no brackets), or undefined. */
export function findLv(model: LvmModel, vg: string, name: string): InventoryLv | undefined {
  return model.lvs.find((lv) => lv.vg === vg && lv.name === name);
}

/** The snapshots (classic and thin) of `vg/origin`, sorted by name. */
export function snapshotsOf(model: LvmModel, vg: string, origin: string): InventoryLv[] {
  return (model.snapshotsByOrigin[lvKey(vg, origin)] ?? [])
    .map((name) => findLv(model, vg, name))
    .filter((lv): lv is InventoryLv => lv !== undefined);
}

/** A classic (COW) or thin snapshot. The one predicate for "is a snapshot" in lib/ and components/. */
export function isSnapshot(lv: Pick<InventoryLv, 'kind'>): boolean {
  return lv.kind === 'snapshot' || lv.kind === 'thin-snapshot';
}

/**
 * LVs a snapshot can be taken of: plain volumes, origins, thin volumes and thin snapshots. lvm2 refuses thin
 * pools, internal LVs, snapshots of classic snapshots and origins with a merging snapshot ("Snapshots of an
 * origin that has a merging snapshot are not supported.").
 */
export function canBeSnapshotted(lv: Pick<InventoryLv, 'kind' | 'merging' | 'attr'>): boolean {
  if (lv.merging || lv.attr.startsWith('O')) return false;
  return lv.kind === 'plain' || lv.kind === 'origin' || lv.kind === 'thin-volume' || lv.kind === 'thin-snapshot';
}

/** The LV `vg/name` in a plain list of LVs (an inventory's `lvs`), or undefined. */
export function findLvIn(lvs: readonly InventoryLv[], vg: string, name: string): InventoryLv | undefined {
  return lvs.find((lv) => lv.vg === vg && lv.name === name);
}
