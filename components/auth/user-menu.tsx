import Link from 'next/link';
import { authenticate } from '@/lib/auth/guard';
import { signOut } from './actions';

/** Right end of the header: who is signed in, a link to their settings, and "Sign out". Nothing when signed out. */
export async function UserMenu() {
  const principal = await authenticate();
  if (!principal) return null;
  return (
    <div className="ml-auto flex items-center gap-2 text-sm">
      <Link
        href="/settings"
        className="flex items-center gap-2 rounded px-2 py-1.5 text-emerald-100 hover:bg-white/10 hover:text-white"
        aria-label={`Settings for ${principal.username} (${principal.role})`}
      >
        <span aria-hidden="true" className="flex size-6 items-center justify-center rounded-full bg-white/15 text-xs font-semibold uppercase text-white">
          {principal.username.replace(/^token:/, '').slice(0, 1)}
        </span>
        <span className="font-medium text-white">{principal.username}</span>
        <span className="rounded bg-emerald-500/20 px-1.5 py-0.5 text-xs text-emerald-100 ring-1 ring-emerald-300/30">
          {principal.role}
        </span>
      </Link>
      {principal.kind === 'session' && (
        <form action={signOut}>
          <button
            type="submit"
            className="rounded px-3 py-1.5 font-medium text-emerald-100 hover:bg-white/10 hover:text-white focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-300"
          >
            Sign out
          </button>
        </form>
      )}
    </div>
  );
}
