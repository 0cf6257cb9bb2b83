// No 'server-only' marker: like lib/host, the benchmark script (tsx) uses it too.
import { newNonce } from '@/lib/inventory/batch';
import { RequestLoop } from '@/lib/host/request-loop';
import type { HostRunner } from '@/lib/host/types';
import { dmPollLoopArgv } from './commands';
import { parseDmsetupStatus, parseDmsetupStatusVerbose, type DmDevice, type DmInfo } from './status';

/**
 * One long-lived `dmsetup status -v` loop per host (DM_POLL_LOOP, on a RequestLoop): a poll writes "poll" on its
 * stdin and reads the output up to the end marker. Over ssh every one-shot command starts sshd's session, the
 * user's login shell, the host helper and only then dmsetup, each a process start (tens of ms under emulation, the
 * most of what a poll costs); on the open channel a poll starts dmsetup alone.
 *
 * A stream is recycled after `maxAgeMs` and dropped on any failure: the caller then runs the one-shot command (see
 * readDm in lib/inventory/service.ts), so a broken stream costs one slower poll, never a missing figure.
 *
 * read() keeps each device's UUID from the last verbose poll and asks for plain `dmsetup status` while every
 * device it prints has a known name: at 1000 LVs under emulation `-v` cost ~110 ms more than the plain command
 * (654 vs 546 ms in the lab), all of it info lines that only change with the device set. A name it does not know
 * (a device appeared) or `verbose: true` makes it poll with -v.
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

  /** name -> dm UUID, from the newest verbose poll. */
  private uuids?: Map<string, string>;

  /**
   * The devices and their UUIDs (and, from a verbose poll, state and open count). The UUIDs of a plain poll are
   * those of the last verbose one for the same names: a device removed and made again under the same name, length
   * and target between two verbose polls keeps its old UUID until the next verbose one (the caller asks for one
   * at its slow interval).
   */
  async read(timeoutMs: number, opts: { verbose?: boolean } = {}): Promise<{ devices: DmDevice[]; info: DmInfo[]; verbose: boolean }> {
    const known = this.uuids;
    if (!opts.verbose && known) {
      const out = await this.loop.request({ line: 'status', end: this.end, label: ['dmsetup', 'status'] }, timeoutMs);
      const devices = parseDmsetupStatus(`${out}\n`);
      if (devices.every((d) => known.has(d.name))) return { devices, info: devices.map((d) => ({ name: d.name, uuid: known.get(d.name) ?? '' })), verbose: false };
    }
    const p = parseDmsetupStatusVerbose(await this.poll(timeoutMs));
    this.uuids = new Map(p.info.map((i) => [i.name, i.uuid]));
    return { ...p, verbose: true };
  }

  /** Ends the loop on the host (its stdin closes) and forgets it. */
  close(): void {
    this.loop.close();
  }
}
