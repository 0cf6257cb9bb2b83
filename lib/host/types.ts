export interface RunOptions {
  /** Kill the command after this many milliseconds (default from COWHERD_COMMAND_TIMEOUT_S). */
  timeoutMs?: number;
  /** Written to the command's standard input. */
  input?: string;
  /** When false, a non-zero exit is returned as a result instead of thrown (default true). */
  reject?: boolean;
  /** Called with each chunk of standard error as it arrives (progress of long commands). */
  onStderr?: (chunk: string) => void;
  /** Called with each chunk of standard output as it arrives. */
  onStdout?: (chunk: string) => void;
  /**
   * Bytes for the command's standard input, streamed (a copy between hosts: see pipe.ts). Exclusive with `input`.
   */
  stdinStream?: NodeJS.ReadableStream;
  /**
   * The command's standard output, streamed as bytes into this stream and not kept (the result's stdout is then
   * empty). Nothing is buffered in memory whatever the size: the copy of a disk between hosts goes through here.
   */
  stdoutStream?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  durationMs: number;
}

export interface HostRunner {
  readonly hostId: string;
  readonly transport: 'local' | 'ssh';
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export type CommandFailure = 'exit' | 'timeout' | 'not-found' | 'unreachable' | 'killed';

/** A command that did not end with exit code 0, carrying everything needed to explain it. */
export class CommandError extends Error {
  override name = 'CommandError';
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly failure: CommandFailure;
  readonly hostId: string;

  constructor(init: {
    hostId: string;
    argv: readonly string[];
    exitCode: number | null;
    stdout: string;
    stderr: string;
    failure: CommandFailure;
    message?: string;
  }) {
    const cmd = init.argv.join(' ');
    const why =
      init.failure === 'timeout'
        ? 'timed out'
        : init.failure === 'not-found'
          ? 'command not found'
          : init.failure === 'unreachable'
            ? 'host unreachable'
            : init.failure === 'killed'
              ? 'was killed'
              : `exited with code ${init.exitCode}`;
    const detail = init.stderr.trim().split('\n').slice(-3).join(' / ');
    super(init.message ?? `${cmd}: ${why}${detail ? `: ${detail}` : ''}`);
    this.hostId = init.hostId;
    this.argv = init.argv;
    this.exitCode = init.exitCode;
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.failure = init.failure;
    this.timedOut = init.failure === 'timeout';
  }
}
