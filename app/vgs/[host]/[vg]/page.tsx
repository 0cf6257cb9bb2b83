import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { prefetchInventory } from '@/lib/inventory/prefetch';
import { VgDetail } from '@/components/inventory/vg-detail';
import { focusRing } from '@/components/ui/button-link';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { findHost } from '@/lib/config/hosts';

/** Route params may arrive percent-encoded; a malformed escape is left as it is (it then matches nothing). */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface Params {
  params: Promise<{ host: string; vg: string }>;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { vg } = await params;
  return { title: `Volume group ${decode(vg)}` };
}

export default async function VgPage({ params }: Params) {
  await requirePageUser();
  const p = await params;
  const hostId = decode(p.host);
  const vg = decode(p.vg);
  const host = findHost(hostId);
  if (!host) notFound();
  const { hosts, pollMs, state } = await prefetchInventory([host.id]);
  const ref = hosts[0] ?? { id: host.id, name: host.name };
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <ol className="flex flex-wrap items-center gap-1.5">
          <li>
            <Link href="/vgs" className={`rounded hover:text-slate-800 hover:underline ${focusRing}`}>
              Volume groups
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>{ref.name}</li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="font-mono text-slate-700">
            {vg}
          </li>
        </ol>
      </nav>
      <PageHeader title={`Volume group ${vg}`} description={<>on {ref.name}</>} />
      <HydrationBoundary state={state}>
        <VgDetail host={ref} vg={vg} pollMs={pollMs} />
      </HydrationBoundary>
    </>
  );
}
