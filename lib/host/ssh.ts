import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lstatOrNull, myUid } from '@/lib/fs/private';
import { spawnCommand } from './exec';
import { shellJoin } from './quote';
import { checkHelper, type HelperStatus } from './helper';
import { toVerbLine } from './verbs';
import { CommandError, type HostRunner, type RunOptions, type RunResult } from './types';

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
  /**
   * "helper" (issue 16): the remote command is the argv's verb line for the host helper (lib/host/verbs.ts), and an
   * argv with no verb is never sent; "shell" (default): the argv quoted for the login shell.
   */
  access?: 'helper' | 'shell';
}

// ssh itself exits 255 on its own errors; these messages tell a dead host from a remote command that returned 255.
const SSH_ERROR =
  /^(ssh: |Connection (refused|closed|timed out|reset)|Host key verification failed|Permission denied \(|kex_exchange_identification|ssh_exchange_identification|Could not resolve|No route to host|Connection to .* closed by remote host|Control socket connect|mux_client|Bad owner or permissions|Load key)/m;

/**
 * Longest control directory, in bytes, that still leaves room for ssh's socket name inside a unix socket path
 * (sun_path: 108 bytes with the NUL): '/' + %C (40 hex digits) + the '.' and 16 random characters ssh appends while
 * it sets up the master.
 */
export const MAX_CONTROL_DIR_BYTES = 107 - 1 - 40 - 17;

/** The directory is unsafe or unusable for ssh's control sockets: whoever can write there can hijack connections. */
export class ControlDirError extends Error {
  override name = 'ControlDirError';
}


/**
 * Where control sockets go unless COWHERD_SSH_CONTROL_DIR says otherwise: beside the database (a directory only we
 * can enter) when that path is short enough for a socket, else a per-user directory under $TMPDIR. The latter name is
 * predictable, which is why ensureControlDir checks owner and mode before it is used.
 */
export function defaultControlDir(dataDir?: string): string {
  if (dataDir !== undefined) {
    const inData = path.resolve(dataDir, 'ssh');
    if (Buffer.byteLength(inData) <= MAX_CONTROL_DIR_BYTES) return inData;
  }
  return path.join(os.tmpdir(), `cowherd-ssh-${myUid() ?? 0}`);
}


/**
 * Create the control directory 0700, or accept an existing one only if it is a real directory (not a symlink),
 * owned by this process's user, with no access for group or others. A socket planted there by another user would
 * be used as our authenticated connection to the host, so anything else is refused with the fix in the message.
 */
export function ensureControlDir(dir: string): void {
  const abs = path.resolve(dir);
  if (Buffer.byteLength(abs) > MAX_CONTROL_DIR_BYTES) {
    throw new ControlDirError(
      `ssh control directory ${abs} is too long (${Buffer.byteLength(abs)} bytes, at most ${MAX_CONTROL_DIR_BYTES}: ` +
        'unix socket paths are limited); set COWHERD_SSH_CONTROL_DIR to a shorter path',
    );
  }
  if (lstatOrNull(abs) === null) {
    mkdirSync(abs, { recursive: true, mode: 0o700 });
    chmodSync(abs, 0o700); // mkdir's mode is reduced by the umask, never widened; make it exact
  }
  const st = lstatOrNull(abs);
  if (st === null) throw new ControlDirError(`ssh control directory ${abs} could not be created`);
  if (st.isSymbolicLink() || !st.isDirectory()) {
    throw new ControlDirError(`ssh control directory ${abs} is not a directory (a symlink?); refusing to use it`);
  }
  const uid = myUid();
  if (uid !== null && st.uid !== uid) {
    throw new ControlDirError(
      `ssh control directory ${abs} is owned by uid ${st.uid}, not by this process (uid ${uid}); refusing to use it. ` +
        'Remove it or set COWHERD_SSH_CONTROL_DIR to a directory of ours',
    );
  }
  if ((st.mode & 0o077) !== 0) {
    throw new ControlDirError(
      `ssh control directory ${abs} has mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, ` +
        `open to group or others; refusing to use it. Fix: chmod 700 ${abs}`,
    );
  }
}

/**
 * The control socket's name: one master connection per configured host (its Cowherd id) and address, not per
 * address alone as ssh's %C would make it. Two host entries for the same machine (another id, the lab listed 20
 * times in the benchmark) would otherwise share one connection, and sshd refuses sessions past its MaxSessions (10)
 * on one connection. 40 hex digits, as long as %C, so MAX_CONTROL_DIR_BYTES holds; the address is in the hash so
 * that a host whose address changes in the config never reuses the old master.
 */
export function controlSocketName(hostId: string, target: SshTarget): string {
  return createHash('sha1').update(`${hostId}\0${target.user}@${target.host}:${target.port}`).digest('hex');
}

/** The ssh options used for every connection: no prompts, strict host keys, one reused connection per host. */
export function sshArgs(target: SshTarget, opts: SshRunnerOptions = {}, hostId?: string): string[] {
  const controlDir = opts.controlDir ?? defaultControlDir();
  const args = [
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${opts.connectTimeoutS ?? 10}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'ControlMaster=auto',
    '-o', `ControlPath=${path.join(controlDir, hostId === undefined ? '%C' : controlSocketName(hostId, target))}`,
    '-o', `ControlPersist=${opts.controlPersistS ?? 300}`,
    '-o', 'LogLevel=ERROR',
    '-p', String(target.port),
    '-l', target.user,
  ];
  if (target.identityFile) args.push('-o', 'IdentitiesOnly=yes', '-i', target.identityFile);
  if (target.knownHostsFile) args.push('-o', `UserKnownHostsFile=${target.knownHostsFile}`);
  return args;
}

/** A check that found no working helper is made again after this long (pages poll hosts every few seconds). */
export const HELPER_RECHECK_MS = 30_000;

/**
 * The command line ssh sends for argv: in "helper" mode the verb line (or an error: no verb, nothing is sent), in
 * "shell" mode every argument quoted by shellJoin.
 */
export function remoteCommand(access: 'helper' | 'shell', argv: readonly string[]): { ok: true; command: string } | { ok: false; error: string } {
  if (access === 'shell') return { ok: true, command: shellJoin(argv) };
  const v = toVerbLine(argv);
  return v.ok ? { ok: true, command: v.line } : { ok: false, error: `not sent to the host helper: ${v.error} (add a verb in lib/host/verbs.ts)` };
}

/** Runs argv on a remote host: ssh with BatchMode and a reused connection; each argument quoted by shellJoin. */
export class SshRunner implements HostRunner {
  readonly transport = 'ssh' as const;
  readonly access: 'helper' | 'shell';
  private readonly baseArgs: string[];
  private helperCheck?: { at: number; p: Promise<HelperStatus> };
  private readonly controlDir: string;

  constructor(
    readonly hostId: string,
    private readonly target: SshTarget,
    private readonly opts: SshRunnerOptions = {},
  ) {
    this.controlDir = opts.controlDir ?? defaultControlDir();
    this.access = opts.access ?? 'shell';
    ensureControlDir(this.controlDir);
    this.baseArgs = sshArgs(target, { ...opts, controlDir: this.controlDir }, hostId);
  }

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const remote = remoteCommand(this.access, argv);
    if (!remote.ok) {
      // A bug (a builder whose argv has no verb), reported like the helper's own refusal (exit 126).
      const refused = { stdout: '', stderr: remote.error, exitCode: 126, durationMs: 0 };
      if (options.reject === false) return Promise.resolve(refused);
      return Promise.reject(new CommandError({ hostId: this.hostId, argv, exitCode: 126, stdout: '', stderr: remote.error, failure: 'exit' }));
    }
    if (this.access === 'shell') return this.runRemote(argv, remote.command, options);
    // Helper mode: the helper's version is asked once, before the first command. Where no helper answers (the key
    // reaches a shell), verb lines are not sent at all: a shell would read them as commands of its own.
    return this.helperState().then((s) => {
      if (s.status !== 'missing') return this.runRemote(argv, remote.command, options);
      const stderr = s.message ?? 'the host helper does not answer';
      if (options.reject === false) return { stdout: '', stderr, exitCode: 126, durationMs: 0 };
      throw new CommandError({ hostId: this.hostId, argv, exitCode: 126, stdout: '', stderr, failure: 'exit' });
    });
  }

  /**
   * The host helper's state (issue 16), asked at the first command: a good answer is kept; one that found no
   * working helper is asked again after HELPER_RECHECK_MS (the admin may have run `npm run host:install` since).
   */
  helperState(): Promise<HelperStatus> {
    const c = this.helperCheck;
    if (c) {
      void c.p.then((s) => {
        if (s.status !== 'ok' && this.helperCheck === c && Date.now() - c.at > HELPER_RECHECK_MS) this.helperCheck = undefined;
      });
      return c.p;
    }
    const p = checkHelper(this);
    this.helperCheck = { at: Date.now(), p };
    return p;
  }

  /** `version` of the host helper (issue 16): sent as is, whatever the mode. */
  helperVersion(options: RunOptions = {}): Promise<RunResult> {
    return this.runRemote(['cowherd-host', 'version'], 'version', { reject: false, ...options });
  }

  private runRemote(argv: readonly string[], command: string, options: RunOptions): Promise<RunResult> {
    // Checked again before every command (one lstat): the directory may have been removed (it is re-created) or
    // swapped since the runner was made, and ssh would then fail obscurely or use what someone else put there.
    try {
      ensureControlDir(this.controlDir);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    // '--' ends ssh's options; the host can never be read as an option (validated in the config too).
    const args = [...this.baseArgs, '--', this.target.host, command];
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
