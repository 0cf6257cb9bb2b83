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

/**
 * ssh options for the lab over one reused connection: a new ssh connection costs seconds on the TCG lab. The lab's
 * unrestricted key (lab_key), as an administrator's: the config's key only runs the host helper (issue 16).
 */
export function labSshArgs(): string[] {
  const ssh = labSshTarget();
  return [
    '-i', path.join(path.dirname(ssh.identityFile), 'lab_key'),
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
  for (let attempt = 1; ; attempt++) {
    try {
      return execFileSync('bash', [LAB_SH, 'ssh', command], {
        encoding: 'utf8',
        env: { ...process.env, COWHERD_LAB_DIR: LAB_DIR },
        timeout: opts.timeoutMs ?? 120_000,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      // ssh itself failed before the command ran (the lab VM was too busy to finish the handshake, seen as
      // "Connection timed out during banner exchange" with many labs on one machine): the command is safe to send
      // again. Anything else, including the command's own failure, is the caller's.
      const err = e as { status?: number | null; stderr?: string };
      if (attempt >= 4 || !sshDidNotConnect(err.status, err.stderr)) throw e;
      execFileSync('sleep', [String(2 * attempt)]);
    }
  }
}

/** ssh's exit status 255 with one of its own connection errors: the remote command never started. */
function sshDidNotConnect(status: number | null | undefined, stderr: string | undefined): boolean {
  return (
    status === 255 &&
    /banner exchange|kex_exchange_identification|Connection timed out|Connection refused|Connection closed by/.test(
      stderr ?? '',
    )
  );
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

/**
 * The lab's one guest with an operating system (lab/agent-init.sh): a kernel, busybox and qemu-guest-agent, with
 * its disk vg0/agent mounted as ext4. lab.sh starts it in the background at every lab boot; under nested emulation
 * it takes minutes until its agent answers (see waitForAgent).
 */
export const AGENT_GUEST = { domain: 'agent01', vg: 'vg0', lv: 'agent' } as const;

/**
 * `virsh qemu-agent-command DOMAIN JSON` in the lab: the agent's `return` value, or null when the agent does not
 * answer (not connected yet, or the guest is not running). The command is ours, never input from a test.
 */
export function agentCommand(execute: 'guest-ping' | 'guest-fsfreeze-status', domain: string = AGENT_GUEST.domain): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(domain)) throw new Error(`not a lab domain name: ${domain}`);
  try {
    const out = labSsh(`virsh qemu-agent-command --timeout 10 ${domain} '{"execute":"${execute}"}'`, { timeoutMs: 60_000 });
    return (JSON.parse(out) as { return?: unknown }).return ?? null;
  } catch {
    return null;
  }
}

/** The guest agent's view of the guest's file systems: "thawed" or "frozen" (null when the agent does not answer). */
export function agentFsfreezeStatus(domain: string = AGENT_GUEST.domain): string | null {
  const r = agentCommand('guest-fsfreeze-status', domain);
  return typeof r === 'string' ? r : null;
}

/**
 * Wait until agent01's guest agent answers guest-ping (and libvirt shows its channel connected, which is what
 * Cowherd reads). Starts the guest if a test left it shut off. Returns how long it waited, in ms; throws after
 * timeoutMs (the boot takes minutes under nested emulation on a busy machine).
 */
export async function waitForAgent(timeoutMs = 300_000, domain: string = AGENT_GUEST.domain): Promise<number> {
  const t0 = Date.now();
  let state = '';
  while (Date.now() - t0 < timeoutMs) {
    try {
      state = domState(domain);
    } catch {
      state = 'unknown';
    }
    if (state === 'shut off' || state === 'crashed') labSsh(`virsh start ${domain} >/dev/null`);
    if (state === 'paused') labSsh(`virsh resume ${domain} >/dev/null`);
    if (state === 'running' && agentCommand('guest-ping', domain) !== null) {
      const xml = labSsh(`virsh dumpxml ${domain}`);
      if (/name='org\.qemu\.guest_agent\.0' state='connected'/.test(xml)) return Date.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 5_000));
  }
  throw new Error(`the guest agent of ${domain} did not answer within ${Math.round(timeoutMs / 1000)} s (state: ${state})`);
}
