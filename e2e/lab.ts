import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { LAB_DIR } from './env';

const LAB_SH = path.resolve(import.meta.dirname, '../lab/lab.sh');

/**
 * Run a shell command in the lab VM as root, outside Cowherd (the way an administrator would), and return stdout.
 * Throws with the command's stderr when it fails.
 */
export function labSsh(command: string, opts: { timeoutMs?: number } = {}): string {
  return execFileSync('bash', [LAB_SH, 'ssh', command], {
    encoding: 'utf8',
    env: { ...process.env, COWHERD_LAB_DIR: LAB_DIR },
    timeout: opts.timeoutMs ?? 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** lvs for one LV as a record of the named fields (bytes, no suffix); null when the LV does not exist. */
export function labLv(vgLv: string, fields = 'lv_name,lv_attr,lv_size,data_percent,origin'): Record<string, string> | null {
  try {
    const out = labSsh(`lvs -a --reportformat json --units b --nosuffix -o ${fields} ${vgLv}`);
    const rows = (JSON.parse(out) as { report: { lv: Record<string, string>[] }[] }).report[0]?.lv ?? [];
    return rows[0] ?? null;
  } catch {
    return null;
  }
}

export function domState(name: string): string {
  return labSsh(`virsh domstate ${name}`).trim();
}

/** Remove every LV in vg0/vg1 that the seed state does not have (snapshots and fillers left by a test). */
export function resetLabLvs(): void {
  labSsh(
    [
      'for d in $(virsh list --all --name); do case "$d" in web01|db01) ;; *) virsh destroy "$d" >/dev/null 2>&1; virsh undefine "$d" >/dev/null 2>&1;; esac; done',
      'virsh domstate web01 | grep -q running || virsh start web01 >/dev/null',
      'for lv in $(lvs --noheadings -o vg_name,lv_name --separator / vg0 vg1 | tr -d " "); do case "$lv" in vg0/web|vg0/db|vg1/pool|vg1/thin1) ;; *) lvremove -y "$lv" >/dev/null 2>&1;; esac; done',
      'true',
    ].join('; '),
  );
}
