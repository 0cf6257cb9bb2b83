import { shellJoin } from '@/lib/host/quote';
import { domstatsArgv, listUuidNamesArgv, virshBatchArgv } from '@/lib/libvirt/commands';

/**
 * One inventory refresh is one remote execution: `sh -c SCRIPT` runs vgs, lvs and virsh on the host at the same
 * time (measured: concurrent commands beat the same commands one after the other, see `npm run bench`) and prints
 * each result as a section, always in the same order. The script is built only from constant argv (quoted by
 * shellJoin); domain identifiers come from virsh itself and are UUIDs, checked against a strict pattern before
 * they reach virsh's own command parser.
 *
 * Section format, one per command:   @@cowherd <name> <exit code> <stdout bytes> <stderr bytes>\n<stdout><stderr>
 * Byte counts (not markers inside the text) delimit the payloads, so nothing a host prints can forge a section.
 *
 * UUIDs: operations act on guests by UUID (a name such as "3" could be read by virsh as another domain's ID), so
 * `virsh list --all --uuid --name` ("UUID NAME" per line in libvirt 9, recorded in the lab) gives every domain's
 * UUID; domstats, which gives states and disks, prints names only.
 *
 * The guest agent: libvirt marks the agent's virtio channel `state='connected'` once the agent in the guest has
 * opened it, and refuses agent commands (freeze, thaw) while it is not. That state is read from each domain's
 * live XML (a shut-off domain's XML has no state), which costs nothing per guest; a guest-ping would wait for
 * its timeout on every guest without one.
 */
export const SECTION = '@@cowherd';
export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

