import 'server-only';
import { config, findHost, type HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { LocalRunner } from './local';
import { defaultControlDir, SshRunner } from './ssh';
import type { HostRunner } from './types';

export { CommandError, type HostRunner, type RunOptions, type RunResult } from './types';

const runners = new Map<string, HostRunner>();

export function runnerFor(host: HostConfig): HostRunner {
  let r = runners.get(host.id);
  if (!r) {
    const timeout = env().COWHERD_COMMAND_TIMEOUT_S * 1000;
    r = host.ssh
      ? new SshRunner(host.id, host.ssh, {
          defaultTimeoutMs: timeout,
          controlDir: env().COWHERD_SSH_CONTROL_DIR ?? defaultControlDir(env().COWHERD_DATA_DIR),
        })
      : new LocalRunner(host.id, timeout);
    runners.set(host.id, r);
  }
  return r;
}

export function runner(hostId: string): HostRunner {
  const host = findHost(hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  return runnerFor(host);
}

export function hosts(): HostConfig[] {
  return config().hosts;
}
