/**
 * Parsers for what guestfish prints (lib/files/commands.ts, libguestfs backend). Pure. The formats are guestfish's
 * generated printers (libguestfs fish/run-*.c and common/structs/structs-print.c, 1.48): a struct is `name: value`
 * lines (integers in decimal, st_mode too), a struct list is `[N] = {` / two-space indented fields / `}`, a hash
 * table (list-filesystems, mountpoints) is `key: value` lines, a string list one item per line, an RString or RInt64
 * one line, a FileOut of "-" raw bytes on stdout (ls0: names each ended by a NUL byte).
 */
import { isGuestfsMountable } from './commands';
import type { EntryType, FileEntry, GuestFs } from './parse';

/** `key: value` lines (list-filesystems, mountpoints); the key is everything before the first ": ". */
export function parseGuestfishTable(stdout: string): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  for (const line of stdout.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out.push({ key: line.slice(0, i), value: line.slice(i + 2) });
  }
  return out;
}

/** The statns fields Cowherd uses. */
export interface Statns {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtimeSec: number;
  mtimeNsec: number;
}

function statnsFrom(fields: Map<string, string>): Statns | null {
  const n = (k: string) => {
    const v = fields.get(k);
    return v !== undefined && /^-?[0-9]+$/.test(v) ? Number(v) : null;
  };
  const ino = n('st_ino');
  const mode = n('st_mode');
  if (ino === null || mode === null) return null;
  return { ino, mode, uid: n('st_uid') ?? 0, gid: n('st_gid') ?? 0, size: n('st_size') ?? 0, mtimeSec: n('st_mtime_sec') ?? 0, mtimeNsec: n('st_mtime_nsec') ?? 0 };
}

function fieldLine(line: string): [string, string] | null {
  const m = /^\s*(st_[a-z0-9_]+): (-?[0-9]+)$/.exec(line);
  return m?.[1] && m[2] !== undefined ? [m[1], m[2]] : null;
}

/** One `lstatns` answer; null when the output is not one (the command failed: its reason is in the server log). */
export function parseStatns(stdout: string): Statns | null {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const f = fieldLine(line);
    if (f) fields.set(f[0], f[1]);
  }
  return statnsFrom(fields);
}

/**
 * An `lstatnslist` answer: one entry per name asked, in order; null for a name that does not exist (lstatnslist
 * sets st_ino to -1 for those), and null for the whole answer when it has not exactly `count` entries.
 */
export function parseStatnsList(stdout: string, count: number): (Statns | null)[] | null {
  const out: (Statns | null)[] = [];
  let cur: Map<string, string> | null = null;
  for (const line of stdout.split('\n')) {
    if (/^\[[0-9]+\] = \{$/.test(line)) cur = new Map();
    else if (line === '}' && cur) {
      const st = statnsFrom(cur);
      if (!st) return null;
      out.push(st.ino === -1 ? null : st);
      cur = null;
    } else if (cur) {
      const f = fieldLine(line);
      if (f) cur.set(f[0], f[1]);
    }
  }
  return out.length === count ? out : null;
}

/** The file type of st_mode (S_IFMT bits). */
export function modeType(mode: number): EntryType {
  switch (mode & 0o170000) {
    case 0o100000:
      return 'file';
    case 0o040000:
      return 'dir';
    case 0o120000:
      return 'link';
    case 0o020000:
      return 'char';
    case 0o060000:
      return 'block';
    case 0o010000:
      return 'fifo';
    case 0o140000:
      return 'socket';
    default:
      return 'unknown';
  }
}

/** A listing entry from lstat data, in the mount backend's terms (octal permission bits as find's %m prints them). */
export function statnsEntry(name: string, st: Statns, target: string | null): FileEntry {
  const type = modeType(st.mode);
  return {
    name,
    type,
    sizeBytes: st.size,
    mode: (st.mode & 0o7777).toString(8),
    uid: st.uid,
    gid: st.gid,
    mtime: new Date(st.mtimeSec * 1000 + Math.floor(st.mtimeNsec / 1e6)).toISOString(),
    target: type === 'link' ? target : null,
  };
}

/** `ls0 DIR -`: names, each ended by a NUL byte (any byte but NUL and "/" can be in a name, newlines too). */
export function parseLs0(stdout: string): string[] {
  return stdout.split('\0').filter((n) => n !== '' && n !== '.' && n !== '..');
}

/** `readlinklist`: one target per line, or null when the count does not match (a target with a newline). */
export function parseReadlinkList(stdout: string, count: number): string[] | null {
  if (count === 0) return [];
  const lines = stdout.endsWith('\n') ? stdout.slice(0, -1).split('\n') : null;
  return lines && lines.length === count ? lines : null;
}

/** An RString answer (readlink, vfs-label, checksum): the text without the newline guestfish adds; null: failed. */
export function parseGuestfishString(stdout: string): string | null {
  return stdout.endsWith('\n') ? stdout.slice(0, -1) : null;
}

/** An RInt64 answer (blockdev-getsize64). */
export function parseGuestfishInt(stdout: string): number | null {
  const t = stdout.trim();
  return /^[0-9]+$/.test(t) ? Number(t) : null;
}

/** The appliance device's file system id: /dev/sda -> "disk", /dev/sda2 -> "p2"; anything else (a guest LV) null. */
export function guestfsFsId(device: string): string | null {
  if (device === '/dev/sda') return 'disk';
  const m = /^\/dev\/sda([1-9][0-9]{0,2})$/.exec(device);
  return m?.[1] ? `p${m[1]}` : null;
}

/**
 * The file systems list-filesystems found, in the mount backend's shape. Partitions of the disk are browsable when
 * the appliance can mount their type; LVM inside the guest is listed (libguestfs activates it inside the appliance,
 * never on the host) but not browsable yet, because file system ids are partitions.
 */
export function guestfsFilesystems(list: { key: string; value: string }[], sizes: Map<string, number>, labels: Map<string, string>): GuestFs[] {
  const out: GuestFs[] = [];
  for (const { key: device, value: rawType } of list) {
    const type = rawType === 'unknown' || rawType === '' ? null : rawType;
    const label = labels.get(device) || null;
    const sizeBytes = sizes.get(device) ?? 0;
    const id = guestfsFsId(device);
    if (!id) {
      out.push({ id: device.replace(/^\/dev\//, ''), type, label, sizeBytes, browsable: false, note: `${device}: LVM or another volume inside the guest: not supported yet` });
      continue;
    }
    if (isGuestfsMountable(type)) out.push({ id, type, label, sizeBytes, browsable: true, note: null });
    else if (type === 'swap') out.push({ id, type, label, sizeBytes, browsable: false, note: 'swap space' });
    else if (type === 'crypto_LUKS') out.push({ id, type, label, sizeBytes, browsable: false, note: 'encrypted (LUKS): not supported' });
    else out.push({ id, type, label, sizeBytes, browsable: false, note: type ? `${type}: not supported by the libguestfs backend here` : 'no file system found' });
  }
  const rank = (id: string) => (id === 'disk' ? 0 : /^p[0-9]+$/.test(id) ? Number(id.slice(1)) : 10_000);
  return out.sort((a, b) => rank(a.id) - rank(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
