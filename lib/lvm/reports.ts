/**
 * Parsers for the JSON reports built by commands.ts (`vgs`/`lvs`/`pvs --reportformat json --units b --nosuffix
 * --binary -o FIELDS`). lvm2 2.03.16 prints `{"report":[{"lv":[{...}]}]}` with every value a string; these
 * functions check every field with zod and return typed rows: sizes in bytes, percents as numbers or null,
 * flags as booleans (null where lvm2 says "unknown"/-1), lv_time as ISO 8601 (UTC).
 *
 * Malformed input (not JSON, a missing field, "abc" where bytes belong) throws LvmReportError: it means the
 * argv and the parser disagree or lvm2 changed, which is a bug, not a state of the host.
 * Flags are accepted in both spellings, --binary ("1"/"0"/"-1") and words ("merging", "snapshot invalid",
 * "skip activation", "open", "unknown", ""), so a report taken without --binary parses the same.
 */
import { z } from 'zod';
import type { LvsField, PvsField, VgsField } from './commands';

export class LvmReportError extends Error {
  override name = 'LvmReportError';
}

export interface VgReport {
  name: string;
  uuid: string;
  sizeBytes: number;
  freeBytes: number;
  extentSizeBytes: number;
  extentCount: number;
  freeExtentCount: number;
  pvCount: number;
  lvCount: number;
  /** Classic (COW) snapshots only: thin snapshots are not counted by lvm2 (seen: vg1 with thin1_snap has 0). */
  snapCount: number;
  attr: string;
  tags: string[];
}

export interface LvReport {
  /** As lvm2 prints it: hidden LVs in brackets, e.g. "[pool_tdata]" or a merging "[web_pre]". */
  name: string;
  vg: string;
  uuid: string;
  /** /dev/VG/LV; null for hidden LVs and for thin pools (lvm2 prints "" for both). */
  path: string | null;
  /** /dev/mapper/VG-LV, also for hidden LVs. */
  dmPath: string | null;
  attr: string;
  sizeBytes: number;
  origin: string | null;
  originUuid: string | null;
  /** Set on classic snapshots and on classic origins (their own size); null otherwise. */
  originSizeBytes: number | null;
  pool: string | null;
  /** data_percent: snapshot COW fill, thin pool/volume usage; null when inactive or not applicable. */
  dataPercent: number | null;
  snapPercent: number | null;
  metadataPercent: number | null;
  /** lv_role split on ",", e.g. ["public","snapshot","thicksnapshot"] or ["private","thin","pool","data"]. */
  roles: string[];
  /** lv_layout split on ",", e.g. ["thin","sparse"]. */
  layout: string[];
  /** For component LVs ([pool_tdata]), the LV they belong to. */
  parent: string | null;
  /** lv_merging: true on a merging snapshot and on its origin. */
  merging: boolean | null;
  mergeFailed: boolean | null;
  snapshotInvalid: boolean | null;
  /** lv_active: "active" -> true, "" -> false, "unknown" -> null. */
  active: boolean | null;
  skipActivation: boolean | null;
  suspended: boolean | null;
  deviceOpen: boolean | null;
  healthStatus: string | null;
  /** lv_time as ISO 8601 in UTC ("2026-11-27T03:00:20.000Z"); null when lvm2 does not know it. */
  createdAt: string | null;
  chunkSizeBytes: number;
  tags: string[];
}

export interface PvReport {
  name: string;
  /** null for a PV that belongs to no VG. */
  vg: string | null;
  uuid: string;
  format: string;
  sizeBytes: number;
  freeBytes: number;
  usedBytes: number;
  deviceSizeBytes: number;
  attr: string;
  extentCount: number;
  allocatedExtentCount: number;
  missing: boolean | null;
  tags: string[];
}

// --- field schemas -----------------------------------------------------------------------------------------

const count = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer (bytes or a count)')
  .transform(Number)
  .refine(Number.isSafeInteger, 'number too large');

const optionalCount = z.union([z.literal('').transform(() => null), count]);

