// What the jobs and the audit log call an operation and its target (safe in client components). Times and
// durations come from lib/format.ts like everywhere else.

const OPERATION_LABELS: Record<string, string> = {
  'create-snapshot': 'Create snapshot',
  'extend-snapshot': 'Extend snapshot',
  'remove-snapshot': 'Remove snapshot',
  'export-snapshot': 'Export snapshot',
  'merge-snapshot': 'Merge snapshot (rollback)',
  'complete-merge': 'Complete merge',
  'protect-snapshot': 'Protect snapshot',
  // issue 14
  'move-guest': 'Move guest',
  'copy-guest': 'Copy guest',
  'retire-moved-guest': 'Remove old copy',
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
  // Issue 14: the guest and where it goes ("web01 → lab2", "db01 → lab2 as db02").
  const review = params.review as { guest?: string } | undefined;
  if (operation === 'move-guest') return `${review?.guest ?? s('domain') ?? ''} → ${s('target') ?? ''}`;
  if (operation === 'retire-moved-guest') return `${(params.retire as { guest?: string } | undefined)?.guest ?? s('domain') ?? ''} (moved to ${s('target') ?? ''})`;
  if (operation === 'copy-guest') return `${review?.guest ?? s('domain') ?? ''} → ${s('target') ?? ''} as ${s('name') ?? ''}`;
  return base;
}
