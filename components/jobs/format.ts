// Pure formatting for jobs and the audit log (safe in client components). Times are shown in UTC so the server's
// render and the browser's agree, and so they match the host's logs.

/** "2025-03-04 12:34:56" from an ISO 8601 UTC timestamp. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

/** "0.4 s", "12 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function durationBetween(start: string | null, end: string | null): number | null {
  if (!start || !end) return null;
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isNaN(a) || Number.isNaN(b) ? null : b - a;
}

const OPERATION_LABELS: Record<string, string> = {
  'create-snapshot': 'Create snapshot',
  'extend-snapshot': 'Extend snapshot',
  'remove-snapshot': 'Remove snapshot',
  'export-snapshot': 'Export snapshot',
  'merge-snapshot': 'Merge snapshot (rollback)',
  'complete-merge': 'Complete merge',
};

export const OPERATIONS = Object.keys(OPERATION_LABELS);

export function operationLabel(op: string): string {
  return OPERATION_LABELS[op] ?? op;
}

/** What a job works on, from its parameters: "vg0/web_snap (of web)", "vg0/web_snap → web.qcow2". */
export function jobTarget(operation: string, params: Record<string, unknown>): string {
  const s = (k: string) => {
    const v = params[k];
    return typeof v === 'string' ? v : undefined;
  };
  const vg = s('vg');
  const lv = s('snapshot') ?? s('name');
  const base = vg && lv ? `${vg}/${lv}` : vg && s('origin') ? `${vg}/${s('origin')}` : (vg ?? '');
  if (operation === 'create-snapshot' && s('origin')) return lv ? `${base} (of ${s('origin')})` : `${base} (new snapshot)`;
  if (operation === 'export-snapshot' && s('file')) return `${base} → ${s('file')}`;
  return base;
}
