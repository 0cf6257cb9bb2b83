// No 'server-only' marker: like lib/host, the benchmark script (tsx) uses it too.
import { newNonce } from '@/lib/inventory/batch';
import { RequestLoop } from '@/lib/host/request-loop';
import type { HostRunner } from '@/lib/host/types';
import { dmPollLoopArgv } from './commands';

/**
 * One long-lived `dmsetup status -v` loop per host (DM_POLL_LOOP, on a RequestLoop): a poll writes "poll" on its
 * stdin and reads the output up to the end marker. Over ssh every one-shot command starts sshd's session, the
 * user's login shell, the host helper and only then dmsetup, each a process start (tens of ms under emulation, the
 * most of what a poll costs); on the open channel a poll starts dmsetup alone.
 *
 * A stream is recycled after `maxAgeMs` and dropped on any failure: the caller then runs the one-shot command (see
 * readDm in lib/inventory/service.ts), so a broken stream costs one slower poll, never a missing figure.
 */
export class DmPollStream {
  private readonly loop: RequestLoop;
  /** The end marker's nonce (in the loop's argv: it only has to be unlike anything dmsetup prints). */
  private readonly nonce = newNonce();
  private readonly end: RegExp;

  constructor(runner: HostRunner, maxAgeMs = 3_600_000) {
    this.loop = new RequestLoop(runner, () => dmPollLoopArgv(this.nonce), maxAgeMs);
    this.end = new RegExp(`\\n@@cowherd-${this.nonce} (\\d+)\\n`);
  }

  /** The stdout of one `dmsetup status -v`, or a CommandError (exit status, a stream that ended, a timeout). */
  async poll(timeoutMs: number): Promise<string> {
    // The marker follows a newline the loop prints (dmsetup's last line may lack one); the answer gets it back.
    const out = await this.loop.request({ line: 'poll', end: this.end, label: ['dmsetup', 'status', '-v'] }, timeoutMs);
    return `${out}\n`;
  }

  /** Ends the loop on the host (its stdin closes) and forgets it. */
  close(): void {
    this.loop.close();
  }
}
