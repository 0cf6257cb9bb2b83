// No 'server-only' marker: like lib/host, the benchmark script (tsx) uses it too.
import { PassThrough, Writable } from 'node:stream';
import { newNonce } from '@/lib/inventory/batch';
import { CommandError, type HostRunner } from '@/lib/host/types';
import { dmPollLoopArgv } from './commands';

/**
 * One long-lived `dmsetup status -v` loop per host (DM_POLL_LOOP): a poll writes "poll" on its stdin and reads the
 * output up to the end marker. Over ssh every one-shot command starts sshd's session, the user's login shell, the
 * host helper and only then dmsetup, each a process start (tens of ms under emulation, the most of what a poll
 * costs); on the open channel a poll starts dmsetup alone. The loop ends when Cowherd closes its stdin or exits.
 *
 * A stream is recycled after `maxAgeMs` (a fresh ssh channel now and then) and dropped on any failure: the caller
 * then runs the one-shot command (see pollDm in lib/inventory/service.ts), so a broken stream costs one slower
 * poll, never a missing figure.
 */
export class DmPollStream {
  private cur?: Stream;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runner: HostRunner,
    private readonly maxAgeMs = 3_600_000,
  ) {}

  /** The stdout of one `dmsetup status -v`, or a CommandError (exit status, a stream that ended, a timeout). */
  poll(timeoutMs: number): Promise<string> {
    const p = this.queue.then(() => this.pollNow(timeoutMs));
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Ends the loop on the host (its stdin closes) and forgets it. */
  close(): void {
    const s = this.cur;
    this.cur = undefined;
    s?.end();
  }

  private pollNow(timeoutMs: number): Promise<string> {
    if (this.cur && (this.cur.ended || Date.now() - this.cur.startedAt > this.maxAgeMs)) this.close();
    const s = (this.cur ??= new Stream(this.runner, this.maxAgeMs));
    return s.poll(timeoutMs).catch((e: unknown) => {
      if (this.cur === s) this.close();
      s.abort();
      throw e;
    });
  }
}

class Stream {
  readonly startedAt = Date.now();
  readonly nonce = newNonce();
  ended = false;
  private readonly input = new PassThrough();
  private readonly ac = new AbortController();
  private carry = '';
  private pending?: { resolve: (out: string) => void; reject: (e: Error) => void };
  private endError?: Error;
  private readonly argv: string[];
  private readonly hostId: string;

  constructor(runner: HostRunner, maxAgeMs: number) {
    this.hostId = runner.hostId;
    this.argv = dmPollLoopArgv(this.nonce);
    const marker = new RegExp(`\\n@@cowherd-${this.nonce} (\\d+)\\n`);
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.carry += chunk.toString('utf8');
        const m = marker.exec(this.carry);
        if (m) {
          const out = this.carry.slice(0, m.index);
          this.carry = this.carry.slice(m.index + m[0].length);
          const code = Number(m[1]);
          const p = this.pending;
          this.pending = undefined;
          if (code === 0) p?.resolve(`${out}\n`);
          else p?.reject(new CommandError({ hostId: runner.hostId, argv: ['dmsetup', 'status', '-v'], exitCode: code, stdout: out, stderr: '', failure: 'exit' }));
        }
        done();
      },
    });
    runner
      // A backstop a little past the recycling age: the loop itself never ends on its own.
      .run(this.argv, { stdinStream: this.input, stdoutStream: sink, timeoutMs: maxAgeMs + 600_000, signal: this.ac.signal, reject: true })
      .then(
        () => this.finish(new CommandError({ hostId: runner.hostId, argv: this.argv, exitCode: 0, stdout: '', stderr: '', failure: 'exit', message: 'the dm poll loop ended' })),
        (e: unknown) => this.finish(e instanceof Error ? e : new Error(String(e))),
      );
  }

  poll(timeoutMs: number): Promise<string> {
    if (this.ended) return Promise.reject(this.endError ?? new Error('the dm poll loop ended'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new CommandError({ hostId: this.hostId, argv: ['dmsetup', 'status', '-v'], exitCode: null, stdout: '', stderr: '', failure: 'timeout', message: `dmsetup status -v: no answer on the poll loop in ${Math.round(timeoutMs / 1000)} s` }));
      }, timeoutMs);
      timer.unref();
      this.pending = {
        resolve: (out) => {
          clearTimeout(timer);
          resolve(out);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.input.write('poll\n');
    });
  }

  /** Close stdin: the loop reads EOF and exits (the ssh channel closes with it). */
  end(): void {
    this.ended = true;
    this.input.end();
  }

  abort(): void {
    this.ended = true;
    this.ac.abort();
  }

  private finish(e: Error): void {
    this.ended = true;
    this.endError = e;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(e);
  }
}
