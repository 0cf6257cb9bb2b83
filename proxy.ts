import { NextResponse, type NextRequest } from 'next/server';
import { PATH_HEADER, SESSION_COOKIE } from '@/lib/auth/constants';

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

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  const hasCredentials = request.cookies.has(SESSION_COOKIE) || request.headers.has('authorization');

  if (!hasCredentials && !isPublic(pathname, request.method)) {
    if (isApi(pathname)) {
      return NextResponse.json(
        { error: 'authentication required' },
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } },
      );
    }
    const login = new URL('/login', request.url);
    if (pathname !== '/') login.searchParams.set('next', path);
    return NextResponse.redirect(login);
  }

  // Tell server components which path is being rendered, so requirePageUser can send the user back after login.
  // Set here (overwriting whatever the client sent): the value is only ever used through safeNextPath.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything except build assets and dev tooling (they hold no data), and the favicon.
  matcher: ['/((?!_next/static|_next/image|_next/webpack-hmr|favicon\\.ico).*)'],
};
