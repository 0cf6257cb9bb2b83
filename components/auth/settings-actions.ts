'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/lib/store/db';
import {
  changeOwnPassword,
  createTokenAudited,
  createUserAudited,
  deleteUserAudited,
  revokeTokenAudited,
  setUserRoleAudited,
  type Actor,
} from '@/lib/auth/accounts';
import { clientIp } from '@/lib/auth/client-ip';
import { readSessionCookie } from '@/lib/auth/cookie';
import { requireActionUser } from '@/lib/auth/guard';
import { roleSchema, type Role } from '@/lib/auth/roles';
import { sha256Hex } from '@/lib/auth/secrets';
import { newTokenSchema, type CreatedToken } from '@/lib/auth/tokens';
import { newUserSchema, passwordSchema } from '@/lib/auth/users';

// The settings page's actions. Every action checks its caller itself (an action is a public endpoint), validates
// its form with zod and returns errors as values for the form to show; the change itself (and its audit entry)
// is lib/auth/accounts.ts, shared with the API routes.

export type FormState = { ok: boolean; error: string | null; message: string | null };
export type TokenFormState = FormState & { created: CreatedToken | null };

const idSchema = z.coerce.number().int().positive();

function fail(error: string): FormState {
  return { ok: false, error, message: null };
}
function done(message: string): FormState {
  revalidatePath('/settings');
  return { ok: true, error: null, message };
}
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue?.message ?? 'invalid input';
}
function capitalised(s: string): string {
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}

/** The caller (at least `minRole`) and their address, or the error to show. */
async function actor(minRole: Role): Promise<{ ok: true; actor: Actor } | { ok: false; error: string }> {
  const auth = await requireActionUser(minRole);
  if (!auth.ok) return auth;
  return { ok: true, actor: { principal: auth.principal, address: clientIp(await headers()) } };
}

export async function createUserAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const a = await actor('admin');
  if (!a.ok) return fail(a.error);
  const parsed = newUserSchema.safeParse({
    username: formData.get('username'),
    password: formData.get('password'),
    role: formData.get('role'),
  });
  if (!parsed.success) return fail(firstIssue(parsed.error));
  const created = await createUserAudited(db(), a.actor, parsed.data);
  if (!created.ok) return fail(created.error);
  return done(`Created ${created.value.username} (${created.value.role}).`);
}

export async function setUserRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const a = await actor('admin');
  if (!a.ok) return fail(a.error);
  const parsed = z.object({ id: idSchema, role: roleSchema }).safeParse({ id: formData.get('id'), role: formData.get('role') });
  if (!parsed.success) return fail(firstIssue(parsed.error));
  const result = setUserRoleAudited(db(), a.actor, parsed.data.id, parsed.data.role);
  if (!result.ok) return fail(capitalised(result.error));
  const tokens = result.value.revokedTokens ? ` Their ${result.value.revokedTokens} API token(s) were revoked.` : '';
  return done(`${result.value.username} is now ${result.value.role}.${tokens}`);
}

export async function deleteUserAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const a = await actor('admin');
  if (!a.ok) return fail(a.error);
  const parsed = idSchema.safeParse(formData.get('id'));
  if (!parsed.success) return fail('invalid user');
  const result = deleteUserAudited(db(), a.actor, parsed.data);
  if (!result.ok) return fail(capitalised(result.error));
  const tokens = result.value.revokedTokens ? ` Their ${result.value.revokedTokens} API token(s) were revoked.` : '';
  return done(`Deleted ${result.value.username}.${tokens}`);
}

export async function createTokenAction(_prev: TokenFormState, formData: FormData): Promise<TokenFormState> {
  const a = await actor('admin');
  if (!a.ok) return { ...fail(a.error), created: null };
  const parsed = newTokenSchema.safeParse({
    name: formData.get('name'),
    role: formData.get('role'),
    expiresInDays: formData.get('expiresInDays') ?? undefined,
  });
  if (!parsed.success) return { ...fail(firstIssue(parsed.error)), created: null };
  const created = createTokenAudited(db(), a.actor, parsed.data);
  if (!created.ok) return { ...fail(created.error), created: null };
  return { ...done(`Created token ${created.value.name}.`), created: created.value };
}

export async function revokeTokenAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const a = await actor('admin');
  if (!a.ok) return fail(a.error);
  const parsed = idSchema.safeParse(formData.get('id'));
  if (!parsed.success) return fail('invalid token');
  if (!revokeTokenAudited(db(), a.actor, parsed.data)) return fail('no such token');
  return done('Token revoked.');
}

const changePasswordSchema = z
  .object({ current: z.string().min(1, 'enter your current password').max(1024), next: passwordSchema, confirm: z.string() })
  .refine((v) => v.next === v.confirm, { message: 'the new passwords do not match', path: ['confirm'] });

/** Any signed-in user: change their own password (rate limited like a login), ending their other sessions. */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const a = await actor('viewer');
  if (!a.ok) return fail(a.error);
  const parsed = changePasswordSchema.safeParse({
    current: formData.get('current'),
    next: formData.get('next'),
    confirm: formData.get('confirm'),
  });
  if (!parsed.success) return fail(firstIssue(parsed.error));
  const sessionId = await readSessionCookie();
  const result = await changeOwnPassword(db(), a.actor, {
    current: parsed.data.current,
    next: parsed.data.next,
    keepSessionHash: sessionId ? sha256Hex(sessionId) : undefined,
  });
  if (!result.ok) return fail(result.error);
  return done('Password changed. Your other sessions were signed out.');
}
