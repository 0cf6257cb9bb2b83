import { describe, expect, it } from 'vitest';
import { childPath, hostPaths, parentPath, parseGuestPath } from './paths';

describe('parseGuestPath', () => {
  it.each([
    ['/', '/'],
    ['/etc', '/etc'],
    ['/etc/', '/etc'],
    ['//etc//hosts', '/etc/hosts'],
    ['/./etc/./hosts', '/etc/hosts'],
    ['/home/alice/Café notes ü.txt', '/home/alice/Café notes ü.txt'],
    ['/a..b/..c/d..', '/a..b/..c/d..'],
  ])('normalises %j to %j', (input, out) => {
    const r = parseGuestPath(input);
    expect(r).toMatchObject({ ok: true, path: out });
  });

  it.each([
    ['../../etc/shadow', 'absolute'],
    ['/../../etc/shadow', '".."'],
    ['/etc/../../../etc/shadow', '".."'],
    ['/etc/..', '".."'],
    ['etc/hosts', 'absolute'],
    ['', 'absolute'],
    ['/etc/hosts\0.txt', 'NUL'],
    [`/${'a'.repeat(256)}`, 'longer than 255'],
    [`/${'a/'.repeat(2100)}`, 'longer than 4096'],
  ])('refuses %j', (input, why) => {
    const r = parseGuestPath(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(why);
  });

  it('refuses a missing path', () => {
    expect(parseGuestPath(undefined)).toEqual({ ok: false, error: 'path is required' });
    expect(parseGuestPath(['/etc'])).toEqual({ ok: false, error: 'path is required' });
  });
});

describe('hostPaths', () => {
  it('lists every prefix under the mount point, not the mount point itself', () => {
    expect(hostPaths('/run/cowherd/browse/x/s/p1', ['etc', 'app', 'app.conf'])).toEqual({
      full: '/run/cowherd/browse/x/s/p1/etc/app/app.conf',
      prefixes: ['/run/cowherd/browse/x/s/p1/etc', '/run/cowherd/browse/x/s/p1/etc/app', '/run/cowherd/browse/x/s/p1/etc/app/app.conf'],
    });
    expect(hostPaths('/m', [])).toEqual({ full: '/m', prefixes: [] });
  });
});

describe('parentPath / childPath', () => {
  it.each([
    ['/', '/'],
    ['/etc', '/'],
    ['/etc/app', '/etc'],
  ])('parent of %j is %j', (p, out) => expect(parentPath(p)).toBe(out));
  it('joins', () => {
    expect(childPath('/', 'etc')).toBe('/etc');
    expect(childPath('/etc', 'hosts')).toBe('/etc/hosts');
  });
});
