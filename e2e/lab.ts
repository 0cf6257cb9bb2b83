import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LAB_DIR } from './env';

const LAB_SH = path.resolve(import.meta.dirname, '../lab/lab.sh');

export interface LabSshTarget {
  host: string;
  port: number;
  user: string;
  identityFile: string;
  knownHostsFile: string;
}

/** The lab's ssh target, from the hosts file lab.sh wrote (its port follows COWHERD_LAB_PORT). */
export function labSshTarget(): LabSshTarget {
  const config = JSON.parse(readFileSync(path.join(LAB_DIR, 'cowherd.config.json'), 'utf8')) as { hosts: { ssh?: LabSshTarget }[] };
  const ssh = config.hosts[0]?.ssh;
  if (!ssh) throw new Error(`no lab in ${LAB_DIR}/cowherd.config.json: run npm run lab:up`);
  return ssh;
}

/** ssh options for the lab over one reused connection: a new ssh connection costs seconds on the TCG lab. */
export function labSshArgs(): string[] {
  const ssh = labSshTarget();
  return [
    '-i', ssh.identityFile,
    '-p', String(ssh.port),
    '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${ssh.knownHostsFile}`,
    '-o', 'StrictHostKeyChecking=yes',
    '-o', 'ConnectTimeout=10',
    '-o', 'LogLevel=ERROR',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=/tmp/cowherd-e2e-${ssh.port}-%C`,
    '-o', 'ControlPersist=120',
    `${ssh.user}@${ssh.host}`,
  ];
}

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

/**
 * labSsh, tried again when ssh could not even connect (the lab VM is shared and sometimes too busy to answer
 * sshd's banner in time). The command did not run then, so running it again is safe.
 */
export function labSshRetrying(command: string, opts: { timeoutMs?: number } = {}): string {
  for (let attempt = 1; ; attempt++) {
    try {
      return labSsh(command, opts);
    } catch (e) {
      const { stderr, message } = e as { stderr?: string | Buffer; message: string };
      const text = `${stderr?.toString() ?? ''} ${message}`;
      if (attempt >= 3 || !/banner exchange|kex_exchange_identification|Connection (timed out|refused|reset)/.test(text)) throw e;
    }
  }
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
