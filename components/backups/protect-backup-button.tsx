'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/**
 * Protect a backup from every policy's pruning, or lift that (issue 12): PATCH /api/backups/:id. The flag is in the
 * catalogue; the file is not touched.
 */
export function ProtectBackupButton({ id, isProtected }: { id: number; isProtected: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/backups/${id}`, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ protected: !isProtected }) });
      if (!res.ok) setError(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`);
      else router.refresh();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <span className="whitespace-nowrap">
      <button type="button" disabled={busy} onClick={() => void go()} className="text-cow-700 hover:underline disabled:opacity-50" aria-label={`${isProtected ? 'Unprotect' : 'Protect'} backup ${id}`}>
        {isProtected ? 'Unprotect' : 'Protect'}
      </button>
      {error ? <span role="alert" className="ml-2 text-xs text-red-700">{error}</span> : null}
    </span>
  );
}
