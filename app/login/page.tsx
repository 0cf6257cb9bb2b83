import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { LoginForm } from '@/components/auth/login-form';
import { authenticate } from '@/lib/auth/guard';
import { safeNextPath } from '@/lib/auth/redirect';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { next } = await searchParams;
  const nextPath = safeNextPath(Array.isArray(next) ? next[0] : next);
  // Already signed in (e.g. the back button): nothing to do here.
  if (await authenticate()) redirect(nextPath);

  return (
    <div className="flex min-h-[calc(100vh-12rem)] items-center justify-center py-8">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div
            aria-hidden="true"
            className="mx-auto mb-3 flex size-12 items-center justify-center rounded-xl bg-cow-900 text-xl font-bold text-white shadow-sm"
          >
            C
          </div>
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Cowherd</h1>
          <p className="mt-1 text-sm text-slate-600">LVM snapshots of KVM guests, watched and operated safely</p>
        </div>
        <section
          aria-labelledby="sign-in-heading"
          className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:p-8"
        >
          <h2 id="sign-in-heading" className="mb-5 text-lg font-medium text-slate-900">
            Sign in to your account
          </h2>
          <LoginForm next={nextPath} />
        </section>
        <p className="mt-4 text-center text-xs text-slate-500">
          Ask an administrator if you need an account.
        </p>
      </div>
    </div>
  );
}
