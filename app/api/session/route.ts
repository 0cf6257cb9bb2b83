import { db } from '@/lib/store/db';
import { clientIp } from '@/lib/auth/client-ip';
import { clearSessionCookie, setSessionCookie } from '@/lib/auth/cookie';
import { cookieFromHeader, isSameOrigin, jsonError, withApi } from '@/lib/auth/guard';
import { parseJsonBody } from '@/lib/auth/http';
import { login, loginInputSchema } from '@/lib/auth/login';
import { deleteSession } from '@/lib/auth/sessions';

/** Who is signed in: `{ user: { username, role, kind } }`. */
export const GET = withApi('viewer', (_req, _ctx, principal) =>
  Response.json({ user: { username: principal.username, role: principal.role, kind: principal.kind } }),
);

/** Sign in with `{ username, password }`: sets the session cookie and returns `{ user: { username, role } }`. */
export async function POST(req: Request) {
  // Login CSRF: a cross-site page must not sign the browser in to an account of the attacker's choosing.
  if (req.headers.has('origin') && !isSameOrigin(req)) return jsonError(403, 'forbidden: cross-origin request');
  const body = await parseJsonBody(req, loginInputSchema);
  if (!body.ok) return body.response;
  const result = await login(db(), body.data, clientIp(req.headers));
  if (!result.ok) {
    const headers: Record<string, string> = result.retryAfterS ? { 'Retry-After': String(result.retryAfterS) } : {};
    return jsonError(result.status, result.error, { headers });
  }
  await setSessionCookie(result.session.id, result.session.expiresAt);
  return Response.json({ user: { username: result.user.username, role: result.user.role } });
}

/** Sign out: the session row is deleted and the cookie cleared. Idempotent. */
export async function DELETE(req: Request) {
  const id = cookieFromHeader(req.headers.get('cookie'));
  if (id !== undefined) {
    if (!isSameOrigin(req)) return jsonError(403, 'forbidden: cross-origin request');
    deleteSession(db(), id);
    await clearSessionCookie();
  }
  return Response.json({ ok: true });
}
