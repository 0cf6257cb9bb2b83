import 'server-only';
import { config, findHost, type HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { LocalRunner } from './local';
import { checkHelper } from './helper';
import type { HelperStatus } from './helper-status';
import { defaultControlDir, SshRunner } from './ssh';
import type { HostRunner } from './types';

export { CommandError, type HostRunner, type RunOptions, type RunResult } from './types';
export type { HelperStatus } from './helper-status';

const runners = new Map<string, HostRunner>();
const helperChecks = new Map<string, { at: number; p: Promise<HelperStatus> }>();
/** A check that found no working helper is made again after this long (inventory pages poll every few seconds). */
const HELPER_RECHECK_MS = 30_000;

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
    if (r instanceof SshRunner && r.access === 'helper') helperChecks.set(host.id, { at: Date.now(), p: checkHelper(r) });
  }
  return r;
}

/**
 * The host helper's state on a host in helper mode (null for shell and local hosts). A good answer is kept; one that
 * found no working helper is asked again after HELPER_RECHECK_MS (the admin may have run `npm run host:install`).
 */
export async function helperStatus(host: HostConfig): Promise<HelperStatus | null> {
  const r = runnerFor(host);
  if (!(r instanceof SshRunner) || r.access !== 'helper') return null;
  let c = helperChecks.get(host.id);
  if (!c) {
    c = { at: Date.now(), p: checkHelper(r) };
    helperChecks.set(host.id, c);
  }
  const s = await c.p;
  if (s.status !== 'ok' && Date.now() - c.at > HELPER_RECHECK_MS) helperChecks.delete(host.id);
  return s;
}

export function runner(hostId: string): HostRunner {
  const host = findHost(hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  return runnerFor(host);
}

export function hosts(): HostConfig[] {
  return config().hosts;
}
