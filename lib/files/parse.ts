/**
 * Parsers for what the mount backend's commands print (lib/files/commands.ts). Pure; outputs recorded in the lab
 * (util-linux 2.38.1, findutils 4.9, coreutils 9.1 of Debian 12) are the test fixtures in parse.test.ts.
 */
import { z } from 'zod';
import { isMountable } from './commands';

export type EntryType = 'file' | 'dir' | 'link' | 'char' | 'block' | 'fifo' | 'socket' | 'unknown';

export interface FileEntry {
  name: string;
  type: EntryType;
  sizeBytes: number;
  /** Permission bits in octal, e.g. "644" or "4755". */
  mode: string;
  uid: number;
  gid: number;
  /** ISO 8601 UTC. */
  mtime: string;
  /** A symlink's target text (never followed); null for anything else. */
  target: string | null;
}

const FIND_TYPES: Record<string, EntryType> = { f: 'file', d: 'dir', l: 'link', c: 'char', b: 'block', p: 'fifo', s: 'socket' };

/** `find -printf LIST_FORMAT` output: 8 NUL-terminated fields per entry. */
export function parseListing(stdout: string): FileEntry[] {
  const f = stdout.split('\0');
  const out: FileEntry[] = [];
  for (let i = 0; i + 8 <= f.length; i += 8) {
    const [type = '', size = '0', mode = '0', uid = '0', gid = '0', mtime = '0', target = '', name = ''] = f.slice(i, i + 8);
    if (name === '') continue;
    const secs = Number(mtime);
    out.push({
      name,
      type: FIND_TYPES[type] ?? 'unknown',
      sizeBytes: Number(size) || 0,
      mode,
      uid: Number(uid) || 0,
      gid: Number(gid) || 0,
      mtime: new Date(Number.isFinite(secs) ? Math.floor(secs * 1000) : 0).toISOString(),
      target: type === 'l' ? target : null,
    });
  }
  return out;
}

/** `stat --format=%F` words to entry types. */
export function statType(word: string): EntryType {
  switch (word.trim()) {
    case 'regular file':
    case 'regular empty file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symbolic link':
      return 'link';
    case 'character special file':
      return 'char';
    case 'block special file':
      return 'block';
    case 'fifo':
      return 'fifo';
    case 'socket':
      return 'socket';
    default:
      return 'unknown';
  }
}

const lsblkSchema = z.object({
  blockdevices: z.array(z.object({ path: z.string(), type: z.string(), size: z.union([z.number(), z.string()]) })),
});

export interface BlockDev {
  path: string;
  type: string;
  sizeBytes: number;
}

export function parseLsblk(stdout: string): BlockDev[] {
  const r = lsblkSchema.parse(JSON.parse(stdout));
  return r.blockdevices.map((d) => ({ path: d.path, type: d.type, sizeBytes: Number(d.size) }));
}

/** `blkid --output export`: KEY=value lines. */
export function parseBlkidExport(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface GuestFs {
  /** "p1", "p2"... for partitions, "disk" for a file system on the whole disk. */
  id: string;
  type: string | null;
  label: string | null;
  sizeBytes: number;
  browsable: boolean;
  /** Why it cannot be browsed, for a person. */
  note: string | null;
}

/** What the browser can do with one probed device. */
export function classify(id: string, sizeBytes: number, blkid: Record<string, string>): GuestFs {
  const type = blkid.TYPE ?? null;
  const label = blkid.LABEL ?? null;
  const base = { id, type, label, sizeBytes };
  if (isMountable(type ?? undefined)) return { ...base, browsable: true, note: null };
  if (type === 'LVM2_member') {
    // Reading it would mean activating the guest's VG on the host, which Cowherd never does.
    return { ...base, browsable: false, note: 'LVM inside the guest: not supported yet (the host never activates guest volume groups)' };
  }
  if (type === 'swap') return { ...base, browsable: false, note: 'swap space' };
  if (type === 'crypto_LUKS') return { ...base, browsable: false, note: 'encrypted (LUKS): not supported' };
  if (type === null) return { ...base, browsable: false, note: blkid.PTTYPE ? `partition table (${blkid.PTTYPE})` : 'no file system found' };
  return { ...base, browsable: false, note: `${type}: not supported by the mount backend (ext2/3/4 and XFS are)` };
}

/** The id of a partition device: /dev/loop3p2 -> "p2"; the loop itself -> "disk". */
export function fsIdOf(loop: string, dev: string): string | null {
  if (dev === loop) return 'disk';
  const m = /^p([0-9]{1,3})$/.exec(dev.slice(loop.length));
  return dev.startsWith(loop) && m ? `p${m[1]}` : null;
}

const losetupSchema = z.object({
  loopdevices: z.array(z.object({ name: z.string(), 'back-file': z.string().nullable().optional(), ro: z.union([z.boolean(), z.string()]).optional() })),
});

export function parseLosetupList(stdout: string): { name: string; backFile: string | null }[] {
  if (stdout.trim() === '') return [];
  return losetupSchema.parse(JSON.parse(stdout)).loopdevices.map((l) => ({ name: l.name, backFile: l['back-file'] ?? null }));
}

/** `findmnt --raw` lines: mount targets (with \xNN escapes decoded) and sources. */
export function parseFindmnt(stdout: string): { target: string; source: string }[] {
  const unescape = (s: string) => s.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [target = '', source = ''] = l.split(' ');
      return { target: unescape(target), source: unescape(source) };
    });
}

export type SortKey = 'name' | 'size' | 'mtime' | 'type';


export function sortEntries(entries: FileEntry[], sort: SortKey, desc: boolean): FileEntry[] {
  const byName = (a: FileEntry, b: FileEntry) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const cmpf: Record<SortKey, (a: FileEntry, b: FileEntry) => number> = {
    name: byName,
    size: (a, b) => a.sizeBytes - b.sizeBytes || byName(a, b),
    mtime: (a, b) => (a.mtime < b.mtime ? -1 : a.mtime > b.mtime ? 1 : byName(a, b)),
    type: (a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : byName(a, b)),
  };
  const sorted = [...entries].sort(cmpf[sort]);
  if (desc) sorted.reverse();
  // Directories first, as every file manager does, whatever the sort.
  return [...sorted.filter((e) => e.type === 'dir'), ...sorted.filter((e) => e.type !== 'dir')];
}
