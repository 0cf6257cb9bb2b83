/**
 * The app's own pages that other places link to (the wizards, a volume group): one definition for the inventory
 * pages, the alerts and the webhook's links. Pure and browser-safe.
 */

function hostPath(host: string, page: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  const s = q.toString();
  return `/hosts/${encodeURIComponent(host)}/${page}${s ? `?${s}` : ''}`;
}

export const hrefs = {
  createSnapshot: (host: string, vg?: string, origin?: string) => hostPath(host, 'create-snapshot', { vg, origin }),
  extend: (host: string, vg: string, snapshot: string) => hostPath(host, 'extend', { vg, snapshot }),
  remove: (host: string, vg: string, snapshot: string) => hostPath(host, 'remove', { vg, snapshot }),
  export: (host: string, vg: string, snapshot: string) => hostPath(host, 'export', { vg, snapshot }),
  merge: (host: string, vg: string, snapshot: string) => hostPath(host, 'merge', { vg, snapshot }),
  /** "Back up now" (issue 11). */
  backup: (host: string, vg: string, lv: string) => hostPath(host, 'backup', { vg, lv }),
  /** "Move or copy to another host" (issue 14), by the guest's UUID. */
  move: (host: string, guest: string) => hostPath(host, 'move', { guest }),
  /** "Remove the old copy" of a guest moved to `target` (issue 14), by the guest's UUID. */
  retire: (host: string, guest: string, target?: string) => hostPath(host, 'retire', { guest, target }),
  vg: (host: string, vg: string) => `/vgs/${encodeURIComponent(host)}/${encodeURIComponent(vg)}`,
  /** A snapshot's own page (issue 13): its facts, fill history, actions and files. */
  snapshot: (host: string, vg: string, lv: string) =>
    `/snapshots/${encodeURIComponent(host)}/${encodeURIComponent(vg)}/${encodeURIComponent(lv)}`,
};
