/**
 * Snapshot policies (issue 12): the shape of a policy and its validation, shared by the API and the policy form.
 * Browser-safe (zod, croner and LVM's naming rules only): the form validates with the very same schema, so both say
 * the same thing in the same words.
 *
 * Hostile input is refused here, before anything is stored: names by LVM's rules (or a strict guest-name rule),
 * globs by a small alphabet (letters, digits, "._+-" and the wildcards "*" and "?": no brackets, no slashes, no
 * escapes), cron strings by a small alphabet and a length limit before croner parses them, time zones by Intl.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { lvNameSchema as lvName, vgNameSchema as vgName } from '@/lib/lvm/name-schemas';

/** A configured host id (the config's own rule is stricter elsewhere; this keeps junk out of the table). */
const hostId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a host id of letters, digits, ".", "_" and "-"');

/** libvirt domain names Cowherd acts on by policy: the characters a glob can also match, nothing else. */
export const GUEST_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
/** A glob over guest names: the same alphabet plus "*" and "?"; no brackets, braces, slashes or escapes. */
export const GUEST_GLOB_RE = /^[A-Za-z0-9._+*?-]{1,64}$/;

const guestName = z.string().regex(GUEST_NAME_RE, 'a guest name of letters, digits, ".", "_", "+" and "-" (at most 64)');
const guestGlob = z
  .string()
  .regex(GUEST_GLOB_RE, 'a glob of letters, digits, ".", "_", "+", "-" and the wildcards "*" and "?" (at most 64)')
  .refine((g) => !/\*{2,}/.test(g), 'use one "*" for any run of characters');

export const policySelector = z.discriminatedUnion('type', [
  /** One guest: every LV-backed disk it has when the run starts. */
  z.object({ type: z.literal('guest'), host: hostId, guest: guestName }).strict(),
  /** One logical volume. */
  z.object({ type: z.literal('lv'), host: hostId, vg: vgName, lv: lvName }).strict(),
  /** Every guest on the host whose name matches the glob, with their LV-backed disks. */
  z.object({ type: z.literal('glob'), host: hostId, pattern: guestGlob }).strict(),
]);
export type PolicySelector = z.infer<typeof policySelector>;

/**
 * What a run does. `snapshot`: a thin snapshot of a thin origin (many kept, pruned by retention), or a classic one
 * of a classic origin (at most one per origin, removed after `lifetimeMinutes`). A `backup` action (retention over
 * catalogue rows, below) makes a verified backup per run.
 */
export const policyAction = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('snapshot'),
      /** Classic origins only: how long the one policy snapshot lives (default 20 h). */
      lifetimeMinutes: z.number().int().min(1).max(60 * 24 * 31).default(20 * 60),
      /** Classic origins only: the COW area as a percentage of the origin (default 20 %, as create-snapshot). */
      cowPercent: z.number().min(1).max(100).default(20),
    })
    .strict(),
  /**
   * Issue 12: a backup per run of each covered LV (the backup-volume operation) to `targetHost`'s backupDir (default
   * the policy's host), pruned from the catalogue by the retention: only backups this policy made, never a manual
   * or a protected one.
   */
  z
    .object({
      type: z.literal('backup'),
      targetHost: hostId.optional(),
      format: z.enum(['qcow2', 'raw']).default('qcow2'),
    })
    .strict(),
]);
export type PolicyAction = z.infer<typeof policyAction>;

const keep = z.number().int().min(0).max(10_000).optional();
export const retentionOptions = z
  .object({ keepLast: keep, keepHourly: keep, keepDaily: keep, keepWeekly: keep, keepMonthly: keep, keepYearly: keep })
  .strict();

/** Cron strings: digits, letters (month and day names, L, W), "*", "/", ",", "-", "?", "#", "@" and spaces. */
const CRON_CHARS = /^[0-9A-Za-z*/,?#@ -]{1,100}$/;

export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+/-]{0,63}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Check a cron string: null when croner accepts it and it has a next run, else the message. Five fields (minute
 * precision); six (a seconds field) only when `allowSeconds`: the server enables it for tests only
 * (COWHERD_POLICY_SECONDS=1), since a run every few seconds would flood a real host with snapshots.
 */
export function cronProblem(cron: string, timeZone: string, allowSeconds = false): string | null {
  if (!CRON_CHARS.test(cron)) return 'a cron expression of at most 100 characters: digits, names, "*", "/", ",", "-", "?", "#", "@" and spaces';
  if (!isValidTimeZone(timeZone)) return `unknown time zone ${JSON.stringify(timeZone.slice(0, 64))}`;
  try {
    const c = new Cron(cron.trim(), { timezone: timeZone, mode: allowSeconds ? '5-or-6-parts' : '5-part', paused: true });
    if (!c.nextRun()) return 'this schedule never runs again';
    return null;
  } catch (e) {
    return `not a cron expression${allowSeconds ? '' : ' of five fields (minute hour day month weekday)'}: ${(e as Error).message}`;
  }
}

/** The next `n` run times after `from` (croner, in the policy's time zone), or [] for an invalid schedule. */
export function nextRunTimes(cron: string, timeZone: string, n = 5, from: Date = new Date(), allowSeconds = true): Date[] {
  if (cronProblem(cron, timeZone, allowSeconds)) return [];
  return new Cron(cron.trim(), { timezone: timeZone, mode: allowSeconds ? '5-or-6-parts' : '5-part', paused: true }).nextRuns(n, from);
}

const note = z
  .string()
  .max(500, 'at most 500 characters')
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'no control characters');

export const policyName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._+-]{0,63}$/, 'a name of letters, digits, spaces, ".", "_", "+" and "-" (at most 64)');

/** The body of POST /api/policies and PUT /api/policies/:id (and the form). `allowSeconds` as cronProblem. */
export function policyInput(allowSeconds = false) {
  return z
    .object({
      name: policyName,
      selector: policySelector,
      action: policyAction,
      schedule: z
        .object({ cron: z.string().max(100), timeZone: z.string().max(64).default('UTC') })
        .strict()
        .superRefine((s, ctx) => {
          const p = cronProblem(s.cron, s.timeZone, allowSeconds);
          if (p) ctx.addIssue({ code: 'custom', message: p, path: ['cron'] });
        }),
      retention: retentionOptions.default({}),
      consistency: z.enum(['auto', 'freeze', 'suspend', 'none']).default('auto'),
      /** Space guard: skip the run when the VG (classic) or the thin pool (thin) is at least this full. */
      maxFillPercent: z.number().min(1).max(100).default(90),
      enabled: z.boolean().default(true),
      note: note.default(''),
    })
    .strict();
}
export type PolicyInput = z.infer<ReturnType<typeof policyInput>>;

export type RunResult = 'running' | 'ok' | 'failed' | 'skipped';
export type RunTrigger = 'schedule' | 'catch-up' | 'manual' | 'expiry';

export interface Policy extends PolicyInput {
  id: number;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyRun {
  id: number;
  policyId: number;
  trigger: RunTrigger;
  startedAt: string;
  finishedAt: string | null;
  result: RunResult;
  reason: string | null;
  jobIds: number[];
  durationMs: number | null;
}

export { policyTag, PROTECTED_TAG } from './tags';

/** Does a guest name match a glob ("*" any run, "?" one character)? Built without RegExp from input. */
export function globMatch(pattern: string, name: string): boolean {
  // Iterative wildcard match (no backtracking blow-up): the classic two-pointer algorithm.
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star >= 0) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
