import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, newNonce, securityHeaders } from './security-headers';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `));

describe('security headers', () => {
  it('makes a different 128-bit base64 nonce each time', () => {
    const a = newNonce();
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(new Set(Array.from({ length: 50 }, newNonce)).size).toBe(50);
  });

  it('allows scripts only from ourselves and with the nonce: never unsafe-inline', () => {
    const csp = contentSecurityPolicy('abc123==');
    expect(directive(csp, 'script-src')).toBe("script-src 'self' 'nonce-abc123=='");
    expect(directive(csp, 'frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(directive(csp, 'object-src')).toBe("object-src 'none'");
    expect(directive(contentSecurityPolicy('n', { dev: true }), 'script-src')).toBe("script-src 'self' 'nonce-n' 'unsafe-eval'");
  });

  it('sends HSTS only when served over https', () => {
    expect(securityHeaders('n', { secure: false })).not.toHaveProperty('Strict-Transport-Security');
    expect(securityHeaders('n', { secure: true })['Strict-Transport-Security']).toBe('max-age=31536000; includeSubDomains');
  });
});
