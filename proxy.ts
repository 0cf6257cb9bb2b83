import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER, SESSION_COOKIE_NAMES } from '@/lib/auth/constants';
import { env } from '@/lib/env';
import { newNonce, securityHeaders } from '@/lib/security-headers';

// A cheap first gate: turn away requests that carry no credentials at all. It cannot tell a valid session from a
// forged cookie (that needs SQLite), so every page, route handler and server action still checks with the guards
// in lib/auth/guard.ts.

function isPublic(pathname: string, method: string): boolean {
  if (pathname === '/login' || pathname.startsWith('/login/')) return true;
  if (pathname === '/api/session' && method === 'POST') return true; // JSON login
  if (pathname === '/api/health' && (method === 'GET' || method === 'HEAD')) return true; // liveness, reveals nothing
  return false;
}

function isApi(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/') || pathname === '/metrics' || pathname.startsWith('/metrics/');
}

/** Stamp the security headers (a fresh CSP nonce each time, HSTS over https) on whatever the proxy returns. */
function withHeaders<T extends NextResponse>(response: T, headers: Record<string, string>): T {
  for (const [k, v] of Object.entries(headers)) response.headers.set(k, v);
  return response;
}

export function proxy(request: NextRequest) {
  // Every response gets its own nonce, so pages are rendered per request (they are: the layout reads the session).
  const nonce = newNonce();
  const security = securityHeaders(nonce, { dev: process.env.NODE_ENV !== 'production', secure: env().COWHERD_SECURE_COOKIES });
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  const hasCredentials = SESSION_COOKIE_NAMES.some((n) => request.cookies.has(n)) || request.headers.has('authorization');

  if (!hasCredentials && !isPublic(pathname, request.method)) {
    if (isApi(pathname)) {
      return withHeaders(
        NextResponse.json({ error: 'authentication required' }, { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } }),
        security,
      );
    }
    const login = new URL('/login', request.url);
    if (pathname !== '/') login.searchParams.set('next', path);
    return withHeaders(NextResponse.redirect(login), security);
  }

  // Tell server components which path is being rendered, so requirePageUser can send the user back after login.
  // Set here (overwriting whatever the client sent): the value is only ever used through safeNextPath.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  // Next.js reads the nonce from the request's Content-Security-Policy and puts it on the scripts it renders;
  // x-nonce is there for a server component that renders its own <Script>.
  headers.set('Content-Security-Policy', security['Content-Security-Policy'] ?? '');
  headers.set('x-nonce', nonce);
  return withHeaders(NextResponse.next({ request: { headers } }), security);
}

export const config = {
  // Everything except build assets and dev tooling (they hold no data, and are no documents a policy applies to),
  // and the icons.
  matcher: ['/((?!_next/static|_next/image|_next/webpack-hmr|favicon\\.ico|icon\\.svg).*)'],
};
