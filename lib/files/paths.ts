/**
 * Paths a client asks for inside a guest file system: normalised and confined before any command sees them.
 * Pure. A path is refused, never "repaired", when it tries to leave the root: `..` anywhere, a NUL byte, or a
 * relative path. Symlinks are a separate matter (see lib/files/commands.ts: every component is lstat'ed and
 * nothing is followed), because they live in the untrusted file system, not in the request.
 */

/** Longest path accepted (Linux PATH_MAX) and longest component (NAME_MAX), in bytes. */
export const PATH_MAX_BYTES = 4096;
export const NAME_MAX_BYTES = 255;

export type GuestPath =
  | { ok: true; /** "/" or "/a/b" with no empty, "." or ".." component. */ path: string; parts: string[] }
  | { ok: false; error: string };

export function parseGuestPath(input: unknown): GuestPath {
  if (typeof input !== 'string') return { ok: false, error: 'path is required' };
  if (input.includes('\0')) return { ok: false, error: 'path must not contain a NUL byte' };
  if (!input.startsWith('/')) return { ok: false, error: 'path must be absolute (start with "/")' };
  if (Buffer.byteLength(input) > PATH_MAX_BYTES) return { ok: false, error: `path is longer than ${PATH_MAX_BYTES} bytes` };
  const parts: string[] = [];
  for (const p of input.split('/')) {
    if (p === '' || p === '.') continue;
    // Refused rather than resolved: a client that sends ".." is either confused or probing.
    if (p === '..') return { ok: false, error: 'path must not contain ".."' };
    if (Buffer.byteLength(p) > NAME_MAX_BYTES) return { ok: false, error: `a path component is longer than ${NAME_MAX_BYTES} bytes` };
    parts.push(p);
  }
  return { ok: true, path: `/${parts.join('/')}`, parts };
}

/**
 * The host path of `parts` under a mount point, and the host path of every prefix (the mount point excluded):
 * the list that is lstat'ed to prove no component is a symlink before anything is opened.
 */
export function hostPaths(mountDir: string, parts: readonly string[]): { full: string; prefixes: string[] } {
  const prefixes: string[] = [];
  let cur = mountDir;
  for (const p of parts) {
    cur = `${cur}/${p}`;
    prefixes.push(cur);
  }
  return { full: cur, prefixes };
}

/** Parent of a normalised path ("/" for "/" and top-level entries). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** A normalised path joined with one entry name from a listing. */
export function childPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}
