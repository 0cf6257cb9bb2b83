/**
 * virsh argv builders (libvirt 9). Pure: argv in, nothing run.
 *
 * - A domain is a DomainRef: `{ uuid }` (what Cowherd acts on) or a name. It is always passed as `--domain X`,
 *   so nothing can be read as an option. virsh resolves that argument by ID, then UUID, then name: a domain named
 *   "3" would be confused with the domain whose ID is 3, one named like a UUID with that UUID's domain. So a
 *   UUID must look like one, and a name that virsh could read as an ID or UUID (isAmbiguousDomainName) is refused
 *   with an error: act on that guest by its UUID.
 * - `uri` adds `--connect URI`. Without it virsh uses its default URI, which is qemu:///system for root (the
 *   lab) but qemu:///session for any other user: operations always pass the host's URI (config `libvirtUri`).
 * - The cheapest full listing is domstatsArgv(): one command, every domain (running or not) with its state and
 *   each disk's target and source path (recorded: fixtures/domstats-state-block.txt, ~0.5 s in the lab).
 *   It gives neither UUIDs (listUuidNamesArgv() does) nor a disk's type or device.
 */

export interface VirshOptions {
  /** libvirt connection URI, e.g. 'qemu:///system'. */
  uri?: string;
  /** `-q`: no headers or trailing blank lines (what the inventory script parses). */
  quiet?: boolean;
}

/** A domain by UUID (preferred: unique and stable) or by a name that virsh cannot read as an ID or UUID. */
export type DomainRef = string | { uuid: string };

/** libvirt prints UUIDs as 8-4-4-4-12 lowercase hex. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A connection URI: a scheme, "://", and no spaces; never something virsh could read as an option. */
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:\/\/\S*$/;

export const DEFAULT_LIBVIRT_URI = 'qemu:///system';

function virsh(options: VirshOptions, ...args: string[]): string[] {
  if (options.uri !== undefined && !URI_PATTERN.test(options.uri)) {
    throw new Error(`virsh argv: invalid connection URI ${JSON.stringify(options.uri)}`);
  }
  return ['virsh', ...(options.quiet ? ['-q'] : []), ...(options.uri ? ['--connect', options.uri] : []), ...args];
}

/**
 * `virsh [--connect URI]` with no command: virsh then reads one argument as a batch of commands ("echo x;
 * dumpxml UUID; ..."). Only the inventory script uses it, with UUIDs that it checked against a strict pattern.
 */
export function virshBatchArgv(options: VirshOptions = {}): string[] {
  return virsh(options);
}

function domain(ref: DomainRef): string[] {
  if (typeof ref !== 'string') {
    if (!UUID_PATTERN.test(ref.uuid)) throw new Error(`virsh argv: ${JSON.stringify(ref.uuid)} is not a domain UUID`);
    return ['--domain', ref.uuid];
  }
  if (ref === '') throw new Error('virsh argv: empty domain name');
  if (isAmbiguousDomainName(ref)) {
    throw new Error(`virsh argv: the domain name ${JSON.stringify(ref)} could be read as a domain ID or UUID; act on the guest by its UUID`);
  }
  return ['--domain', ref];
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

/**
 * `virsh list --all --uuid --name`: "UUID NAME" per line (libvirt 9: both flags together print both columns,
 * recorded in the lab). Names cannot contain a newline in libvirt, so a line is one domain.
 */
export function listUuidNamesArgv(options: VirshOptions = {}): string[] {
  return virsh(options, 'list', '--all', '--uuid', '--name');
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
export function domstateArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'domstate', ...domain(ref));
}

/** `virsh domblklist --domain NAME --details`: Type, Device, Target, Source. */
export function domblklistArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'domblklist', ...domain(ref), '--details');
}

/** `virsh dumpxml --domain NAME` (the live XML of a running domain; add `inactive` for the persistent one). */
export function dumpxmlArgv(ref: DomainRef, options: VirshOptions & { inactive?: boolean } = {}): string[] {
  return virsh(options, 'dumpxml', ...domain(ref), ...(options.inactive ? ['--inactive'] : []));
}

/** `virsh qemu-agent-command --domain NAME --cmd '{"execute":"guest-ping"}'`; the JSON is one argument. */
export function agentPingArgv(ref: DomainRef, options: VirshOptions & { timeoutSeconds?: number } = {}): string[] {
  const timeout = options.timeoutSeconds === undefined ? [] : ['--timeout', String(options.timeoutSeconds)];
  return virsh(options, 'qemu-agent-command', ...domain(ref), ...timeout, '--cmd', GUEST_PING);
}

/** `virsh domfsfreeze --domain NAME`: needs the guest agent. Always thaw afterwards, even on failure. */
export function domfsfreezeArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'domfsfreeze', ...domain(ref));
}

/** `virsh domfsthaw --domain NAME`. */
export function domfsthawArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'domfsthaw', ...domain(ref));
}

/** `virsh suspend --domain NAME`: the crash-consistent fallback when there is no agent. */
export function suspendArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'suspend', ...domain(ref));
}

/** `virsh resume --domain NAME`. */
export function resumeArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'resume', ...domain(ref));
}

/** `virsh shutdown --domain NAME` (ACPI; the guest may ignore it). */
export function shutdownArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'shutdown', ...domain(ref));
}

/** `virsh destroy --domain NAME`: hard power-off. Only after the user agreed. */
export function destroyArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'destroy', ...domain(ref));
}

/** `virsh start --domain NAME`. */
export function startArgv(ref: DomainRef, options: VirshOptions = {}): string[] {
  return virsh(options, 'start', ...domain(ref));
}
