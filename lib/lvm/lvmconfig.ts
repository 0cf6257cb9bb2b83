import { z } from 'zod';

// Pure: the argv and the parser for the extend wizard's read of the host's snapshot auto-extension settings.

export interface SnapshotAutoextend {
  /** activation/snapshot_autoextend_threshold: 100 means auto-extension is off (lvm2's minimum is 50). */
  threshold: number;
  /** activation/snapshot_autoextend_percent: how much a snapshot grows each time it passes the threshold. */
  percent: number;
  /** activation/monitoring: dmeventd watches snapshots; without it nothing auto-extends. */
  monitoring: boolean;
}

export type AutoextendResult = { ok: true; value: SnapshotAutoextend } | { ok: false; error: string };

/** `--typeconfig full` prints the default for a key that no config file sets, so every key is always there. */
export const LVMCONFIG_AUTOEXTEND_ARGV = [
  'lvmconfig',
  '--typeconfig',
  'full',
  'activation/snapshot_autoextend_threshold',
  'activation/snapshot_autoextend_percent',
  'activation/monitoring',
] as const;

const output = z.object({
  snapshot_autoextend_threshold: z.coerce.number().int().min(0).max(100),
  snapshot_autoextend_percent: z.coerce.number().int().min(0),
  monitoring: z.enum(['0', '1']),
});

/** Parse lvmconfig's "key=value" lines (seen in the lab: "snapshot_autoextend_threshold=100"). */
export function parseLvmconfigAutoextend(stdout: string): AutoextendResult {
  const kv: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1] && m[2] !== undefined) kv[m[1]] = m[2].replace(/^"|"$/g, '');
  }
  const r = output.safeParse(kv);
  if (!r.success) {
    const why = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { ok: false, error: `unexpected lvmconfig output (${why})` };
  }
  return {
    ok: true,
    value: {
      threshold: r.data.snapshot_autoextend_threshold,
      percent: r.data.snapshot_autoextend_percent,
      monitoring: r.data.monitoring === '1',
    },
  };
}
