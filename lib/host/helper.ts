// Not server-only: pure logic over a runner it is given (lib/host/ssh.ts uses it; scripts import ssh.ts).
import { helperVersionLine } from './verbs';

import type { HelperStatus } from './helper-status';

export type { HelperStatus };

/** Reads `cowherd-host version` through the host's key and compares it with this Cowherd's helper. */
export interface VersionAsker {
  readonly hostId: string;
  helperVersion(): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

export async function checkHelper(runner: VersionAsker): Promise<HelperStatus> {
  const expected = helperVersionLine();
  const fix = `run \`npm run host:install -- ${runner.hostId}\` on the Cowherd server`;
  try {
    const r = await runner.helperVersion();
    const found = r.stdout.trim().split('\n')[0] ?? '';
    if (r.exitCode === 0 && found === expected) return { status: 'ok', found, expected };
    if (r.exitCode === 0 && found.startsWith('cowherd-host ')) {
      return { status: 'outdated', found, expected, message: `the host helper on ${runner.hostId} is "${found}", this Cowherd needs "${expected}": ${fix}` };
    }
    return {
      status: 'missing',
      expected,
      message: `the host helper does not answer on ${runner.hostId} (${(r.stderr.trim().split('\n').pop() ?? '') || `exit ${r.exitCode}`}): ${fix}, or set "access": "shell" for this host`,
    };
  } catch (e) {
    return { status: 'unreachable', expected, message: (e as Error).message };
  }
}
