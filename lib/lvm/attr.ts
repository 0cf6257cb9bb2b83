/**
 * Decode lvs' 10-character lv_attr (`man lvs`, lvm2 2.03.16). Pure.
 *
 * Seen in the lab (fixtures/): "-wi-ao----" plain open LV, "owi-aos---" origin, "swi-a-s---" snapshot,
 * "swi-I-s---" invalid snapshot, "Owi-aos---" origin with a merging snapshot, "Swi-a-s---" merging snapshot
 * (listed as "[web_pre]"), "twi-aotz--" thin pool, "Twi-ao----" thin pool data, "ewi-ao----" pool metadata,
 * "ewi-------" pool metadata spare, "Vwi-a-tz--" thin volume, "Vwi---tz-k" inactive thin snapshot with the
 * skip-activation flag, "swi---s---" snapshot of an inactive origin (an invalid snapshot looks exactly like
 * this while inactive: invalidity is only known while it is active), "-wi-XX----" with `--readonly`.
 *
 * An attr that is not 10 characters long throws (a bug: wrong field or parser). A letter this lvm2 does not
 * document maps to 'unknown' or 'other' instead of throwing, so a newer lvm2 degrades instead of breaking.
 */

/** attr[0]. The nine kinds Cowherd acts on; everything else (mirror, raid, cache, vdo, pvmove, ...) is 'other'. */
export type LvVolumeType =
  | 'plain'
  | 'origin'
  | 'merging-origin'
  | 'snapshot'
  | 'merging-snapshot'
  | 'thin-pool'
  | 'thin-volume'
  | 'thin-pool-data'
  | 'pool-metadata'
  | 'other';

/** attr[4]. */
export type LvState =
  | 'active'
  | 'inactive'
  | 'historical'
  | 'suspended'
  | 'invalid-snapshot'
  | 'suspended-invalid-snapshot'
  | 'merge-failed'
  | 'suspended-merge-failed'
  | 'mapped-without-tables'
  | 'mapped-inactive-table'
  | 'thin-pool-check-needed'
  | 'suspended-thin-pool-check-needed'
  | 'unknown';

/** attr[6]. */
export type LvTargetType = 'cache' | 'mirror' | 'raid' | 'snapshot' | 'thin' | 'virtual' | 'vdo' | 'unknown' | 'none';

/** attr[8]. 'ok' for "-". */
export type LvHealth =
  | 'ok'
  | 'partial'
  | 'unknown'
  | 'refresh-needed'
  | 'mismatches'
  | 'writemostly'
  | 'reshaping'
  | 'remove-after-reshape'
  | 'failed'
  | 'out-of-data-space'
  | 'metadata-read-only'
  | 'error';

export interface LvAttr {
  raw: string;
  volumeType: LvVolumeType;
  /** What attr[0] says in man lvs' words, e.g. "mirror log device" for an 'other'. */
  volumeTypeLabel: string;
  permissions: 'writeable' | 'read-only' | 'read-only-activation' | 'unknown';
  allocationPolicy: 'anywhere' | 'contiguous' | 'inherited' | 'cling' | 'normal' | 'unknown';
  /** Capital allocation letter: locked against allocation changes (e.g. during pvmove). */
  allocationLocked: boolean;
  fixedMinor: boolean;
  state: LvState;
  /** A device-mapper device with a live table exists (active, suspended, invalid, merge failed, check needed). */
  active: boolean;
  suspended: boolean;
  /** attr[4] I or S: the snapshot overflowed and is lost for good. */
  invalidSnapshot: boolean;
  /** attr[4] m or M. */
  mergeFailed: boolean;
  /** attr[5]: true 'o', false '-', null 'X' (unknown, e.g. with --readonly). */
  open: boolean | null;
  targetType: LvTargetType;
  /** attr[7] 'z': new blocks are zeroed (thin pools). */
  zeroing: boolean;
  health: LvHealth;
  /** attr[9] 'k'. */
  skipActivation: boolean;
}