export interface BatchSpec {
  vgs: readonly string[];
  lvs: readonly string[];
  /** virsh connection URI; null to skip libvirt. */
  libvirtUri: string | null;
  /** `dmsetup status -v`: the device set and fill of the same moment, so the fast poll knows what it starts from. */
  dm?: readonly string[];
  /**
   * The UUIDs of the domains that ran at the last read: their XML (for the agent channel's state) is read at the same
   * time as everything else instead of after a `virsh list`, which kept the whole read waiting for two virsh
   * processes in a row. A guest started since then shows its agent at the next full read. Absent (the first read):
   * list first, then read every domain's XML.
   */
  agentUuids?: readonly string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The virsh batch ("echo @@dom UUID; dumpxml UUID; ... echo @@end") for the agent channels of these domains. */
export function agentBatch(uuids: readonly string[]): string | null {
  const valid = uuids.filter((u) => UUID.test(u));
  if (valid.length === 0) return null;
  return `${valid.map((u) => `echo @@dom ${u}; dumpxml ${u};`).join(' ')} echo @@end`;
}

/**
 * The framing costs two helper processes in all (one `wc -c` for every output file, one `cat` of every header and
 * output), not three per section: under emulation each process start costs tens of milliseconds, and the poll
 * runs this on every full refresh. Headers are written by the shell's own printf; exit codes by echo.
 */
export function inventoryScript(spec: BatchSpec): string {
  const names = ['vgs', 'lvs', ...(spec.dm ? ['dm'] : [])];
  const lines = [
    'set -u',
    'umask 077',
    't=$(mktemp -d) || exit 70',
    // Output file names go unquoted into wc and cat below: refuse a temporary directory with odd characters.
    'case $t in *[!A-Za-z0-9/._-]*) exit 70;; esac',
    "trap 'rm -rf \"$t\"' EXIT",
    // sec NAME CMD...: run CMD with its outputs and exit code in $t/NAME.{o,e,rc}.
    'sec() { n=$1; shift; "$@" >"$t/$n.o" 2>"$t/$n.e"; echo $? >"$t/$n.rc"; }',
    // empty NAME: a section with no output (exit 0).
    'empty() { : >"$t/$1.o"; : >"$t/$1.e"; echo 0 >"$t/$1.rc"; }',
    // out NAME...: write every section, header first, in the given order (byte counts from ONE wc).
    'out() {',
    '  f=""; for n; do f="$f $t/$n.o $t/$n.e"; done',
    '  wc -c $f >"$t/sizes"',
    '  all=""',
    '  { for n; do read so _; read se _; read rc <"$t/$n.rc"; ' +
      `printf '${SECTION} %s %s %s %s\\n' "$n" "$rc" "$so" "$se" >"$t/$n.h"; all="$all $t/$n.h $t/$n.o $t/$n.e"; done; } <"$t/sizes"`,
    '  cat $all',
    '}',
    `sec vgs ${shellJoin(spec.vgs)} &`,
    `sec lvs ${shellJoin(spec.lvs)} &`,
  ];
  if (spec.dm) lines.push(`sec dm ${shellJoin(spec.dm)} &`);
  if (!spec.libvirtUri) {
    lines.push('wait', `out ${names.join(' ')}`);
    return lines.join('\n');
  }
  const uri = spec.libvirtUri;
  // Not quiet for the agent batch: with -q, virsh's echo prints no newline.
  const virshBatch = shellJoin(virshBatchArgv({ uri }));
  lines.push(
    `if ! command -v virsh >/dev/null 2>&1; then wait; empty virsh-absent; out ${names.join(' ')} virsh-absent; exit 0; fi`,
    // State and disks of every domain, running or not, in one call.
    `sec domstats ${shellJoin(domstatsArgv({ uri, quiet: true }))} &`,
    // The XML of every domain in ONE virsh process ("echo @@dom UUID; dumpxml UUID; ... echo @@end"), of which
    // only the markers and the agent channel's line travel back.
    `agents() { ${virshBatch} "$1" >"$t/ax" || return $?; grep -E '^@@|${AGENT_CHANNEL.replaceAll('.', '\\.')}' "$t/ax"; return 0; }`,
  );
  const list = shellJoin(listUuidNamesArgv({ uri, quiet: true }));
  if (spec.agentUuids) {
    // Every domain's UUID and the agent channels of the domains that ran at the last read, at the same time.
    const batch = agentBatch(spec.agentUuids);
    lines.push(`sec uuids ${list} &`, batch ? `sec agents agents ${shellJoin([batch])} &` : 'empty agents');
  } else {
    lines.push(
      '{',
      // Every domain, running or not: "UUID NAME"; then the XML of each.
      `  sec uuids ${list}`,
      '  b=""',
      '  while read -r u _; do',
      '    case "$u" in *[!0-9a-f-]*|"") continue;; esac',
      '    b="$b echo @@dom $u; dumpxml $u;"',
      '  done <"$t/uuids.o"',
      '  if [ -n "$b" ]; then sec agents agents "$b echo @@end"; else empty agents; fi',
      '} &',
    );
  }
  lines.push(
    'wait',
    `out ${names.join(' ')} domstats uuids agents`,
  );
  return lines.join('\n');
}

export interface Section {
  name: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Split the script's output into its sections, by the byte counts in each header. */
export function splitSections(output: string): Map<string, Section> {
  const buf = Buffer.from(output, 'utf8');
  const sections = new Map<string, Section>();
  let pos = 0;
  const header = Buffer.from(`${SECTION} `);
  while (pos < buf.length) {
    if (!buf.subarray(pos, pos + header.length).equals(header)) {
      throw new Error(`inventory output: expected a section header at byte ${pos}`);
    }
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) throw new Error('inventory output: truncated section header');
    const parts = buf.subarray(pos + header.length, nl).toString('utf8').trim().split(/\s+/);
    const [name, rc, outLen, errLen] = parts;
    if (!name || rc === undefined || outLen === undefined || errLen === undefined) {
      throw new Error(`inventory output: bad section header "${parts.join(' ')}"`);
    }
    const o = Number(outLen);
    const e = Number(errLen);
    const start = nl + 1;
    if (start + o + e > buf.length) throw new Error(`inventory output: section ${name} is truncated`);
    sections.set(name, {
      name,
      exitCode: Number(rc),
      stdout: buf.subarray(start, start + o).toString('utf8'),
      stderr: buf.subarray(start + o, start + o + e).toString('utf8'),
    });
    pos = start + o + e;
  }
  return sections;
}

/** Domains from `virsh list --all --uuid --name`: uuid -> name. */
export function parseUuidNames(stdout: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const hit = /^([0-9a-f-]{36})\s+(.+)$/.exec(line.trim());
    if (hit?.[1] && hit[2]) m.set(hit[1], hit[2]);
  }
  return m;
}

/**
 * The agent batch (see inventoryScript): the uuids whose guest agent channel libvirt reports connected, from lines
 * like <target type='virtio' name='org.qemu.guest_agent.0' state='connected'/> after each "@@dom UUID" marker.
 */
export function parseAgents(stdout: string): Set<string> {
  const connected = new Set<string>();
  for (const block of stdout.split(/^@@dom /m).slice(1)) {
    const nl = block.indexOf('\n');
    const uuid = (nl < 0 ? block : block.slice(0, nl)).trim();
    const body = (nl < 0 ? '' : block.slice(nl + 1)).split(/^@@end/m)[0] ?? '';
    const channel = body.split('\n').find((l) => l.includes(`name='${AGENT_CHANNEL}'`) || l.includes(`name="${AGENT_CHANNEL}"`));
    if (channel && /\bstate=['"]connected['"]/.test(channel)) connected.add(uuid);
  }
  return connected;
}
