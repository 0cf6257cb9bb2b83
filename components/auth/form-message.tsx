/** The outcome of a settings form: errors are announced (role=alert), successes politely (role=status). */
export function FormMessage({ state }: { state: { error: string | null; message: string | null } }) {
  if (state.error) {
    return (
      <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 ring-1 ring-red-200">
        {state.error}
      </p>
    );
  }
  if (state.message) {
    return (
      <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200">
        {state.message}
      </p>
    );
  }
  return null;
}

export const inputClass =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ' +
  'focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30';

export const primaryButtonClass =
  'rounded-md bg-cow-700 px-4 py-2 text-sm font-semibold text-white shadow-sm hover:bg-cow-600 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:opacity-60';

export const dangerButtonClass =
  'rounded-md px-2.5 py-1.5 text-sm font-medium text-red-700 ring-1 ring-red-200 hover:bg-red-50 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 disabled:opacity-60';

export const secondaryButtonClass =
  'rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50 ' +
  'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 disabled:opacity-60';
