import { execa } from 'execa';
import { childEnv } from './child-env';
import { CommandError, type RunOptions, type RunResult } from './types';

interface SpawnSpec {
  hostId: string;
  /** The argv as the user asked for it (reported in errors). */
  argv: readonly string[];
  file: string;
  args: readonly string[];
  options: RunOptions;
  defaultTimeoutMs: number;
  /** Decide whether a failed process means the host could not be reached (ssh's own errors). */
  isUnreachable?: (exitCode: number | undefined, stderr: string) => boolean;
}

/** Spawn without a shell, with a timeout, and turn every way of failing into a CommandError. */
export async function spawnCommand(spec: SpawnSpec): Promise<RunResult> {
  const { options } = spec;
  const started = performance.now();
  const streamOut = options.stdoutStream !== undefined;
  const child = execa(spec.file, spec.args, {
    shell: false,
    reject: false,
    stripFinalNewline: false,
    timeout: options.timeoutMs ?? spec.defaultTimeoutMs,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: 2000,
    input: options.input,
    stdin: options.input === undefined && options.stdinStream === undefined ? 'ignore' : 'pipe',
    // A streamed stdout is piped on below and never collected (a disk image would not fit in memory).
    buffer: { stdout: !streamOut, stderr: true },
    cancelSignal: options.signal,
    // Only what the command needs, never the server's secrets (see childEnv).
    env: childEnv(),
    extendEnv: false,
    encoding: 'utf8',
  });
  if (options.stdinStream && child.stdin) {
    const stdin = child.stdin;
    // The reader may exit before it read everything (it failed): that closes the pipe, which is not our error.
    stdin.on('error', () => undefined);
    const source = options.stdinStream;
    source.pipe(stdin);
    // Once the process has exited nothing reads its stdin: detach it, or the result would wait for a source that
    // only ends when its own reader is stopped (which happens when this result arrives).
    child.once('exit', () => {
      source.unpipe(stdin);
      stdin.destroy();
    });
  }
  if (streamOut && child.stdout) child.stdout.pipe(options.stdoutStream!);
  if (options.onStderr) child.stderr?.on('data', (b: Buffer) => options.onStderr?.(b.toString('utf8')));
  if (options.onStdout && !streamOut) child.stdout?.on('data', (b: Buffer) => options.onStdout?.(b.toString('utf8')));
  const r = await child;
  const durationMs = performance.now() - started;
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  const stderr = typeof r.stderr === 'string' ? r.stderr : '';
  const base = { hostId: spec.hostId, argv: spec.argv, stdout, stderr };
  if (r.timedOut) throw new CommandError({ ...base, exitCode: r.exitCode ?? null, failure: 'timeout' });
  const code = (r as { code?: string }).code;
  if (code === 'ENOENT' || (r.failed && r.exitCode === undefined && /ENOENT/.test(r.message ?? ''))) {
    throw new CommandError({ ...base, exitCode: null, failure: 'not-found', message: `${spec.file}: command not found` });
  }
  if (r.isCanceled) throw new CommandError({ ...base, exitCode: null, failure: 'killed' });
  if (r.exitCode === undefined) throw new CommandError({ ...base, exitCode: null, failure: 'killed' });
  if (spec.isUnreachable?.(r.exitCode, stderr)) throw new CommandError({ ...base, exitCode: r.exitCode, failure: 'unreachable' });
  if (r.exitCode !== 0 && options.reject !== false) {
    throw new CommandError({ ...base, exitCode: r.exitCode, failure: 'exit' });
  }
  return { stdout, stderr, exitCode: r.exitCode, durationMs };
}
