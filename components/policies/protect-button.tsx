'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { buttonClasses } from '@/components/ui/button-link';
import { send } from './api';

/**
 * Protect a snapshot from pruning and expiry (or lift it): the protect-snapshot operation, an ordinary job that runs
 * `lvchange --addtag/--deltag cowherd-protected`.
 */
export function ProtectButton({ host, vg, lv, isProtected }: { host: string; vg: string; lv: string; isProtected: boolean }) {
  const router = useRouter();
  const [state, setState] = useState<string | null>(null);
  async function go() {
    setState('…');
    const r = await send<{ job: { id: number } }>('POST', `/api/hosts/${encodeURIComponent(host)}/jobs`, {
      operation: 'protect-snapshot',
      params: { vg, snapshot: lv, protected: !isProtected },
    });
    setState(r.ok ? `job #${r.data.job.id} started` : r.error);
    if (r.ok) setTimeout(() => router.refresh(), 3000);
  }
  return (
    <span className="whitespace-nowrap">
      <button type="button" className={buttonClasses('secondary', 'sm')} onClick={() => void go()} aria-label={`${isProtected ? 'Unprotect' : 'Protect'} ${vg}/${lv}`}>
        {isProtected ? 'Unprotect' : 'Protect'}
      </button>
      {state && <span className="ml-2 text-xs text-slate-600">{state}</span>}
    </span>
  );
}
