// Deliberately without 'server-only' and free of Node APIs: proxy.ts imports it, and unit tests run it directly.

/** A fresh, unguessable nonce for one response: 16 random bytes, base64 (a valid CSP nonce-source). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The Content-Security-Policy of every response. Scripts: only our own files and the inline scripts Next.js writes
 * into this response, which carry the nonce (Next reads it from this header on the request and stamps its scripts);
 * no 'unsafe-inline', so an injected <script> never runs. Development adds 'unsafe-eval' for React's dev tooling.
 * Styles keep 'unsafe-inline' without a nonce (a nonce would switch 'unsafe-inline' off): React renders
 * style="width: 40%" attributes for the usage bars and row padding of the virtual tables, and Radix's dialog inserts
 * a <style> element for its scroll lock; neither can carry a nonce, and inline styles cannot run code.
 */
export function contentSecurityPolicy(nonce: string, opts: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'${opts.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** HSTS for a year, only when Cowherd is served over https (COWHERD_SECURE_COOKIES=1): over plain http it is ignored. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** Headers the proxy sets on every response it answers or passes on. */
export function securityHeaders(nonce: string, opts: { dev?: boolean; secure?: boolean }): Record<string, string> {
  const h: Record<string, string> = { 'Content-Security-Policy': contentSecurityPolicy(nonce, opts) };
  if (opts.secure) h['Strict-Transport-Security'] = HSTS;
  return h;
}
