/**
 * argv builders for the lvm2 reports Cowherd reads (lvm2 2.03.16, Debian 12). Pure: argv in, nothing run.
 *
 * Every report asks for an explicit field list, JSON, bytes and `--binary`:
 * - `--units b --nosuffix`: sizes are plain byte counts ("268435456").
 * - `--binary`: the flag fields (lv_merging, lv_merge_failed, lv_snapshot_invalid, lv_skip_activation,
 *   lv_suspended, lv_device_open, pv_missing) print "1"/"0", and "-1" where lvm2 cannot tell (e.g. a
 *   non-snapshot's lv_snapshot_invalid, or lv_device_open of an inactive LV). Without it they print words
 *   ("merging", "snapshot invalid", "skip activation", "open", "unknown", or ""). The parser accepts both.
 *   `lv_active` is a string field and prints "active" or "" either way.
 * - `--config report/time_format=...` pins lv_time to "2026-11-27 03:10:11 +0000" whatever the host's lvm.conf
 *   says (verified in the lab: a time_format of "%s" in the config turns lv_time into "1795748021").
 *
 * Not `--readonly`: it is not "safe and faster" for us. In 2.03.16 it reads on-disk metadata without locks and
 * without asking device-mapper, so every kernel-side value is lost: lv_attr becomes "-wi-XX----" (state and
 * open unknown), data_percent is "" for snapshots and pools, lv_active and lv_device_open are "unknown"
 * (recorded in the lab). Snapshot fill, invalid snapshots and open origins are exactly what Cowherd must see.
 */
import { validateLvmTag, validateLvName, validateVgName } from './names';

export const VGS_FIELDS = [
  'vg_name',
  'vg_uuid',
  'vg_size',
  'vg_free',
  'vg_extent_size',
  'vg_extent_count',
  'vg_free_count',
  'pv_count',
  'lv_count',
  'snap_count',
  'vg_attr',
  'vg_tags',
] as const;

export const LVS_FIELDS = [
  'lv_name',
  'vg_name',
  'lv_uuid',
  'lv_path',
  'lv_dm_path',
  'lv_attr',
  'lv_size',
  'origin',
  'origin_uuid',
  'origin_size',
  'pool_lv',
  'data_percent',
  'snap_percent',
  'metadata_percent',
  'lv_role',
  'lv_layout',
  'lv_parent',
  'lv_merging',
  'lv_merge_failed',
  'lv_snapshot_invalid',
  'lv_active',
  'lv_skip_activation',
  'lv_suspended',
  'lv_device_open',
  'lv_health_status',
  'lv_time',
  'chunk_size',
  'lv_tags',
] as const;

export const PVS_FIELDS = [
  'pv_name',
  'vg_name',
  'pv_uuid',
  'pv_fmt',
  'pv_size',
  'pv_free',
  'pv_used',
  'dev_size',
  'pv_attr',
  'pv_pe_count',
  'pv_pe_alloc_count',
  'pv_missing',
  'pv_tags',
] as const;

export type VgsField = (typeof VGS_FIELDS)[number];
export type LvsField = (typeof LVS_FIELDS)[number];
export type PvsField = (typeof PVS_FIELDS)[number];

/** The lv_time format the parser expects; passed with --config so a host's lvm.conf cannot change it. */
export const LV_TIME_FORMAT = '%Y-%m-%d %T %z';

const REPORT_OPTIONS = ['--reportformat', 'json', '--units', 'b', '--nosuffix', '--binary'] as const;

function checkedVg(vg: string | undefined): string[] {
  if (vg === undefined) return [];
  const problem = validateVgName(vg);
  if (problem) throw new Error(`lvm report argv: invalid VG name: ${problem}`);
  return [vg];
}

/** `vgs` for every VG, or for one VG when `vg` is given. */
export function vgsArgv(options: { vg?: string } = {}): string[] {
  return ['vgs', ...REPORT_OPTIONS, '-o', VGS_FIELDS.join(','), ...checkedVg(options.vg)];
}

/**
 * `lvs -a` (hidden LVs too: a merging snapshot is hidden, see model.ts) for every VG, for one VG, or for one
 * LV (`vg` and `lv`).
 */
export function lvsArgv(options: { vg?: string; lv?: string } = {}): string[] {
  const target: string[] = [];
  if (options.lv !== undefined) {
    if (options.vg === undefined) throw new Error('lvm report argv: an LV needs its VG');
    const problem = validateLvName(options.lv);
    if (problem) throw new Error(`lvm report argv: invalid LV name: ${problem}`);
    target.push(`${checkedVg(options.vg)[0]}/${options.lv}`);
  } else {
    target.push(...checkedVg(options.vg));
  }
  return [
    'lvs',
    '-a',
    ...REPORT_OPTIONS,
    '--config',
    `report/time_format="${LV_TIME_FORMAT}"`,
    '-o',
    LVS_FIELDS.join(','),
    ...target,
  ];
}

/** `pvs` for every PV. */
export function pvsArgv(): string[] {
  return ['pvs', ...REPORT_OPTIONS, '-o', PVS_FIELDS.join(',')];
}

// --- changes ----------------------------------------------------------------------------------------------------
// The builders below are the only way Cowherd makes an argv that changes LVM. Each validates its VG, LV and tag
// names by LVM's own rules (names.ts) and its sizes, and throws on anything invalid: a bad name reaching here is
// a bug (the operation schemas refuse it first), and no command must be built from it. Target LVs are passed as
// one "VG/LV" argument; validated names cannot start with "-", so lvm2 never reads one as an option.

