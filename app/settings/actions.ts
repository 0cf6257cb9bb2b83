'use server';

import { headers } from 'next/headers';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { db } from '@/lib/store/db';
import { clientIp } from '@/lib/auth/client-ip';
import { readSessionCookie } from '@/lib/auth/cookie';
import { requireActionUser } from '@/lib/auth/guard';
import { beginLoginAttempt, loginSucceeded, tooManyAttemptsMessage } from '@/lib/auth/rate-limit';
import { roleSchema } from '@/lib/auth/roles';
import { sha256Hex } from '@/lib/auth/secrets';
import { createApiToken, newTokenSchema, revokeApiToken, type CreatedToken } from '@/lib/auth/tokens';
import { createUser, deleteUser, newUserSchema, passwordSchema, setUserPassword, setUserRole, verifyLogin } from '@/lib/auth/users';

// Every action checks its caller itself (an action is a public endpoint), validates its form with zod and
// returns errors as values for the form to show.

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

export async function createUserAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await requireActionUser('admin');
  if (!auth.ok) return fail(auth.error);
  const parsed = newUserSchema.safeParse({
    username: formData.get('username'),
    password: formData.get('password'),
    role: formData.get('role'),
  });
  if (!parsed.success) return fail(firstIssue(parsed.error));
  const created = await createUser(db(), parsed.data);
  if (!created.ok) return fail(created.error);
  return done(`Created ${created.value.username} (${created.value.role}).`);
}

export async function setUserRoleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await requireActionUser('admin');
  if (!auth.ok) return fail(auth.error);
  const parsed = z.object({ id: idSchema, role: roleSchema }).safeParse({ id: formData.get('id'), role: formData.get('role') });
  if (!parsed.success) return fail(firstIssue(parsed.error));
  if (parsed.data.id === auth.principal.userId) return fail('You cannot change your own role.');
  const result = setUserRole(db(), parsed.data.id, parsed.data.role);
  if (!result.ok) return fail(result.error);
  return done(`${result.value.username} is now ${result.value.role}.`);
}

export async function deleteUserAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await requireActionUser('admin');
  if (!auth.ok) return fail(auth.error);
  const parsed = idSchema.safeParse(formData.get('id'));
  if (!parsed.success) return fail('invalid user');
  if (parsed.data === auth.principal.userId) return fail('You cannot delete yourself.');
  const result = deleteUser(db(), parsed.data);
  if (!result.ok) return fail(result.error);
  return done(`Deleted ${result.value.username}.`);
}

export async function createTokenAction(_prev: TokenFormState, formData: FormData): Promise<TokenFormState> {
  const auth = await requireActionUser('admin');
  if (!auth.ok) return { ...fail(auth.error), created: null };
  const parsed = newTokenSchema.safeParse({ name: formData.get('name'), role: formData.get('role') });
  if (!parsed.success) return { ...fail(firstIssue(parsed.error)), created: null };
  const created = createApiToken(db(), parsed.data, auth.principal.userId);
  if (!created.ok) return { ...fail(created.error), created: null };
  return { ...done(`Created token ${created.value.name}.`), created: created.value };
}

export async function revokeTokenAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await requireActionUser('admin');
  if (!auth.ok) return fail(auth.error);
  const parsed = idSchema.safeParse(formData.get('id'));
  if (!parsed.success) return fail('invalid token');
  if (!revokeApiToken(db(), parsed.data)) return fail('no such token');
  return done('Token revoked.');
}

const changePasswordSchema = z
  .object({ current: z.string().min(1, 'enter your current password').max(1024), next: passwordSchema, confirm: z.string() })
  .refine((v) => v.next === v.confirm, { message: 'the new passwords do not match', path: ['confirm'] });

/** Any signed-in user: change their own password (rate limited like a login), ending their other sessions. */
export async function changePasswordAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const auth = await requireActionUser('viewer');
  if (!auth.ok) return fail(auth.error);
  const { principal } = auth;
  if (principal.kind !== 'session' || principal.userId === null) return fail('Sign in with a password to change it.');
  const parsed = changePasswordSchema.safeParse({
    current: formData.get('current'),
    next: formData.get('next'),
    confirm: formData.get('confirm'),
  });
  if (!parsed.success) return fail(firstIssue(parsed.error));

  const database = db();
  const keys = { username: principal.username, ip: clientIp(await headers()) };
  const attempt = beginLoginAttempt(database, keys);
  if (!attempt.ok) return fail(`${tooManyAttemptsMessage(attempt.retryAfterS)}.`);
  if (!(await verifyLogin(database, principal.username, parsed.data.current))) {
    return fail('Your current password is not correct.');
  }
  loginSucceeded(database, keys, attempt.rowids);

  const sessionId = await readSessionCookie();
  const result = await setUserPassword(database, principal.userId, parsed.data.next, sessionId ? sha256Hex(sessionId) : undefined);
  if (!result.ok) return fail(result.error);
  return done('Password changed. Your other sessions were signed out.');
}
