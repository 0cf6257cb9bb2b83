import 'server-only';
import { cookies } from 'next/headers';
import { env } from '@/lib/env';
import { sessionCookieName } from './constants';

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'strict';
  path: '/';
  secure: boolean;
  expires: Date;
}

export function sessionCookieOptions(expiresAt: Date, secure: boolean = env().COWHERD_SECURE_COOKIES): SessionCookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure, expires: expiresAt };
}

/** The cookie's name follows its options: `__Host-` only when Secure (browsers refuse it otherwise). */
function name(): string {
  return sessionCookieName(env().COWHERD_SECURE_COOKIES);
}

/** Set the session cookie (server actions and route handlers only: server components cannot set cookies). */
export async function setSessionCookie(id: string, expiresAt: Date): Promise<void> {
  (await cookies()).set(name(), id, sessionCookieOptions(expiresAt));
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(name(), '', sessionCookieOptions(new Date(0)));
}

export async function readSessionCookie(): Promise<string | undefined> {
  return (await cookies()).get(name())?.value;
}