const MiB = 1024 * 1024;

/** "VG/LV" for a command, after both names passed LVM's rules. */
export function lvTarget(vg: string, lv: string): string {
  const vgProblem = validateVgName(vg);
  if (vgProblem) throw new Error(`lvm argv: invalid VG name: ${vgProblem}`);
  const lvProblem = validateLvName(lv, vg);
  if (lvProblem) throw new Error(`lvm argv: invalid LV name: ${lvProblem}`);
  return `${vg}/${lv}`;
}

/**
 * A size in whole MiB ("52m"), rounded up: lvm2 rounds to extents anyway (4 MiB by default), and "m" keeps the
 * shown commands short. Only positive safe integers of bytes are accepted.
 */
export function mibSize(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new Error(`lvm argv: invalid size ${String(bytes)} (a positive whole number of bytes)`);
  return `${Math.ceil(bytes / MiB)}m`;
}

function tagOptions(tags: readonly string[] | undefined): string[] {
  return (tags ?? []).flatMap((tag) => {
    const problem = validateLvmTag(tag);
    if (problem) throw new Error(`lvm argv: invalid tag: ${problem}`);
    return ['--addtag', tag];
  });
}

/** `lvcreate -s -L SIZE -n NAME VG/ORIGIN`: a classic (COW) snapshot with a COW area of `sizeBytes`. */
export function lvcreateSnapshotArgv(o: { vg: string; origin: string; name: string; sizeBytes: number; tags?: readonly string[] }): string[] {
  const origin = lvTarget(o.vg, o.origin);
  lvTarget(o.vg, o.name);
  return ['lvcreate', '-s', '-L', mibSize(o.sizeBytes), '-n', o.name, ...tagOptions(o.tags), origin];
}

/** `lvcreate -s -n NAME VG/THINLV`: a thin snapshot (no size: it uses the pool; lvm2 sets skip-activation `k`). */
export function lvcreateThinSnapshotArgv(o: { vg: string; origin: string; name: string; tags?: readonly string[] }): string[] {
  const origin = lvTarget(o.vg, o.origin);
  lvTarget(o.vg, o.name);
  return ['lvcreate', '-s', '-n', o.name, ...tagOptions(o.tags), origin];
}

/** `lvextend -L +SIZE VG/LV`: grow an LV (a classic snapshot's COW area) by `addBytes`. */
export function lvextendArgv(o: { vg: string; lv: string; addBytes: number }): string[] {
  return ['lvextend', '-L', `+${mibSize(o.addBytes)}`, lvTarget(o.vg, o.lv)];
}

/** `lvremove -y VG/LV`. `-y` answers lvm2's own question; Cowherd asks the user before it builds this. */
export function lvremoveArgv(o: { vg: string; lv: string }): string[] {
  return ['lvremove', '-y', lvTarget(o.vg, o.lv)];
}

/**
 * `lvconvert --merge [--interval N] VG/SNAP`: merge a snapshot back into its origin. With `intervalSeconds`
 * lvm2 polls in the foreground and prints "Merged: 45.67%" every N seconds (the executor's progress).
 */
export function lvconvertMergeArgv(o: { vg: string; snapshot: string; intervalSeconds?: number }): string[] {
  const interval = o.intervalSeconds;
  if (interval !== undefined && (!Number.isSafeInteger(interval) || interval < 1)) throw new Error(`lvm argv: invalid interval ${interval}`);
  return ['lvconvert', '--merge', ...(interval === undefined ? [] : ['--interval', String(interval)]), lvTarget(o.vg, o.snapshot)];
}

/** `lvchange -ay [-K] VG/LV`; `ignoreSkip` (-K) is needed for an LV with the skip-activation flag (thin snapshots). */
export function lvchangeActivateArgv(o: { vg: string; lv: string; ignoreSkip?: boolean }): string[] {
  return ['lvchange', '-ay', ...(o.ignoreSkip ? ['-K'] : []), lvTarget(o.vg, o.lv)];
}

/** `lvchange -an VG/LV`. */
export function lvchangeDeactivateArgv(o: { vg: string; lv: string }): string[] {
  return ['lvchange', '-an', lvTarget(o.vg, o.lv)];
}

/**
 * `lvchange [--addtag T]... [--deltag T]... VG/LV`: mark an LV (snapshot policies: `cowherd-protected` keeps a
 * snapshot from pruning and expiry). Tags are checked by LVM's rules; at least one change is required.
 */
export function lvchangeTagsArgv(o: { vg: string; lv: string; add?: readonly string[]; del?: readonly string[] }): string[] {
  const del = (o.del ?? []).flatMap((tag) => {
    const problem = validateLvmTag(tag);
    if (problem) throw new Error(`lvm argv: invalid tag: ${problem}`);
    return ['--deltag', tag];
  });
  const add = tagOptions(o.add);
  if (add.length + del.length === 0) throw new Error('lvm argv: lvchange with no tag to add or delete');
  return ['lvchange', ...add, ...del, lvTarget(o.vg, o.lv)];
}

/** `lvchange --refresh VG/LV`: reloads the LV's tables; on a closed origin it starts a deferred merge. */
export function lvchangeRefreshArgv(o: { vg: string; lv: string }): string[] {
  return ['lvchange', '--refresh', lvTarget(o.vg, o.lv)];
}
