import { lstatSync, type Stats } from 'node:fs';

// Small helpers of the checks that keep Cowherd's own files private (the data directory, the ssh control directory).

/** lstat (never following a symlink), or null when the path does not exist. */
export function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** This process's uid, or null where there is none (not POSIX). */
export const myUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

/** A mode as the four octal digits chmod takes ("0755"). */
export const octal = (mode: number): string => (mode & 0o7777).toString(8).padStart(4, '0');
