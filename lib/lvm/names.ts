/**
 * LVM name rules as lvm2 2.03.16 applies them, for validating user input before any command is built.
 * Each validator returns a message for a person, or null when the name is acceptable.
 *
 * Sources: lvm2 lib/misc/lvm-string.c (_validate_name, apply_lvname_restrictions) and, because the reserved
 * list grew across releases, every rule below was checked against lvm2 2.03.16 in the lab with
 * `lvcreate --test -L 4M -n NAME vg1` / `vgrename --test vg0 NAME`:
 * - charset: only ASCII [A-Za-z0-9+_.-] (C-locale isalnum), so look-alikes such as Cyrillic "а" are refused;
 * - "-" at the start, "." and ".." are refused ("Logical volume name "-a" is invalid.");
 * - LV names starting "snapshot" or "pvmove" are reserved ("Names starting "snapshot" are reserved.");
 * - LV names containing any of RESERVED_LV_SUBSTRINGS are reserved, e.g. "_cpool", "_cvol", "_imeta" are
 *   refused by 2.03.16 as well although older lvm-string.c copies do not list them; "_vpool" is accepted;
 * - length: a name of 128 characters is invalid (NAME_LEN 128 with its NUL). lvcreate also refuses an LV whose
 *   "VG/LV" is longer than 125 characters ("Internal error: LV name "vg1/aaa..." length 126 is not supported."):
 *   with vg1, 121 characters pass and 122 fail. Pass the VG to validateLvName to apply that limit.
 * - VG names: the same charset/dash/dot rules, no reserved words, and vgcreate/vgrename refuse more than 121
 *   characters ("New volume group path exceeds maximum length of 121!", 128 - strlen("/dev/") - 2).
 *   vgcreate also refuses a name that already exists under /dev ("/dev/mapper: already exists in filesystem");
 *   that depends on the host and is not checked here.
 */

export const LV_NAME_MAX = 127;
/** Longest "VG/LV" that lvcreate accepts (lvm2 2.03.16, measured). */
export const LV_FULL_NAME_MAX = 125;
export const VG_NAME_MAX = 121;

export const RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'] as const;

export const RESERVED_LV_SUBSTRINGS = [
  '_cdata',
  '_cmeta',
  '_corig',
  '_cpool',
  '_cvol',
  '_imeta',
  '_iorig',
  '_mimage',
  '_mlog',
  '_pmspare',
  '_rimage',
  '_rmeta',
  '_tdata',
  '_tmeta',
  '_vdata',
  '_vorigin',
  '_wcorig',
] as const;

const ALLOWED = /^[A-Za-z0-9+_.-]$/;

/** A character shown in a message: printable ASCII as itself, anything else with its code point. */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const quoted = JSON.stringify(ch);
  if (cp >= 0x20 && cp < 0x7f) return quoted;
  return `${quoted}, U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The name as shown in a message: JSON-quoted (so newlines are visible), shortened when very long. */
function shown(name: string): string {
  const chars = Array.from(name);
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 37).join('')}...` : name);
}

function validateCommon(name: string, what: 'LV' | 'VG', max: number): string | null {
  if (name.length === 0) return `The ${what} name is empty.`;
  if (name.startsWith('-')) return `${shown(name)} starts with "-", which LVM does not allow.`;
  if (name === '.' || name === '..') return `${shown(name)} is not allowed as a name.`;
  for (const ch of name) {
    if (!ALLOWED.test(ch)) {
      return `${shown(name)} contains a character LVM does not allow (${describeChar(ch)}); use only letters a-z, A-Z, digits and + _ . -`;
    }
  }
  if (name.length > max) {
    return `The ${what} name is ${name.length} characters long; LVM allows at most ${max}.`;
  }
  return null;
}

/**
 * Validate an LV name (for a new snapshot, a rename, ...). With `vgName`, also the "VG/LV" length limit of
 * lvcreate. Returns a message, or null when LVM will accept the name.
 */
export function validateLvName(name: string, vgName?: string): string | null {
  const common = validateCommon(name, 'LV', LV_NAME_MAX);
  if (common) return common;
  for (const prefix of RESERVED_LV_PREFIXES) {
    if (name.startsWith(prefix)) {
      return `${shown(name)} starts with "${prefix}", which LVM reserves for its own volumes.`;
    }
  }
  for (const reserved of RESERVED_LV_SUBSTRINGS) {
    if (name.includes(reserved)) {
      return `${shown(name)} contains "${reserved}", which LVM reserves for its internal volumes.`;
    }
  }
  if (vgName !== undefined) {
    const full = vgName.length + 1 + name.length;
    if (full > LV_FULL_NAME_MAX) {
      return `"${vgName}/<name>" would be ${full} characters long; LVM allows at most ${LV_FULL_NAME_MAX} (the name may have at most ${Math.max(0, LV_FULL_NAME_MAX - vgName.length - 1)} characters in this VG).`;
    }
  }
  return null;
}

/** Validate a VG name. Returns a message, or null when LVM will accept the name. */
export function validateVgName(name: string): string | null {
  return validateCommon(name, 'VG', VG_NAME_MAX);
}

/** Longest tag lvm2 accepts (NAME_LEN 128 with its NUL). */
export const TAG_MAX = 127;
const TAG_CHARS = /^[A-Za-z0-9_+.\-/=!:&#]+$/;

/**
 * Validate an LVM tag (`--addtag`): lvm2's validate_tag allows [A-Za-z0-9_+.-/=!:&#], at most 127 characters,
 * and no leading "-" (it would read as an option). Returns a message, or null when LVM will accept the tag.
 */
export function validateLvmTag(tag: string): string | null {
  if (tag.length === 0) return 'The tag is empty.';
  if (tag.startsWith('-')) return `${shown(tag)} starts with "-", which LVM does not allow.`;
  if (!TAG_CHARS.test(tag)) return `${shown(tag)} contains a character LVM does not allow in a tag; use only letters, digits and _ + . - / = ! : & #`;
  if (tag.length > TAG_MAX) return `The tag is ${tag.length} characters long; LVM allows at most ${TAG_MAX}.`;
  return null;
}
