import { describe, expect, it } from 'vitest';
import { SESSION_COOKIE_NAMES, sessionCookieName } from './constants';
import { cookieFromHeader } from './guard';

describe('session cookie name', () => {
  it.each([
    [false, 'cowherd_session'],
    [true, '__Host-cowherd_session'],
  ])('secure=%s: %s', (secure, name) => {
    expect(sessionCookieName(secure)).toBe(name);
    expect(SESSION_COOKIE_NAMES).toContain(name);
  });

  it.each([
    ['__Host-cowherd_session=abc', '__Host-cowherd_session', 'abc'],
    // without __Host-, a cookie planted by a sibling subdomain or over http is not the session
    ['cowherd_session=planted', '__Host-cowherd_session', undefined],
    ['__Host-cowherd_session=abc', 'cowherd_session', undefined],
  ])('%s read as %s: %s', (header, name, value) => {
    expect(cookieFromHeader(header, name)).toBe(value);
  });
});
