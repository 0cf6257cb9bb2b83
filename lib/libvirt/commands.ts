/**
 * virsh argv builders (libvirt 9). Pure: argv in, nothing run.
 *
 * - The domain is always passed as `--domain NAME`, so a name starting with "-" can never be read as an option.
 *   virsh resolves that argument by ID, then UUID, then name: a domain named "2" or named like a UUID can
 *   collide with another domain's ID/UUID. isAmbiguousDomainName() tells; callers that act on such a domain
 *   should pass its UUID instead.
 * - `uri` adds `--connect URI`. Without it virsh uses its default URI, which is qemu:///system for root (the
 *   lab) but qemu:///session for any other user: pass 'qemu:///system' when the host user is not root.
 * - The cheapest full listing is domstatsArgv(): one command, every domain (running or not) with its state and
 *   each disk's target and source path (recorded: fixtures/domstats-state-block.txt, ~0.5 s in the lab).
 *   It does not give a disk's type or device, nor the pool/volume of a type='volume' disk of a shut-off
 *   domain: domblklistArgv() or dumpxmlArgv() per domain give those.
 */

export interface VirshOptions {
  /** libvirt connection URI, e.g. 'qemu:///system'. */
  uri?: string;
}

function virsh(options: VirshOptions, ...args: string[]): string[] {
  return ['virsh', ...(options.uri ? ['--connect', options.uri] : []), ...args];
}

function domain(name: string): string[] {
  if (name === '') throw new Error('virsh argv: empty domain name');
  return ['--domain', name];
}

/** The JSON argument of the guest-agent ping. */
export const GUEST_PING = '{"execute":"guest-ping"}';

/** True when virsh could resolve `name` as a domain ID or UUID instead of a name. */
export function isAmbiguousDomainName(name: string): boolean {
  return /^\d+$/.test(name) || /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(name);
}

/** `virsh list --all --name`: one name per line. */
export function listNamesArgv(options: VirshOptions = {}): string[] {
  return virsh(options, 'list', '--all', '--name');
}

/** `virsh list --all`: the Id/Name/State table. */
export function listAllArgv(options: VirshOptions = {}): string[] {
  return virsh(options, 'list', '--all');
}

/** `virsh domstats --state --block`: every domain with its state and disks in one command. */
export function domstatsArgv(options: VirshOptions = {}): string[] {
  return virsh(options, 'domstats', '--state', '--block');
}

/** `virsh domstate --domain NAME`. */
export function domstateArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'domstate', ...domain(name));
}

/** `virsh domblklist --domain NAME --details`: Type, Device, Target, Source. */
export function domblklistArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'domblklist', ...domain(name), '--details');
}

/** `virsh dumpxml --domain NAME` (the live XML of a running domain; add `inactive` for the persistent one). */
export function dumpxmlArgv(name: string, options: VirshOptions & { inactive?: boolean } = {}): string[] {
  return virsh(options, 'dumpxml', ...domain(name), ...(options.inactive ? ['--inactive'] : []));
}

/** `virsh qemu-agent-command --domain NAME --cmd '{"execute":"guest-ping"}'`; the JSON is one argument. */
export function agentPingArgv(name: string, options: VirshOptions & { timeoutSeconds?: number } = {}): string[] {
  const timeout = options.timeoutSeconds === undefined ? [] : ['--timeout', String(options.timeoutSeconds)];
  return virsh(options, 'qemu-agent-command', ...domain(name), ...timeout, '--cmd', GUEST_PING);
}

/** `virsh domfsfreeze --domain NAME`: needs the guest agent. Always thaw afterwards, even on failure. */
export function domfsfreezeArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'domfsfreeze', ...domain(name));
}

/** `virsh domfsthaw --domain NAME`. */
export function domfsthawArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'domfsthaw', ...domain(name));
}

/** `virsh suspend --domain NAME`: the crash-consistent fallback when there is no agent. */
export function suspendArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'suspend', ...domain(name));
}

/** `virsh resume --domain NAME`. */
export function resumeArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'resume', ...domain(name));
}

/** `virsh shutdown --domain NAME` (ACPI; the guest may ignore it). */
export function shutdownArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'shutdown', ...domain(name));
}

/** `virsh destroy --domain NAME`: hard power-off. Only after the user agreed. */
export function destroyArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'destroy', ...domain(name));
}

/** `virsh start --domain NAME`. */
export function startArgv(name: string, options: VirshOptions = {}): string[] {
  return virsh(options, 'start', ...domain(name));
}
