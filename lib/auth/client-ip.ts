/**
 * The client's address for rate limiting. Next.js sets X-Forwarded-For to the socket address when the request has
 * none, and a TLS proxy in front appends the address it saw; the rightmost entry is therefore the one added by the
 * nearest hop, which a client cannot choose (a client can only prepend to what that hop appends).
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get('x-forwarded-for');
  const last = forwarded
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .at(-1);
  return (last ?? headers.get('x-real-ip') ?? 'unknown').slice(0, 64);
}
