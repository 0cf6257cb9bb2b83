// Class names shared by the wizards, the jobs and the audit pages (Tailwind; one place to keep them consistent).

export const card = 'rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200';

export const label = 'block text-sm font-medium text-slate-700';

export const hint = 'mt-1 text-xs text-slate-500';

export const input =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ' +
  'focus:border-emerald-600 focus:outline-none focus:ring-2 focus:ring-emerald-600/30 ' +
  'aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/30';

export const primaryButton =
  'inline-flex items-center gap-2 rounded-md bg-cow-700 px-4 py-2 text-sm font-semibold text-white shadow-sm ' +
  'hover:bg-cow-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 ' +
  'disabled:cursor-not-allowed disabled:opacity-50';

export const dangerButton =
  'inline-flex items-center gap-2 rounded-md bg-red-700 px-4 py-2 text-sm font-semibold text-white shadow-sm ' +
  'hover:bg-red-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600 ' +
  'disabled:cursor-not-allowed disabled:opacity-50';

export const secondaryButton =
  'inline-flex items-center gap-2 rounded-md bg-white px-4 py-2 text-sm font-medium text-slate-700 ring-1 ring-slate-300 ' +
  'hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-600 ' +
  'disabled:cursor-not-allowed disabled:opacity-50';

export const errorText = 'mt-1 text-sm text-red-700';

export const alertBox = 'rounded-md bg-red-50 px-4 py-3 text-sm text-red-800 ring-1 ring-red-200';

export const noteBox = 'rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200';

export const infoBox = 'rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-slate-200';

export const mono = 'font-mono text-xs';

export const codeBlock =
  'overflow-x-auto whitespace-pre rounded-md bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100';

export const th = 'px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500';

export const td = 'px-3 py-2 align-top text-sm text-slate-700';

export const dl = 'grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]';

export const dt = 'font-medium text-slate-500';

export const dd = 'text-slate-900';
