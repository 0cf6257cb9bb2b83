// Pure and client-safe.

/**
 * Where to go after login: `next` only if it is a path on this site ("/snapshots?host=a"), never an absolute URL,
 * a protocol-relative "//evil.example" or a "/\evil.example" that browsers treat as one. Falls back to "/".
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return '/';
  if (!next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(next)) return '/';
  const base = 'http://cowherd.invalid';
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return '/';
  }
  if (url.origin !== base) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Back to the login page would be a loop; the API is not a place to land in a browser.
  if (url.pathname === '/login' || url.pathname.startsWith('/login/') || url.pathname.startsWith('/api/')) return '/';
  return path;
}

/** The login page URL that brings the user back to `path` afterwards. */
export function loginUrl(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
