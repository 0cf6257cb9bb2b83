import { spawnCommand } from './exec';
import type { HostRunner, RunOptions, RunResult } from './types';

/** Runs argv on this machine: execa, no shell, a timeout. */
export class LocalRunner implements HostRunner {
  readonly transport = 'local' as const;
  constructor(
    readonly hostId: string,
    private readonly defaultTimeoutMs = 60_000,
  ) {}

  run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined) throw new Error('empty argv');
    return spawnCommand({ hostId: this.hostId, argv, file, args, options, defaultTimeoutMs: this.defaultTimeoutMs });
  }
}
