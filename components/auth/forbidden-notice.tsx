import Link from 'next/link';

/** What app/forbidden.tsx can render when requirePageUser() refuses a role (needs experimental.authInterrupts). */
export function ForbiddenNotice() {
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <p className="text-sm font-semibold text-emerald-700">403</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-slate-900">You do not have access to this page</h1>
      <p className="mt-2 text-sm text-slate-600">
        Your role does not allow it. Ask an administrator if you need a higher role.
      </p>
      <Link
        href="/"
        className="mt-6 inline-block rounded-md bg-cow-700 px-4 py-2 text-sm font-semibold text-white hover:bg-cow-600"
      >
        Back to the overview
      </Link>
    </div>
  );
}