/** "12.57", "100.00", "" (inactive); "12,57" if a host's locale leaks into lvm2's printf. */
const percent = z
  .string()
  .regex(/^(?:\d+(?:[.,]\d+)?)?$/, 'expected a percentage like "12.57" or ""')
  .transform((s) => (s === '' ? null : Number(s.replace(',', '.'))));

const text = z.string();
const optionalText = z.string().transform((s) => (s === '' ? null : s));
const list = z.string().transform((s) => s.split(',').filter((part) => part !== ''));

/** A binary flag: "1"/word -> true, "0"/"" -> false, "-1"/"unknown" -> null. */
function flag(word: string) {
  return z
    .string()
    .refine((s) => ['1', '0', '-1', '', 'unknown', word].includes(s), {
      message: `expected "1", "0", "-1", "", "unknown" or "${word}"`,
    })
    .transform((s) => (s === '1' || s === word ? true : s === '-1' || s === 'unknown' ? null : false));
}

const lvActive = z.string().transform((s) => (s === '' ? false : s === 'unknown' ? null : true));

const LV_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2}):?(\d{2})$/;

/** "2026-11-27 03:10:11 +0000" -> "2026-11-27T03:10:11.000Z"; "" -> null; anything else -> null. */
export function parseLvTime(value: string): string | null {
  const m = LV_TIME.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m.map((part) => part ?? '');
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const offsetMs = (Number(oh) * 60 + Number(om)) * 60_000 * (sign === '-' ? -1 : 1);
  const date = new Date(utc - offsetMs);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

const lvTime = z
  .string()
  .refine((s) => s === '' || parseLvTime(s) !== null, 'expected a time like "2026-11-27 03:10:11 +0000"')
  .transform((s) => (s === '' ? null : parseLvTime(s)));

// --- row schemas (keys must match the field lists in commands.ts) -------------------------------------------

const vgRow = z
  .object({
    vg_name: text,
    vg_uuid: text,
    vg_size: count,
    vg_free: count,
    vg_extent_size: count,
    vg_extent_count: count,
    vg_free_count: count,
    pv_count: count,
    lv_count: count,
    snap_count: count,
    vg_attr: text,
    vg_tags: list,
  } satisfies Record<VgsField, z.ZodType>)
  .transform(
    (r): VgReport => ({
      name: r.vg_name,
      uuid: r.vg_uuid,
      sizeBytes: r.vg_size,
      freeBytes: r.vg_free,
      extentSizeBytes: r.vg_extent_size,
      extentCount: r.vg_extent_count,
      freeExtentCount: r.vg_free_count,
      pvCount: r.pv_count,
      lvCount: r.lv_count,
      snapCount: r.snap_count,
      attr: r.vg_attr,
      tags: r.vg_tags,
    }),
  );

const lvRow = z
  .object({
    lv_name: z.string().min(1, 'expected an LV name'),
    vg_name: z.string().min(1, 'expected a VG name'),
    lv_uuid: text,
    lv_path: optionalText,
    lv_dm_path: optionalText,
    lv_attr: z.string().length(10, 'expected a 10-character lv_attr'),
    lv_size: count,
    origin: optionalText,
    origin_uuid: optionalText,
    origin_size: optionalCount,
    pool_lv: optionalText,
    data_percent: percent,
    snap_percent: percent,
    metadata_percent: percent,
    lv_role: list,
    lv_layout: list,
    lv_parent: optionalText,
    lv_merging: flag('merging'),
    lv_merge_failed: flag('merge failed'),
    lv_snapshot_invalid: flag('snapshot invalid'),
    lv_active: lvActive,
    lv_skip_activation: flag('skip activation'),
    lv_suspended: flag('suspended'),
    lv_device_open: flag('open'),
    lv_health_status: optionalText,
    lv_time: lvTime,
    chunk_size: count,
    lv_tags: list,
  } satisfies Record<LvsField, z.ZodType>)
  .transform(
    (r): LvReport => ({
      name: r.lv_name,
      vg: r.vg_name,
      uuid: r.lv_uuid,
      path: r.lv_path,
      dmPath: r.lv_dm_path,
      attr: r.lv_attr,
      sizeBytes: r.lv_size,
      origin: r.origin,
      originUuid: r.origin_uuid,
      originSizeBytes: r.origin_size,
      pool: r.pool_lv,
      dataPercent: r.data_percent,
      snapPercent: r.snap_percent,
      metadataPercent: r.metadata_percent,
      roles: r.lv_role,
      layout: r.lv_layout,
      parent: r.lv_parent,
      merging: r.lv_merging,
      mergeFailed: r.lv_merge_failed,
      snapshotInvalid: r.lv_snapshot_invalid,
      active: r.lv_active,
      skipActivation: r.lv_skip_activation,
      suspended: r.lv_suspended,
      deviceOpen: r.lv_device_open,
      healthStatus: r.lv_health_status,
      createdAt: r.lv_time,
      chunkSizeBytes: r.chunk_size,
      tags: r.lv_tags,
    }),
  );

const pvRow = z
  .object({
    pv_name: z.string().min(1, 'expected a PV name'),
    vg_name: optionalText,
    pv_uuid: text,
    pv_fmt: text,
    pv_size: count,
    pv_free: count,
    pv_used: count,
    dev_size: count,
    pv_attr: text,
    pv_pe_count: count,
    pv_pe_alloc_count: count,
    pv_missing: flag('missing'),
    pv_tags: list,
  } satisfies Record<PvsField, z.ZodType>)
  .transform(
    (r): PvReport => ({
      name: r.pv_name,
      vg: r.vg_name,
      uuid: r.pv_uuid,
      format: r.pv_fmt,
      sizeBytes: r.pv_size,
      freeBytes: r.pv_free,
      usedBytes: r.pv_used,
      deviceSizeBytes: r.dev_size,
      attr: r.pv_attr,
      extentCount: r.pv_pe_count,
      allocatedExtentCount: r.pv_pe_alloc_count,
      missing: r.pv_missing,
      tags: r.pv_tags,
    }),
  );

// --- envelope ------------------------------------------------------------------------------------------------

const envelope = z.object({ report: z.array(z.record(z.string(), z.unknown())) });

/** The rows under `key` of every object in report[] (a command log object, if configured, is skipped). */
function rowsOf(stdout: string, command: string, key: string): unknown[] {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (e) {
    const start = stdout.trim().slice(0, 80);
    throw new LvmReportError(
      `${command}: output is not JSON (${e instanceof Error ? e.message : String(e)}); it starts ${JSON.stringify(start)}`,
    );
  }
  const parsed = envelope.safeParse(json);
  if (!parsed.success) {
    throw new LvmReportError(`${command}: expected {"report":[{"${key}":[...]}]}: ${z.prettifyError(parsed.error)}`);
  }
  const sections = parsed.data.report.filter((section) => key in section);
  if (sections.length === 0) throw new LvmReportError(`${command}: the report has no "${key}" section`);
  const rows: unknown[] = [];
  for (const section of sections) {
    const value = section[key];
    if (!Array.isArray(value)) throw new LvmReportError(`${command}: "${key}" is not an array`);
    rows.push(...(value as unknown[]));
  }
  return rows;
}

function parseRows<T>(stdout: string, command: string, key: string, nameField: string, schema: z.ZodType<T>): T[] {
  return rowsOf(stdout, command, key).map((row, i) => {
    const result = schema.safeParse(row);
    if (result.success) return result.data;
    const name =
      typeof row === 'object' && row !== null && nameField in row ? (row as Record<string, unknown>)[nameField] : undefined;
    throw new LvmReportError(
      `${command}: row ${i}${typeof name === 'string' ? ` (${nameField} ${JSON.stringify(name)})` : ''} is malformed:\n${z.prettifyError(result.error)}`,
    );
  });
}

/** Parse the stdout of `vgsArgv()`. */
export function parseVgs(stdout: string): VgReport[] {
  return parseRows(stdout, 'vgs', 'vg', 'vg_name', vgRow);
}

/** Parse the stdout of `lvsArgv()`. */
export function parseLvs(stdout: string): LvReport[] {
  return parseRows(stdout, 'lvs', 'lv', 'lv_name', lvRow);
}

/** Parse the stdout of `pvsArgv()`. */
export function parsePvs(stdout: string): PvReport[] {
  return parseRows(stdout, 'pvs', 'pv', 'pv_name', pvRow);
}
