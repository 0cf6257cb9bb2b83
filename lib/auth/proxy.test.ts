import { describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server';
import { proxy } from '@/proxy';

function run(path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  return proxy(new NextRequest(`http://cowherd.local${path}`, init));
}

describe('proxy (the cheap first gate)', () => {
  it('sends pages without credentials to the login page, keeping the path', () => {
    const res = run('/snapshots?host=lab');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('http://cowherd.local/login?next=%2Fsnapshots%3Fhost%3Dlab');
    expect(run('/').headers.get('location')).toBe('http://cowherd.local/login');
  });

  it('answers 401 JSON for the API and /metrics without credentials', async () => {
    for (const path of ['/api/tokens', '/api/session', '/metrics']) {
      const res = run(path);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'authentication required' });
    }
  });

  it('lets through the login page, JSON login and the health check', () => {
    for (const [path, method] of [
      ['/login', 'GET'],
      ['/login?next=/x', 'POST'],
      ['/api/session', 'POST'],
      ['/api/health', 'GET'],
    ] as const) {
      expect(run(path, { method }).headers.get('x-middleware-next')).toBe('1');
    }
  });

  it('lets through anything with a session cookie or an Authorization header (the guards decide)', () => {
    const withCookie = run('/snapshots', { headers: { cookie: 'cowherd_session=whatever' } });
    expect(withCookie.headers.get('x-middleware-next')).toBe('1');
    // the path is passed on to server components, overwriting what the client sent
    expect(withCookie.headers.get('x-middleware-request-x-cowherd-path')).toBe('/snapshots');
    expect(run('/api/tokens', { headers: { authorization: 'Bearer x' } }).headers.get('x-middleware-next')).toBe('1');
  });
});
