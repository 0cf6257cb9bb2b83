import { ButtonLink, buttonClasses } from '@/components/ui/button-link';
import Link from 'next/link';
import type { HostRef } from '@/lib/inventory/client';
import { hrefs } from '@/lib/hrefs';

/** "New snapshot": straight to the wizard with one host, a small menu of hosts with several. */
export function NewSnapshotButton({ hosts }: { hosts: HostRef[] }) {
  const [only] = hosts;
  if (hosts.length === 1 && only) {
    return (
      <ButtonLink variant="primary" href={hrefs.createSnapshot(only.id)}>
        <span aria-hidden="true">+</span> New snapshot
      </ButtonLink>
    );
  }
  return (
    <details className="relative">
      <summary className={`${buttonClasses('primary')} cursor-pointer list-none`}>
        <span aria-hidden="true">+</span> New snapshot
      </summary>
      <ul className="absolute right-0 z-20 mt-1 min-w-48 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200">
        {hosts.map((h) => (
          <li key={h.id}>
            <Link href={hrefs.createSnapshot(h.id)} prefetch={false} className="block px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50 focus-visible:bg-slate-100">
              on {h.name}
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}
