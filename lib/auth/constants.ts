// Shared by proxy.ts (which must stay cheap: no database, no node:crypto) and the server modules.

/** Name of the session cookie; its value is the random session id, the database only keeps its sha256. */
export const SESSION_COOKIE = 'cowherd_session';

/** Sessions expire 12 h after login (absolute: an operator signs in again rather than a stolen cookie living on). */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** Request header set by proxy.ts with the path and query being requested, so pages can send users back after login. */
export const PATH_HEADER = 'x-cowherd-path';

/** Prefix of API tokens, so a leaked token is recognisable (e.g. by secret scanners). */
export const TOKEN_PREFIX = 'cowherd_';
