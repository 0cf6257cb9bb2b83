// No 'server-only' marker: like lib/host, the benchmark script (tsx) uses it too.
import { PassThrough, Writable } from 'node:stream';
import { CommandError, type HostRunner } from './types';

/**
 * A long-lived command on a host that answers requests, one at a time: Cowherd writes a request line on its stdin
 * and reads its stdout up to the request's end marker. Over ssh every one-shot command starts sshd's session, the
 * user's login shell and the host helper before the command itself (each a process start, tens of ms under
 * emulation); on the open channel a request starts only what it runs. The command ends when its stdin closes
 * (Cowherd closed the channel or exited).
 *
 * Requests are serialised. A loop is recycled after `maxAgeMs` (a fresh ssh channel now and then) and dropped on
 * any failure (an exit status other than 0, the command ending, a timeout): the caller then runs its one-shot
 * command, so a broken loop costs one slower read, never a missing one.
 */
export interface LoopRequest {
  /** The line written on the loop's stdin (without the newline). */
  line: string;
  /** The end of the answer: a regular expression whose group 1 is the exit status; everything before it is the answer. */
  end: RegExp;
  /** What a failure names as the command (never the loop's whole script). */
  label: readonly string[];
}

export class RequestLoop {
  private cur?: LoopProcess;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runner: HostRunner,
    /** The loop's argv; called for every new loop (a fresh nonce each time). */
    private readonly argv: () => string[],
    private readonly maxAgeMs = 3_600_000,
  ) {}

  /** The answer to one request, or a CommandError (exit status, a loop that ended, a timeout). */
  request(req: LoopRequest, timeoutMs: number): Promise<string> {
    const p = this.queue.then(() => this.requestNow(req, timeoutMs));
    this.queue = p.catch(() => undefined);
    return p;
  }

  /** Ends the loop on the host (its stdin closes) and forgets it. */
  close(): void {
    const s = this.cur;
    this.cur = undefined;
    s?.end();
  }

  private requestNow(req: LoopRequest, timeoutMs: number): Promise<string> {
    if (this.cur && (this.cur.ended || Date.now() - this.cur.startedAt > this.maxAgeMs)) this.close();
    const s = (this.cur ??= new LoopProcess(this.runner, this.argv(), this.maxAgeMs));
    return s.request(req, timeoutMs).catch((e: unknown) => {
      if (this.cur === s) this.close();
      s.abort();
      throw e;
    });
  }
}

class LoopProcess {
  readonly startedAt = Date.now();
  ended = false;
  private readonly input = new PassThrough();
  private readonly ac = new AbortController();
  /** The answer so far, one character per byte (latin1), so a marker is found whatever bytes stand around it. */
  private carry = '';
  private pending?: { req: LoopRequest; end: RegExp; resolve: (out: string) => void; reject: (e: Error) => void };
  private endError?: Error;
  private readonly hostId: string;

  constructor(runner: HostRunner, argv: string[], maxAgeMs: number) {
    this.hostId = runner.hostId;
    const sink = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        const from = Math.max(0, this.carry.length - 256);
        this.carry += chunk.toString('latin1');
        this.match(from);
        done();
      },
    });
    runner
      // A backstop a little past the recycling age: the loop itself never ends on its own.
      .run(argv, { stdinStream: this.input, stdoutStream: sink, timeoutMs: maxAgeMs + 600_000, signal: this.ac.signal, reject: true })
      .then(
        () => this.finish(new CommandError({ hostId: runner.hostId, argv: argv.slice(0, 2), exitCode: 0, stdout: '', stderr: '', failure: 'exit', message: 'the loop on the host ended' })),
        (e: unknown) => this.finish(e instanceof Error ? e : new Error(String(e))),
      );
  }

  private match(from: number): void {
    const p = this.pending;
    if (!p) return;
    p.end.lastIndex = from;
    const m = p.end.exec(this.carry);
    if (!m) return;
    const out = Buffer.from(this.carry.slice(0, m.index), 'latin1').toString('utf8');
    this.carry = this.carry.slice(m.index + m[0].length);
    this.pending = undefined;
    const code = Number(m[1]);
    if (code === 0) p.resolve(out);
    else p.reject(new CommandError({ hostId: this.hostId, argv: [...p.req.label], exitCode: code, stdout: out, stderr: '', failure: 'exit' }));
  }

  request(req: LoopRequest, timeoutMs: number): Promise<string> {
    if (this.ended) return Promise.reject(this.endError ?? new Error('the loop on the host ended'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        reject(new CommandError({ hostId: this.hostId, argv: [...req.label], exitCode: null, stdout: '', stderr: '', failure: 'timeout', message: `${req.label.join(' ')}: no answer on the loop in ${Math.round(timeoutMs / 1000)} s` }));
      }, timeoutMs);
      timer.unref();
      this.pending = {
        req,
        // Global, so that a search starts where the last chunk's left off (lastIndex).
        end: new RegExp(req.end.source, 'g'),
        resolve: (out) => {
          clearTimeout(timer);
          resolve(out);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.carry = '';
      this.input.write(`${req.line}\n`);
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
