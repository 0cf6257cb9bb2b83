import { describe, expect, it } from 'vitest';
import { loginUrl, safeNextPath } from './redirect';

describe('safeNextPath', () => {
  it.each([
    ['/', '/'],
    ['/snapshots', '/snapshots'],
    ['/snapshots?host=lab&vg=vg0', '/snapshots?host=lab&vg=vg0'],
    ['/guests/web01#disks', '/guests/web01#disks'],
    ['/a/../jobs', '/jobs'],
    ['/%5Cevil', '/%5Cevil'],
  ])('keeps the local path %s', (input, expected) => {
    expect(safeNextPath(input)).toBe(expected);
  });

  it.each([
    undefined,
    null,
    42,
    '',
    'snapshots',
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    '\\\\evil.example',
    'javascript:alert(1)',
    '/\tevil',
    '/login',
    '/login?next=/x',
    '/api/tokens',
    `/${'a'.repeat(3000)}`,
  ])('refuses %j', (input) => {
    expect(safeNextPath(input)).toBe('/');
  });
});

describe('loginUrl', () => {
  it('carries the path back', () => {
    expect(loginUrl('/snapshots?host=a')).toBe('/login?next=%2Fsnapshots%3Fhost%3Da');
    expect(loginUrl('/')).toBe('/login');
    expect(loginUrl(null)).toBe('/login');
    expect(loginUrl('//evil.example')).toBe('/login');
  });
});
