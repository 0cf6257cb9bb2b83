'use client';

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { focusRing } from '@/components/ui/button-link';
import { Card } from '@/components/ui/card';
import { SortableHeader, TableFrame, tdDenseClass, thDenseClass, type SortDirection } from '@/components/ui/table';
import { formatBytes, formatDateTime } from '@/lib/format';
import type { FileEntry, GuestFs, SortKey } from '@/lib/files/parse';
import type { DiffResult, Isolation, Listing } from '@/lib/files/types';

const PAGE = 200;
const btn = `rounded-md bg-white px-2.5 py-1 text-xs font-medium text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:opacity-50 ${focusRing}`;

export interface FileBrowserProps {
  host: string;
  vg: string;
  lv: string;
  /** Whether the snapshot has an origin to compare with. */
  hasOrigin: boolean;
  /** The host's fileBrowse backend (what the page tells about how files are read). */
  backend?: 'mount' | 'libguestfs';
}

const DESCRIPTION: Record<'mount' | 'libguestfs', string> = {
  mount: 'Read-only: the snapshot is attached as a read-only loop device and mounted ro,noexec,nodev,nosuid without journal replay.',
  libguestfs: 'Read-only: the snapshot is read inside libguestfs’ own small VM (guestfish --ro --format=raw); the host kernel never mounts it.',
};

const ISOLATION: Record<Isolation, string> = {
  appliance: 'This session reads the file systems inside a libguestfs appliance VM.',
  'private-namespace': 'This session’s mounts live in a private mount namespace: no other process on the host sees them.',
  'host-namespace': 'This session’s mounts are in the host’s mount namespace (unshare/nsenter are not available on this host), under a directory only root can enter.',
};

function api(props: FileBrowserProps, tail: string, q: Record<string, string>): string {
  const base = `/api/hosts/${encodeURIComponent(props.host)}/snapshots/${encodeURIComponent(props.vg)}/${encodeURIComponent(props.lv)}/${tail}`;
  return `${base}?${new URLSearchParams(q).toString()}`;
}

