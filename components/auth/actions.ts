'use server';

import { redirect } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { db } from '@/lib/store/db';
import { clearSessionCookie, readSessionCookie } from '@/lib/auth/cookie';
import { deleteSession } from '@/lib/auth/sessions';

/** The header's "Sign out" button: deletes the session row, clears the cookie, back to the login page. */
export async function signOut(): Promise<void> {
  deleteSession(db(), await readSessionCookie());
  await clearSessionCookie();
  revalidatePath('/', 'layout');
  redirect('/login');
}
