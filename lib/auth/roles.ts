import { z } from 'zod';

// Pure and client-safe: client components import the role list and type from here.

/** Ordered from least to most privileged: admin ⊃ operator ⊃ viewer. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: 'role must be viewer, operator or admin' });

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'sees hosts, snapshots, jobs and the audit log',
  operator: 'also creates, extends, merges and removes snapshots',
  admin: 'also manages users and API tokens',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` grants everything `min` grants. */
export function roleAtLeast(role: Role, min: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(min);
}