async function getJson<T>(url: string): Promise<{ ok: true; data: T } | { ok: false; error: string }> {
  const res = await fetch(url, { cache: 'no-store' });
  const body = (await res.json().catch(() => ({}))) as T & { error?: string };
  return res.ok ? { ok: true, data: body } : { ok: false, error: body.error ?? `HTTP ${res.status}` };
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

function typeLabel(e: FileEntry): string {
  return { file: 'file', dir: 'directory', link: 'link', char: 'char device', block: 'block device', fifo: 'FIFO', socket: 'socket', unknown: '?' }[e.type];
}

/** Browse files: the file systems found, then a sortable, paged browser with preview, download and comparison. */
export function FileBrowser({ host, vg, lv, hasOrigin, backend = 'mount' }: FileBrowserProps) {
  // Stable across renders, so the effects below run when the snapshot changes, not on every render.
  const props = useMemo(() => ({ host, vg, lv, hasOrigin }), [host, vg, lv, hasOrigin]);
  const [fss, setFss] = useState<GuestFs[] | null>(null);
  const [isolation, setIsolation] = useState<Isolation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fs, setFs] = useState<string | null>(null);
  const [dir, setDir] = useState('/');
  const [offset, setOffset] = useState(0);
  const [sort, setSort] = useState<{ key: SortKey; dir: SortDirection }>({ key: 'name', dir: 'ascending' });
  const [listing, setListing] = useState<Listing | null>(null);
  const [preview, setPreview] = useState<{ path: string; text: string | null; note?: string } | null>(null);
  const [diff, setDiff] = useState<DiffResult | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void getJson<{ filesystems: GuestFs[]; isolation?: Isolation }>(api(props, 'filesystems', {})).then((r) => {
      if (r.ok) {
        setFss(r.data.filesystems);
        setIsolation(r.data.isolation ?? null);
      } else setError(r.error);
    });
  }, [props]);

  const load = useCallback(async () => {
    if (!fs) return;
    setBusy(true);
    const r = await getJson<Listing>(
      api(props, 'files', { fs, path: dir, offset: String(offset), limit: String(PAGE), sort: sort.key, desc: sort.dir === 'descending' ? '1' : '0' }),
    );
    setBusy(false);
    if (r.ok) {
      setListing(r.data);
      setError(null);
    } else setError(r.error);
  }, [props, fs, dir, offset, sort]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = (path: string) => {
    setDir(path);
    setOffset(0);
    setPreview(null);
    setDiff(null);
  };

  const showPreview = async (path: string) => {
    if (!fs) return;
    setDiff(null);
    const res = await fetch(api(props, 'files/content', { fs, path, preview: '1' }), { cache: 'no-store' });
    if (!res.ok) {
      const b = (await res.json().catch(() => ({}))) as { error?: string };
      setPreview({ path, text: null, note: b.error ?? `HTTP ${res.status}` });
      return;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    // Text only: a NUL byte or invalid UTF-8 means binary, which is offered as a download instead.
    let text: string | null = null;
    if (!bytes.includes(0)) {
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        text = null;
      }
    }
    setPreview({ path, text, note: text === null ? 'binary file: no preview' : bytes.length >= 65536 ? 'the first 64 KiB' : undefined });
  };

  const compare = async (path: string, byContent = false) => {
    if (!fs) return;
    setPreview(null);
    setBusy(true);
    const r = await getJson<DiffResult>(api(props, 'files/diff', { fs, path, ...(byContent ? { hash: '1' } : {}) }));
    setBusy(false);
    if (r.ok) setDiff(r.data);
    else setError(r.error);
  };

  const crumbs = dir.split('/').filter(Boolean);
  const header = (key: SortKey, label: string, align: 'left' | 'right' = 'left') => (
    <SortableHeader
      dense
      label={label}
      align={align}
      direction={sort.key === key ? sort.dir : null}
      onSort={() => {
        setOffset(0);
        setSort((s) => (s.key === key ? { key, dir: s.dir === 'ascending' ? 'descending' : 'ascending' } : { key, dir: 'ascending' }));
      }}
    />
  );

  return (
    <Card id="browse-files" title="Browse files" description={DESCRIPTION[backend]}>
      {error && (
        <p role="alert" className="mb-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      {fss === null && !error && (
        <p role="status" className="text-sm text-slate-500">
          {backend === 'libguestfs' ? 'Starting the libguestfs appliance and looking for file systems… The first open of a snapshot boots a small VM: seconds with KVM, minutes without.' : 'Looking for file systems…'}
        </p>
      )}
      {isolation && <p className="mb-2 text-xs text-slate-600">{ISOLATION[isolation]}</p>}
      {fss && (
        <TableFrame caption="File systems" showCaption>
          <thead>
            <tr>
              {['Partition', 'Type', 'Label', 'Size', ''].map((h) => (
                <th key={h} scope="col" className={thDenseClass}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {fss.map((f) => (
              <tr key={f.id}>
                <td className={`${tdDenseClass} font-mono`}>{f.id}</td>
                <td className={tdDenseClass}>{f.type ?? '—'}</td>
                <td className={tdDenseClass}>{f.label ?? '—'}</td>
                <td className={tdDenseClass}>{formatBytes(f.sizeBytes)}</td>
                <td className={tdDenseClass}>
                  {f.browsable ? (
                    <button type="button" className={btn} onClick={() => { setFs(f.id); open('/'); }} aria-pressed={fs === f.id}>
                      Browse {f.id}
                    </button>
                  ) : (
                    <span className="text-xs text-slate-500">{f.note}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </TableFrame>
      )}
      {fs && (
        <div className="mt-4 space-y-3">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <nav aria-label="Path" className="text-sm">
              <ol className="flex flex-wrap items-center gap-1 font-mono">
                <li>
                  <button type="button" className={`rounded text-cow-700 hover:underline ${focusRing}`} onClick={() => open('/')}>
                    {fs}:/
                  </button>
                </li>
                {crumbs.map((c, i) => (
                  <li key={i} className="flex items-center gap-1">
                    {i > 0 && <span aria-hidden="true">/</span>}
                    <button type="button" className={`rounded text-cow-700 hover:underline ${focusRing}`} onClick={() => open(`/${crumbs.slice(0, i + 1).join('/')}`)}>
                      {c}
                    </button>
                  </li>
                ))}
              </ol>
            </nav>
            <div className="flex gap-2">
              <a className={btn} href={api(props, 'files/archive', { fs, path: dir })} download>
                Download this directory (.tar.gz)
              </a>
              {props.hasOrigin && (
                <button type="button" className={btn} onClick={() => void compare(dir)} disabled={busy}>
                  Compare this directory with the origin
                </button>
              )}
            </div>
          </div>
          {listing && (
            <TableFrame caption={`Entries of ${dir}`}>
              <thead>
                <tr>
                  {header('name', 'Name')}
                  {header('type', 'Type')}
                  {header('size', 'Size', 'right')}
                  <th scope="col" className={thDenseClass}>
                    Mode
                  </th>
                  <th scope="col" className={thDenseClass}>
                    Owner
                  </th>
                  {header('mtime', 'Modified')}
                  <th scope="col" className={thDenseClass}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {listing.entries.map((e) => {
                  const path = join(dir, e.name);
                  return (
                    <tr key={e.name} className="border-b border-slate-100">
                      <td className={`${tdDenseClass} font-mono`}>
                        {e.type === 'dir' ? (
                          <button type="button" className={`rounded text-cow-700 hover:underline ${focusRing}`} onClick={() => open(path)}>
                            {e.name}/
                          </button>
                        ) : e.type === 'link' ? (
                          <span>
                            {e.name} <span className="text-slate-500">→ {e.target}</span>
                          </span>
                        ) : (
                          e.name
                        )}
                      </td>
                      <td className={tdDenseClass}>{e.type === 'link' ? <Badge tone="violet">link</Badge> : typeLabel(e)}</td>
                      <td className={`${tdDenseClass} text-right tabular-nums`}>{e.type === 'file' ? formatBytes(e.sizeBytes) : '—'}</td>
                      <td className={`${tdDenseClass} font-mono text-xs`}>{e.mode}</td>
                      <td className={`${tdDenseClass} font-mono text-xs`}>
                        {e.uid}:{e.gid}
                      </td>
                      <td className={`${tdDenseClass} whitespace-nowrap text-xs`} title={e.mtime}>
                        {formatDateTime(e.mtime)}
                      </td>
                      <td className={`${tdDenseClass} whitespace-nowrap text-right`}>
                        {e.type === 'file' && (
                          <span className="inline-flex gap-1">
                            <button type="button" className={btn} onClick={() => void showPreview(path)} aria-label={`Preview ${e.name}`}>
                              Preview
                            </button>
                            <a className={btn} href={api(props, 'files/content', { fs, path })} download aria-label={`Download ${e.name}`}>
                              Download
                            </a>
                            {props.hasOrigin && (
                              <button type="button" className={btn} onClick={() => void compare(path)} aria-label={`Compare ${e.name} with the origin`}>
                                Compare
                              </button>
                            )}
                          </span>
                        )}
                        {e.type === 'link' && <span className="text-xs text-slate-500">never followed</span>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </TableFrame>
          )}
          {listing && (
            <div className="flex items-center justify-between text-sm text-slate-600">
              <span aria-live="polite">
                {listing.total === 0 ? 'empty directory' : `${listing.offset + 1}–${Math.min(listing.offset + listing.limit, listing.total)} of ${listing.total} entries`}
              </span>
              <span className="flex gap-2">
                <button type="button" className={btn} disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                  Previous page
                </button>
                <button type="button" className={btn} disabled={!listing || offset + PAGE >= listing.total} onClick={() => setOffset(offset + PAGE)}>
                  Next page
                </button>
              </span>
            </div>
          )}
          {preview && (
            <section aria-label={`Preview of ${preview.path}`} className="rounded-md ring-1 ring-slate-200">
              <h3 className="border-b border-slate-200 px-3 py-1.5 font-mono text-xs text-slate-700">
                {preview.path} {preview.note && <span className="text-slate-500">({preview.note})</span>}
              </h3>
              {preview.text !== null && <pre className="max-h-96 overflow-auto p-3 text-xs">{preview.text}</pre>}
            </section>
          )}
          {diff && <DiffView diff={diff} busy={busy} onCompareContents={() => void compare(diff.path, true)} />}
        </div>
      )}
    </Card>
  );
}

function DiffView({ diff, busy, onCompareContents }: { diff: DiffResult; busy: boolean; onCompareContents: () => void }) {
  if (diff.kind === 'file') {
    return (
      <section aria-label={`Comparison of ${diff.path}`} className="rounded-md ring-1 ring-slate-200">
        <h3 className="border-b border-slate-200 px-3 py-1.5 text-sm">
          <span className="font-mono">{diff.path}</span>: {diff.status === 'same' ? 'unchanged since the snapshot' : diff.status === 'changed' ? 'changed since the snapshot' : diff.status}
          {diff.note && <span className="text-slate-500"> ({diff.note})</span>}
        </h3>
        {diff.diff && (
          <pre className="max-h-96 overflow-auto p-3 text-xs">
            {diff.diff.split('\n').map((l, i) => (
              <span key={i} className={l.startsWith('+') ? 'block bg-green-50 text-green-800' : l.startsWith('-') ? 'block bg-red-50 text-red-800' : 'block'}>
                {l || ' '}
              </span>
            ))}
          </pre>
        )}
      </section>
    );
  }
  const list = (title: string, names: string[]) => (
    <div>
      <h4 className="text-xs font-medium uppercase tracking-wide text-slate-500">
        {title} ({names.length})
      </h4>
      <ul className="font-mono text-xs">
        {names.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
    </div>
  );
  return (
    <section aria-label={`Comparison of ${diff.path}`} className="space-y-2 rounded-md p-3 ring-1 ring-slate-200">
      <h3 className="text-sm">
        <span className="font-mono">{diff.path}</span> compared with the origin now ({diff.unchanged} unchanged)
      </h3>
      <div className="grid grid-cols-3 gap-4">
        {list('Added in the origin', diff.added.map((e) => e.name))}
        {list('Removed from the origin', diff.removed.map((e) => e.name))}
        {list('Changed', diff.changed.map((c) => (c.contentChanged && c.snapshot.sizeBytes === c.origin.sizeBytes && c.snapshot.mtime === c.origin.mtime ? `${c.name} (content only)` : c.name)))}
      </div>
      {diff.byContent ? (
        <p className="text-xs text-slate-600">Files of the same size were also compared by content.</p>
      ) : (
        <p className="flex items-center gap-2 text-xs text-slate-600">
          Compared by type, size and modification time.
          <button type="button" className="rounded px-2 py-0.5 ring-1 ring-slate-300 hover:bg-slate-50" onClick={onCompareContents} disabled={busy}>
            Compare contents too
          </button>
        </p>
      )}
    </section>
  );
}