const VOLUME_TYPES: Record<string, [LvVolumeType, string]> = {
  '-': ['plain', 'plain'],
  o: ['origin', 'origin'],
  O: ['merging-origin', 'origin with merging snapshot'],
  s: ['snapshot', 'snapshot'],
  S: ['merging-snapshot', 'merging snapshot'],
  t: ['thin-pool', 'thin pool'],
  V: ['thin-volume', 'thin volume'],
  T: ['thin-pool-data', 'thin pool data'],
  e: ['pool-metadata', 'raid or pool metadata, or pool metadata spare'],
  C: ['other', 'cache'],
  m: ['other', 'mirrored'],
  M: ['other', 'mirrored without initial sync'],
  r: ['other', 'raid'],
  R: ['other', 'raid without initial sync'],
  p: ['other', 'pvmove'],
  v: ['other', 'virtual'],
  i: ['other', 'mirror or raid image'],
  I: ['other', 'mirror or raid image out-of-sync'],
  l: ['other', 'mirror log device'],
  c: ['other', 'under conversion'],
  d: ['other', 'vdo pool'],
  D: ['other', 'vdo pool data'],
};

const PERMISSIONS: Record<string, LvAttr['permissions']> = {
  w: 'writeable',
  r: 'read-only',
  R: 'read-only-activation',
};

const ALLOCATION: Record<string, LvAttr['allocationPolicy']> = {
  a: 'anywhere',
  c: 'contiguous',
  i: 'inherited',
  l: 'cling',
  n: 'normal',
};

const STATES: Record<string, LvState> = {
  '-': 'inactive',
  a: 'active',
  h: 'historical',
  s: 'suspended',
  I: 'invalid-snapshot',
  S: 'suspended-invalid-snapshot',
  m: 'merge-failed',
  M: 'suspended-merge-failed',
  d: 'mapped-without-tables',
  i: 'mapped-inactive-table',
  c: 'thin-pool-check-needed',
  C: 'suspended-thin-pool-check-needed',
  X: 'unknown',
};

const ACTIVE_STATES: ReadonlySet<LvState> = new Set<LvState>([
  'active',
  'suspended',
  'invalid-snapshot',
  'suspended-invalid-snapshot',
  'merge-failed',
  'suspended-merge-failed',
  'thin-pool-check-needed',
  'suspended-thin-pool-check-needed',
]);

const SUSPENDED_STATES: ReadonlySet<LvState> = new Set<LvState>([
  'suspended',
  'suspended-invalid-snapshot',
  'suspended-merge-failed',
  'suspended-thin-pool-check-needed',
]);

const TARGETS: Record<string, LvTargetType> = {
  '-': 'none',
  C: 'cache',
  m: 'mirror',
  r: 'raid',
  s: 'snapshot',
  t: 'thin',
  u: 'unknown',
  v: 'virtual',
  V: 'vdo',
};

/** attr[8]; man lvs documents 'M' (metadata read only) for thin pools only. */
function decodeHealth(ch: string): LvHealth {
  switch (ch) {
    case '-':
      return 'ok';
    case 'p':
      return 'partial';
    case 'X':
      return 'unknown';
    case 'r':
      return 'refresh-needed';
    case 'm':
      return 'mismatches';
    case 'w':
      return 'writemostly';
    case 's':
      return 'reshaping';
    case 'R':
      return 'remove-after-reshape';
    case 'F':
      return 'failed';
    case 'D':
      return 'out-of-data-space';
    case 'M':
      return 'metadata-read-only';
    case 'E':
      return 'error';
    default:
      return 'unknown';
  }
}

/** Decode a 10-character lv_attr. Throws on any other length. */
export function decodeLvAttr(attr: string): LvAttr {
  if (attr.length !== 10) {
    throw new Error(`lv_attr must be 10 characters, got ${JSON.stringify(attr)} (${attr.length})`);
  }
  const c = (i: number): string => attr.charAt(i);
  const [volumeType, volumeTypeLabel] = VOLUME_TYPES[c(0)] ?? ['other', `unknown volume type "${c(0)}"`];
  const alloc = c(2);
  const state = STATES[c(4)] ?? 'unknown';
  return {
    raw: attr,
    volumeType,
    volumeTypeLabel,
    permissions: PERMISSIONS[c(1)] ?? 'unknown',
    allocationPolicy: ALLOCATION[alloc.toLowerCase()] ?? 'unknown',
    allocationLocked: alloc !== alloc.toLowerCase(),
    fixedMinor: c(3) === 'm',
    state,
    active: ACTIVE_STATES.has(state),
    suspended: SUSPENDED_STATES.has(state),
    invalidSnapshot: state === 'invalid-snapshot' || state === 'suspended-invalid-snapshot',
    mergeFailed: state === 'merge-failed' || state === 'suspended-merge-failed',
    open: c(5) === 'o' ? true : c(5) === 'X' ? null : false,
    targetType: TARGETS[c(6)] ?? 'unknown',
    zeroing: c(7) === 'z',
    health: decodeHealth(c(8)),
    skipActivation: c(9) === 'k',
  };
}
