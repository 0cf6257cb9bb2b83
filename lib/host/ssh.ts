import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnCommand } from './exec';
import { shellJoin } from './quote';
import type { HostRunner, RunOptions, RunResult } from './types';

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  identityFile?: string;
  knownHostsFile?: string;
}

export interface SshRunnerOptions {
  defaultTimeoutMs?: number;
  /** Directory for ControlMaster sockets (kept short: unix socket paths are limited to ~100 bytes). */
  controlDir?: string;
  /** How long an idle master connection stays up. */
  controlPersistS?: number;
  connectTimeoutS?: number;
}

// ssh itself exits 255 on its own errors; these messages tell a dead host from a remote command that returned 255.
const SSH_ERROR =
  /^(ssh: |Connection (refused|closed|timed out|reset)|Host key verification failed|Permission denied \(|kex_exchange_identification|ssh_exchange_identification|Could not resolve|No route to host|Connection to .* closed by remote host|Control socket connect|mux_client|Bad owner or permissions|Load key)/m;

export function defaultControlDir(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return path.join(os.tmpdir(), `cowherd-ssh-${uid}`);
}

/** The ssh options used for every connection: no prompts, strict host keys, one reused connection per host. */
export function sshArgs(target: SshTarget, opts: SshRunnerOptions = {}): string[] {
  const controlDir = opts.controlDir ?? defaultControlDir();
  const args = [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${opts.connectTimeoutS ?? 10}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${path.join(controlDir, '%C')}`,
    '-o', `ControlPersist=${opts.controlPersistS ?? 300}`,
    '-o', 'LogLevel=ERROR',
    '-p', String(target.port),
    '-l', target.user,
  ];
  if (target.identityFile) args.push('-o', 'IdentitiesOnly=yes', '-i', target.identityFile);
  if (target.knownHostsFile) args.push('-o', `UserKnownHostsFile=${target.knownHostsFile}`);
  return args;
}

/** Runs argv on a remote host: ssh with BatchMode and a reused connection; each argument quoted by shellJoin. */
export class SshRunner implements HostRunner {
  readonly transport = 'ssh' as const;
  private readonly baseArgs: string[];

  constructor(
    readonly hostId: string,
    private readonly target: SshTarget,
    private readonly opts: SshRunnerOptions = {},
  ) {
    mkdirSync(opts.controlDir ?? defaultControlDir(), { recursive: true, mode: 0o700 });
    this.baseArgs = sshArgs(target, opts);
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    // '--' ends ssh's options; the host can never be read as an option (validated in the config too).
    const args = [...this.baseArgs, '--', this.target.host, shellJoin(argv)];
    return spawnCommand({
      hostId: this.hostId,
      argv,
      file: 'ssh',
      args,
      options,
      defaultTimeoutMs: this.opts.defaultTimeoutMs ?? 60_000,
      isUnreachable: (code, stderr) => code === 255 && SSH_ERROR.test(stderr),
    });
  }
}
