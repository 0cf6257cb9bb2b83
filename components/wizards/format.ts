// Pure formatting helpers shared by the wizards (safe in client components).

export const MiB = 1024 * 1024;

export const toMiB = (bytes: number) => bytes / MiB;

/** Bytes for a person: MiB below 1 GiB, GiB above, one decimal when it matters. */
export function formatBytes(bytes: number): string {
  const gib = bytes / (1024 * MiB);
  if (gib >= 1) return `${trim(gib)} GiB`;
  return `${trim(bytes / MiB)} MiB`;
}

function trim(n: number): string {
  const r = Math.round(n * 10) / 10;
  return Number.isInteger(r) ? String(r) : r.toFixed(1);
}

/** "2 h 5 min", "40 min", "3 d 4 h": how long until a snapshot fills up. */
export function formatHours(hours: number): string {
  if (!Number.isFinite(hours)) return '—';
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  if (hours < 48) {
    const h = Math.floor(hours);
    const m = Math.round((hours - h) * 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(hours / 24);
  const h = Math.round(hours - d * 24);
  return h ? `${d} d ${h} h` : `${d} d`;
}

/** `YYYYMMDD` in UTC (the server's default snapshot names use UTC too). */
export function utcDateStamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}`;
}
