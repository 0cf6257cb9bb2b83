/**
 * What both browse backends (lib/files/browse.ts: mount; lib/files/guestfs.ts: libguestfs) answer, so the API and
 * the page do not care which one read the snapshot. Pure types, safe for client components.
 */
import type { FileEntry } from './parse';

export type Fail = { ok: false; status: number; error: string };
export type Ok<T> = { ok: true } & T;
export type Which = 'snapshot' | 'origin';

export interface Listing {
  path: string;
  entries: FileEntry[];
  total: number;
  offset: number;
  limit: number;
}

/** Largest file a text diff is made of; bigger ones are compared byte for byte (or by checksum) only. */
export const DIFF_MAX_BYTES = 1024 * 1024;

export type DiffResult =
  | { kind: 'file'; path: string; status: 'same' | 'changed' | 'added' | 'removed' | 'type-changed'; diff: string | null; binary: boolean; note: string | null }
  | {
      kind: 'dir';
      path: string;
      added: FileEntry[];
      removed: FileEntry[];
      changed: { name: string; snapshot: FileEntry; origin: FileEntry; contentChanged: boolean | null }[];
      unchanged: number;
      /** Same-size files were compared by content too (`hash`), not only by type, size and mtime. */
      byContent: boolean;
    };

/** How a session keeps the guest file systems away from the rest of the host, for the page to say. */
export type Isolation = 'appliance' | 'private-namespace' | 'host-namespace';
