import { Transform } from 'node:stream';
import { CommandError, type HostRunner, type RunResult } from './types';

/**
 * Copy bytes from a command on one host into a command on another, through this server: `from`'s standard output
 * becomes `to`'s standard input. The hosts never need keys for each other (backups to another host, guest moves);
 * nothing is held in memory beyond the streams' own buffers, and back-pressure pauses the reader when the writer
 * is slower. When either side fails the other is stopped, so a dead reader never leaves a writer waiting forever
 * (nor the reverse), and the result says which side failed and why.
 */
export interface PipeSide {
  runner: HostRunner;
  argv: readonly string[];
}

export interface PipeOptions {
  timeoutMs?: number;
  /** Called as bytes pass (at most every `progressEveryMs`, and once at the end). */
  onBytes?: (bytes: number) => void;
  progressEveryMs?: number;
  signal?: AbortSignal;
}

export interface PipeSideResult {
  ok: boolean;
  exitCode: number | null;
  /** The standard output of the writing side (the reader's goes into the pipe). */
  stdout: string;
  stderr: string;
}

export interface PipeResult {
  ok: boolean;
  bytes: number;
  durationMs: number;
  from: PipeSideResult;
  to: PipeSideResult;
  /** Which side failed first, in words ("reading on web: ... exited with code 1"), or null. */
  error: string | null;
}

function outcome(r: PromiseSettledResult<RunResult>): PipeSideResult {
  if (r.status === 'fulfilled') return { ok: r.value.exitCode === 0, exitCode: r.value.exitCode, stdout: r.value.stdout, stderr: r.value.stderr };
  const e: unknown = r.reason;
  if (e instanceof CommandError) return { ok: false, exitCode: e.exitCode, stdout: e.stdout, stderr: e.stderr || e.message };
  return { ok: false, exitCode: null, stdout: '', stderr: e instanceof Error ? e.message : String(e) };
}

export async function pipeBetween(from: PipeSide, to: PipeSide, opts: PipeOptions = {}): Promise<PipeResult> {
  const t0 = performance.now();
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let bytes = 0;
  let lastReport = 0;
  const every = opts.progressEveryMs ?? 1000;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      const now = performance.now();
      if (opts.onBytes && now - lastReport >= every) {
        lastReport = now;
        opts.onBytes(bytes);
      }
      cb(null, chunk);
    },
  });
  // Whichever side ends badly first stops the other (a writer that died leaves the reader blocked on a full pipe;
  // a reader that died leaves the writer waiting for an end that comes only with the reader's EOF, which it gets).
  let first: 'from' | 'to' | null = null;
  const watch = (side: 'from' | 'to', p: Promise<RunResult>) =>
    p.then(
      (r) => {
        if (r.exitCode !== 0 && first === null) {
          first = side;
          abort.abort();
        }
        return r;
      },
      (e: unknown) => {
        if (first === null) {
          first = side;
          abort.abort();
        }
        throw e;
      },
    );
  const common = { reject: false, timeoutMs: opts.timeoutMs, signal: abort.signal } as const;
  const writer = watch('to', to.runner.run(to.argv, { ...common, stdinStream: counter }));
  // A writer that has gone reads nothing more: let the rest flow away, or the reader's output would stay buffered
  // and its process result (which waits for that output to end) would never come.
  void writer.then(
    () => counter.resume(),
    () => counter.resume(),
  );
  const reader = watch('from', from.runner.run(from.argv, { ...common, stdoutStream: counter }));
  const [r, w] = await Promise.allSettled([reader, writer]);
  opts.signal?.removeEventListener('abort', onOuterAbort);
  opts.onBytes?.(bytes);
  const fromR = outcome(r);
  const toR = outcome(w);
  const ok = fromR.ok && toR.ok;
  const describe = (side: 'from' | 'to') => {
    const o = side === 'from' ? fromR : toR;
    const host = (side === 'from' ? from : to).runner.hostId;
    const why = o.stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ') || (o.exitCode === null ? 'stopped' : `exit ${o.exitCode}`);
    return `${side === 'from' ? 'reading' : 'writing'} on ${host}: ${why}`;
  };
  const failed: 'from' | 'to' | null = ok ? null : (first ?? (fromR.ok ? 'to' : 'from'));
  return {
    ok,
    bytes,
    durationMs: performance.now() - t0,
    from: fromR,
    to: toR,
    error: failed === null ? null : describe(failed),
  };
}
