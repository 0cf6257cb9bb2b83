// Shared by proxy.ts (which must stay cheap: no database, no node:crypto) and the server modules.

/** Name of the session cookie; its value is the random session id, the database only keeps its sha256. */
export const SESSION_COOKIE = 'cowherd_session';

/** Sessions expire 12 h after login (absolute: an operator signs in again rather than a stolen cookie living on). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Request header set by proxy.ts with the path and query being requested, so pages can send users back after login. */
export const PATH_HEADER = 'x-cowherd-path';

/** Prefix of API tokens, so a leaked token is recognisable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'cowherd_';

/**
 * Name of the session cookie when COWHERD_SECURE_COOKIES is set: the `__Host-` prefix makes browsers accept it only
 * with Secure, Path=/ and no Domain, so a sibling subdomain or a plain-http page cannot plant or overwrite it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

/** The session cookie's name for this deployment (proxy.ts may check both names: it only looks for presence). */
export function sessionCookieName(secure: boolean): string {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** Lifetimes an API token can be given at creation, in days (no "never": a forgotten token must end). */
export const TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;
export const DEFAULT_TOKEN_EXPIRY_DAYS = 90;

/** Both names, for proxy.ts's cheap presence check (it cannot read the environment's cookie choice cheaply). */
export const SESSION_COOKIE_NAMES: readonly string[] = [SESSION_COOKIE, SECURE_SESSION_COOKIE];
