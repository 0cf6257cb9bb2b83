'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { db } from '@/lib/store/db';
import { clientIp } from '@/lib/auth/client-ip';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from '@/lib/auth/cookie';
import { login, loginInputSchema } from '@/lib/auth/login';
import { safeNextPath } from '@/lib/auth/redirect';
import { deleteSession } from '@/lib/auth/sessions';

export type SignInState = { error: string | null; username: string };

/** The login form's action: on success sets the session cookie and goes to `next` (a local path only). */
export async function signIn(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const rawUsername = formData.get('username');
  const username = typeof rawUsername === 'string' ? rawUsername.slice(0, 256) : '';
  const parsed = loginInputSchema.safeParse({ username: rawUsername, password: formData.get('password') });
  if (!parsed.success) return { error: 'Enter your username and password.', username };

  const result = await login(db(), parsed.data, clientIp(await headers()));
  if (!result.ok) return { error: `${result.error}.`, username };

  await setSessionCookie(result.session.id, result.session.expiresAt);
  revalidatePath('/', 'layout'); // the header's user menu
  redirect(safeNextPath(formData.get('next')));
}

/** The header's "Sign out" button: deletes the session row, clears the cookie, back to the login page. */
export async function signOut(): Promise<void> {
  deleteSession(db(), await readSessionCookie());
  await clearSessionCookie();
  revalidatePath('/', 'layout');
  redirect('/login');
}
