import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import { env } from '@/lib/env';
import { db as defaultDb, type Db } from '@/lib/store/db';
import { PATH_HEADER, sessionCookieName } from './constants';
import { loginUrl } from './redirect';
import { roleAtLeast, type Role } from './roles';
import { lookupSession } from './sessions';
import { lookupApiToken } from './tokens';

// The one way the rest of the app checks access. proxy.ts only turns away requests without any credentials;
// every page, route handler and server action still calls one of the guards below.

export type Principal = {
  kind: 'session' | 'token';
  /**
   * For a token, `token:<name>#<id>`, so audit entries and jobs show which token ran a command (names can repeat
   * and be reused after a revocation; the id cannot).
   */
  username: string;
  role: Role;
  /** The user's id for a session; null for a token. */
  userId: number | null;
  /** The token's id for a token; null for a session. */
  tokenId: number | null;
};

/** Who sends these credentials, or why they are refused (shown in the 401). */
export type Authentication = { ok: true; principal: Principal } | { ok: false; error: string };

export type ActionAuth = { ok: true; principal: Principal } | { ok: false; error: string };

export function forbiddenMessage(minRole: Role): string {
  return `forbidden: needs role ${minRole}`;
}

/** The session cookie's name here: `__Host-cowherd_session` with COWHERD_SECURE_COOKIES, else `cowherd_session`. */
export function currentSessionCookie(): string {
  return sessionCookieName(env().COWHERD_SECURE_COOKIES);
}

/** Value of cookie `name` in a Cookie request header. */
export function cookieFromHeader(header: string | null, name: string = currentSessionCookie()): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Who sends these credentials. An Authorization header, when present, is the credential (a bad token is not
 * rescued by a cookie); otherwise the session cookie.
 */
export function authenticateWith(
  database: Db,
  authorization: string | null,
  sessionId: string | undefined,
  now: number = Date.now(),
): Authentication {
  if (authorization !== null) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m?.[1]) return { ok: false, error: 'invalid Authorization header: expected Bearer <token>' };
    const token = lookupApiToken(database, m[1], now);
    if (!token.ok) return { ok: false, error: token.error };
    return {
      ok: true,
      principal: { kind: 'token', username: `token:${token.name}#${token.id}`, role: token.role, userId: null, tokenId: token.id },
    };
  }
  const session = lookupSession(database, sessionId, now);
  if (!session) return { ok: false, error: 'authentication required' };
  return {
    ok: true,
    principal: { kind: 'session', username: session.user.username, role: session.user.role, userId: session.user.id, tokenId: null },
  };
}

export function principalFrom(
  database: Db,
  authorization: string | null,
  sessionId: string | undefined,
  now: number = Date.now(),
): Principal | null {
  const a = authenticateWith(database, authorization, sessionId, now);
  return a.ok ? a.principal : null;
}

// One lookup per request even when the layout, the page and its components all ask.
const authenticateCurrentRequest = cache(async (): Promise<Principal | null> => {
  const [h, c] = await Promise.all([headers(), cookies()]);
  return principalFrom(defaultDb(), h.get('authorization'), c.get(currentSessionCookie())?.value);
});

/** The principal of `req` (route handlers), or of the current request (server components and actions). */
export async function authenticate(req?: Request): Promise<Principal | null> {
  if (!req) return authenticateCurrentRequest();
  return principalFrom(defaultDb(), req.headers.get('authorization'), cookieFromHeader(req.headers.get('cookie')));
}

/**
 * For server components: the principal, or a redirect to the login page (coming back to `next`, by default the
 * path proxy.ts recorded), or the forbidden page for a lower role (needs experimental.authInterrupts).
 */
export async function requirePageUser(minRole: Role = 'viewer', options: { next?: string } = {}): Promise<Principal> {
  const principal = await authenticate();
  if (!principal) {
    const next = options.next ?? (await headers()).get(PATH_HEADER);
    redirect(loginUrl(next));
  }
  if (!roleAtLeast(principal.role, minRole)) forbidden();
  return principal;
}

/** For server actions (which Next.js already protects against cross-site posts): errors as values. */
export async function requireActionUser(minRole: Role = 'viewer'): Promise<ActionAuth> {
  const principal = await authenticate();
  if (!principal) return { ok: false, error: 'authentication required' };
  if (!roleAtLeast(principal.role, minRole)) return { ok: false, error: forbiddenMessage(minRole) };
  return { ok: true, principal };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request comes from a page of this site: its Origin names this host (Host, or X-Forwarded-Host from a
 * proxy; neither can be forged by a cross-site page without a CORS preflight, which nothing here answers).
 * Without Origin, only a browser's own Sec-Fetch-Site: same-origin is accepted.
 */
export function isSameOrigin(req: Request): boolean {
  const origin = req.headers.get('origin');
  if (origin === null) return req.headers.get('sec-fetch-site') === 'same-origin';
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false; // includes "null" (sandboxed frames, some redirects)
  }
  const hosts = [req.headers.get('host'), req.headers.get('x-forwarded-host')?.split(',')[0]?.trim()];
  return hosts.some((h) => !!h && h.toLowerCase() === originHost.toLowerCase());
}

export function jsonError(status: number, error: string, init: { headers?: Record<string, string> } = {}): Response {
  return Response.json({ error }, { status, headers: init.headers });
}

/**
 * Wrap a route handler: 401 without valid credentials, 403 for a lower role, and 403 for a cookie-authenticated
 * mutation from another origin (CSRF; bearer tokens are not sent by browsers on their own, so they are exempt).
 */
export function withApi<C = unknown, R extends Request = Request>(
  minRole: Role,
  handler: (req: R, ctx: C, principal: Principal) => Response | Promise<Response>,
): (req: R, ctx: C) => Promise<Response> {
  return async (req, ctx) => {
    const auth = authenticateWith(defaultDb(), req.headers.get('authorization'), cookieFromHeader(req.headers.get('cookie')));
    if (!auth.ok) {
      // RFC 6750: a refused token says so (invalid_token), so a script can tell "expired" from "not sent".
      const challenge = req.headers.has('authorization')
        ? `Bearer error="invalid_token", error_description="${auth.error}"`
        : 'Bearer';
      return jsonError(401, auth.error, { headers: { 'WWW-Authenticate': challenge } });
    }
    const { principal } = auth;
    if (principal.kind === 'session' && !SAFE_METHODS.has(req.method.toUpperCase()) && !isSameOrigin(req)) {
      return jsonError(403, 'forbidden: cross-origin request');
    }
    if (!roleAtLeast(principal.role, minRole)) return jsonError(403, forbiddenMessage(minRole));
    return handler(req, ctx, principal);
  };
}
