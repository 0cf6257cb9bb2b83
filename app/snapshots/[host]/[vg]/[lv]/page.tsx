import { HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FileBrowser } from '@/components/files/file-browser';
import { SnapshotDetail } from '@/components/files/snapshot-detail';
import { focusRing } from '@/components/ui/button-link';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requirePageUser } from '@/lib/auth/guard';
import { roleAtLeast } from '@/lib/auth/roles';
import { findHost } from '@/lib/config/hosts';
import { prefetchInventory } from '@/lib/inventory/prefetch';

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

interface Params {
  params: Promise<{ host: string; vg: string; lv: string }>;
}

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { vg, lv } = await params;
  return { title: `Snapshot ${decode(vg)}/${decode(lv)}` };
}

/** One snapshot: its lvdisplay facts, fill history, guests and actions, and (where turned on) its files. */
export default async function SnapshotPage({ params }: Params) {
  const principal = await requirePageUser();
  const p = await params;
  const host = findHost(decode(p.host));
  if (!host) notFound();
  const vg = decode(p.vg);
  const lv = decode(p.lv);
  const { hosts, pollMs, state } = await prefetchInventory([host.id]);
  const ref = hosts[0] ?? { id: host.id, name: host.name };
  const mayBrowse = roleAtLeast(principal.role, host.fileBrowseRole);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <ol className="flex flex-wrap items-center gap-1.5">
          <li>
            <Link href="/snapshots" className={`rounded hover:text-slate-800 hover:underline ${focusRing}`}>
              Snapshots
            </Link>
          </li>
          <li aria-hidden="true">/</li>
          <li>{ref.name}</li>
          <li aria-hidden="true">/</li>
          <li aria-current="page" className="font-mono text-slate-700">
            {vg}/{lv}
          </li>
        </ol>
      </nav>
      <PageHeader title={`Snapshot ${vg}/${lv}`} description={<>on {ref.name}</>} />
      <div className="space-y-4">
        <HydrationBoundary state={state}>
          <SnapshotDetail host={ref} vg={vg} lv={lv} pollMs={pollMs} />
        </HydrationBoundary>
        {!host.fileBrowse ? (
          <Card id="browse-files" title="Browse files">
            <p className="text-sm text-slate-700">
              Browsing files is off for this host. To turn it on, add <code className="font-mono">&quot;fileBrowse&quot;: &quot;libguestfs&quot;</code> (the
              guest file system is read inside libguestfs&apos; own small VM: safe for any guest) or{' '}
              <code className="font-mono">&quot;fileBrowse&quot;: &quot;mount&quot;</code> (mounted read-only on the host kernel: for trusted guests only) to
              its entry in the hosts file, and restart Cowherd.
            </p>
          </Card>
        ) : !mayBrowse ? (
          <Card id="browse-files" title="Browse files">
            <p className="text-sm text-slate-700">Browsing files on this host needs the {host.fileBrowseRole} role: guests&apos; files can hold secrets.</p>
          </Card>
        ) : (
          <>
            {host.fileBrowse === 'mount' && (
              <p role="note" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
                This host browses with the <strong>mount</strong> backend: the guest file system is mounted (read-only) on the host kernel. A crafted
                file system can attack the host&apos;s kernel: use it for trusted guests only, or switch to &quot;libguestfs&quot;.
              </p>
            )}
            {host.fileBrowse === 'libguestfs' && (
              <p role="note" className="rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-900 ring-1 ring-sky-200">
                This host browses with the <strong>libguestfs</strong> backend: the guest file system is read inside libguestfs&apos; own small VM, never
                mounted on the host kernel. The first open of a snapshot (and of its origin, for a comparison) starts that VM and takes a while: seconds
                with KVM, minutes without.
              </p>
            )}
            <FileBrowser host={host.id} vg={vg} lv={lv} hasOrigin backend={host.fileBrowse} />
          </>
        )}
      </div>
    </>
  );
}
