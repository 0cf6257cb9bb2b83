import { describe, expect, it } from 'vitest';
import { isRole, roleAtLeast, ROLES, roleSchema, type Role } from './roles';

describe('roleAtLeast', () => {
  // [role, min, allowed]
  const table: [Role, Role, boolean][] = [
    ['viewer', 'viewer', true],
    ['viewer', 'operator', false],
    ['viewer', 'admin', false],
    ['operator', 'viewer', true],
    ['operator', 'operator', true],
    ['operator', 'admin', false],
    ['admin', 'viewer', true],
    ['admin', 'operator', true],
    ['admin', 'admin', true],
  ];
  it.each(table)('%s at least %s: %s', (role, min, allowed) => {
    expect(roleAtLeast(role, min)).toBe(allowed);
  });
});

describe('roles', () => {
  it('are ordered from least to most privileged', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'admin']);
  });
  it('are recognised exactly', () => {
    expect(isRole('admin')).toBe(true);
    expect(isRole('Admin')).toBe(false);
    expect(isRole('root')).toBe(false);
    expect(isRole(undefined)).toBe(false);
    expect(roleSchema.safeParse('operator').success).toBe(true);
    expect(roleSchema.safeParse('superuser').success).toBe(false);
  });
});
