import 'server-only';
import { config, findHost, type HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { LocalRunner } from './local';
import type { HelperStatus } from './helper-status';
import { defaultControlDir, SshRunner } from './ssh';
import type { HostRunner } from './types';

export { CommandError, type HostRunner, type RunOptions, type RunResult } from './types';
export type { HelperStatus } from './helper-status';

const runners = new Map<string, HostRunner>();

export function runnerFor(host: HostConfig): HostRunner {
  let r = runners.get(host.id);
  if (!r) {
    const timeout = env().COWHERD_COMMAND_TIMEOUT_S * 1000;
    r = host.ssh
      ? new SshRunner(host.id, host.ssh, {
          defaultTimeoutMs: timeout,
          controlDir: env().COWHERD_SSH_CONTROL_DIR ?? defaultControlDir(env().COWHERD_DATA_DIR),
          access: host.access,
        })
      : new LocalRunner(host.id, timeout);
    runners.set(host.id, r);
    // Issue 16: at the first use of a helper host, ask its helper's version (shown with the host's inventory).
    if (r instanceof SshRunner && r.access === 'helper') void r.helperState();
  }
  return r;
}

/** The host helper's state on a host in helper mode (null for shell and local hosts); see SshRunner.helperState. */
export async function helperStatus(host: HostConfig): Promise<HelperStatus | null> {
  const r = runnerFor(host);
  if (!(r instanceof SshRunner) || r.access !== 'helper') return null;
  return r.helperState();
}

export function runner(hostId: string): HostRunner {
  const host = findHost(hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  return runnerFor(host);
}

export function hosts(): HostConfig[] {
  return config().hosts;
}
