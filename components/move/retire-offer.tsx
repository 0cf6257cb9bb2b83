import Link from 'next/link';
import { hrefs } from '@/lib/hrefs';

/**
 * Issue 14: under a finished move, the separate step it leaves for later: "Remove the old copy from <source>". Only a
 * link: the wizard behind it reads both hosts afresh and asks for the guest's name.
 */
export function RetireOffer({ host, params }: { host: string; params: Record<string, unknown> }) {
  const uuid = typeof params.uuid === 'string' ? params.uuid : null;
  const target = typeof params.target === 'string' ? params.target : null;
  const guest = (params.review as { guest?: string } | undefined)?.guest ?? (typeof params.domain === 'string' ? params.domain : '');
  if (!uuid || !target) return null;
  return (
    <section aria-labelledby="retire-offer-heading" className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="retire-offer-heading" className="text-sm font-semibold text-slate-900">
        The old copy on {host}
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        <span className="font-mono">{guest}</span> runs from {target} now. On {host} it is still defined, shut off with
        autostart disabled, and its volumes are kept. When {target} is confirmed to work, remove them in a separate step.
      </p>
      <Link
        href={hrefs.retire(host, uuid, target)}
        className="mt-3 inline-flex items-center rounded-md bg-white px-3 py-1.5 text-sm font-medium text-red-700 ring-1 ring-red-300 hover:bg-red-50"
      >
        Remove the old copy from {host}
      </Link>
    </section>
  );
}
