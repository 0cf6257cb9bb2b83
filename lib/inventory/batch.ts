import { randomBytes } from 'node:crypto';
import { shellJoin } from '@/lib/host/quote';
import { listUuidNamesArgv, virshBatchArgv } from '@/lib/libvirt/commands';

/**
 * One inventory refresh is one remote execution: `sh -c SCRIPT` runs vgs, lvs, dmsetup and ONE virsh on the host at
 * the same time (measured: concurrent commands beat the same commands one after the other, see `npm run bench`) and
 * prints each result as a section. The script is built only from constant argv (quoted by shellJoin); domain
 * identifiers come from virsh itself and are UUIDs, checked against a strict pattern before they reach virsh's own
 * command parser.
 *
 * Framing: every read has its own nonce (16 random bytes, hex). Each section is two parts, each after a header
 *     @@cowherd-<nonce> <name> o <exit code>\n<stdout>@@cowherd-<nonce> <name> e\n<stderr>
 * and the answer is split at the nonce's marker wherever it occurs, so a payload needs no length and nothing a host
 * prints can forge a section: the nonce is made for this read and exists on the host only while the read runs.
 *
 * Cost (issue 15: the full refresh should cost what its commands cost): the outputs go to nonce-named files made
 * by the shell's own redirections (noclobber refuses one that exists), the headers are written by printf (a
 * builtin), ONE `cat` prints everything and the files are removed in the background after it; no mktemp, wc, grep
 * or trap on the read's path. And ONE virsh process answers everything libvirt is asked, as a batch:
 *     echo <marker>:domstats; domstats --state --block; echo <marker>:uuids; list --all --uuid --name;
 *     echo <marker>:agents; echo @@dom UUID; dumpxml UUID; ... echo @@end
 * (recorded in the lab, libvirt 9: virsh connects before it runs a batch and exits 1 with nothing on stdout when it
 * cannot; a failed command inside the batch, such as the dumpxml of a domain undefined since the last read, prints
 * its error and the batch goes on.) Each virsh process costs about what a vgs does under emulation, so three of them
 * (as until 2026-11-30) made the full refresh twice its floor.
 *
 * UUIDs: operations act on guests by UUID (a name such as "3" could be read by virsh as another domain's ID), so
 * `virsh list --all --uuid --name` ("UUID NAME" per line in libvirt 9) gives every domain's UUID; domstats, which
 * gives states and disks, prints names only.
 *
 * The guest agent: libvirt marks the agent's virtio channel `state='connected'` once the agent in the guest has
 * opened it, and refuses agent commands (freeze, thaw) while it is not. That state is read from each domain's
 * live XML (a shut-off domain's XML has no state), which costs nothing per guest; a guest-ping would wait for
 * its timeout on every guest without one.
 */
export const SECTION = '@@cowherd';
export const AGENT_CHANNEL = 'org.qemu.guest_agent.0';

const NONCE = /^[0-9a-f]{16,64}$/;

/** A fresh nonce for one read. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export interface BatchSpec {
  vgs: readonly string[];
  lvs: readonly string[];
  /** virsh connection URI; null to skip libvirt. */
  libvirtUri: string | null;
  /**
   * The UUIDs of the domains that ran at the last read: their XML (for the agent channel's state) is read by the
   * same virsh process as everything else instead of after a `virsh list`. A guest started since then shows its
   * agent at the next full read. Absent (the first read): a second virsh lists the domains, then reads every
   * domain's XML, alongside the first.
   */
  agentUuids?: readonly string[];
  /** This read's nonce (newNonce()). */
  nonce: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The virsh batch commands ("echo @@dom UUID; dumpxml UUID; ... echo @@end") for the agent channels of these domains. */
export function agentBatch(uuids: readonly string[]): string {
  return `${uuids
    .filter((u) => UUID.test(u))
    .map((u) => `echo @@dom ${u}; dumpxml ${u}; `)
    .join('')}echo @@end`;
}

/** The marker that starts a part of the virsh batch's output (`virsh echo` prints it on a line of its own). */
const virshPart = (nonce: string, part: VirshPart) => `${SECTION}-${nonce}:${part}`;
type VirshPart = 'domstats' | 'uuids' | 'agents';

export function inventoryScript(spec: BatchSpec): string {
  const { nonce } = spec;
  if (!NONCE.test(nonce)) throw new Error('inventory script: invalid nonce');
  const names = ['vgs', 'lvs'];
  const lines = [
    'set -u',
    'umask 077',
    // Noclobber: a redirection never writes into a file that is already there (a link someone placed, say).
    'set -C',
    'd=${TMPDIR:-/tmp}',
    // File names go unquoted into cat and rm below: a temporary directory with odd characters is not used.
    'case $d in /*) ;; *) d=/tmp;; esac',
    'case $d in *[!A-Za-z0-9/._-]*) d=/tmp;; esac',
    `p=$d/cowherd-inv.${nonce}`,
    // sec NAME CMD...: CMD's stdout and stderr in $p.NAME.o/.e, and the two headers that frame them.
    `sec() { n=$1; shift; "$@" >"$p.$n.o" 2>"$p.$n.e"; r=$?; ` +
      `printf '${SECTION}-${nonce} %s o %s\\n' "$n" "$r" >"$p.$n.ho"; printf '${SECTION}-${nonce} %s e\\n' "$n" >"$p.$n.he"; }`,
    // out NAME...: every section in the given order with ONE cat; the files go in the background afterwards.
    'out() {',
    '  f=""; for n; do f="$f $p.$n.ho $p.$n.o $p.$n.he $p.$n.e"; done',
    '  cat $f; r=$?',
    '  rm -f $f </dev/null >/dev/null 2>&1 &',
    '  return $r',
    '}',
    `sec vgs ${shellJoin(spec.vgs)} &`,
    `sec lvs ${shellJoin(spec.lvs)} &`,
  ];
  if (!spec.libvirtUri) {
    lines.push('wait', `out ${names.join(' ')}`);
    return lines.join('\n');
  }
  const uri = spec.libvirtUri;
  // Not quiet (-q): with it, virsh's echo prints no newline.
  const virsh = shellJoin(virshBatchArgv({ uri }));
  const head = `echo ${virshPart(nonce, 'domstats')}; domstats --state --block; echo ${virshPart(nonce, 'uuids')}; list --all --uuid --name`;
  lines.push(`if ! command -v virsh >/dev/null 2>&1; then wait; sec virsh-absent true; out ${names.join(' ')} virsh-absent; exit 0; fi`);
  if (spec.agentUuids) {
    lines.push(`sec virsh ${virsh} ${shellJoin([`${head}; echo ${virshPart(nonce, 'agents')}; ${agentBatch(spec.agentUuids)}`])} &`, 'wait');
    lines.push(`out ${names.join(' ')} virsh`);
    return lines.join('\n');
  }
  // The first read: no UUIDs known yet. A second virsh lists every domain, then reads each one's XML.
  lines.push(
    `sec virsh ${virsh} ${shellJoin([head])} &`,
    '{',
    `  sec uuids ${shellJoin(listUuidNamesArgv({ uri, quiet: true }))}`,
    '  b=""',
    '  while read -r u _; do',
    '    case "$u" in *[!0-9a-f-]*|"") continue;; esac',
    '    b="$b echo @@dom $u; dumpxml $u;"',
    '  done <"$p.uuids.o"',
    `  sec agents ${virsh} "$b echo @@end"`,
    '} &',
    'wait',
    `out ${names.join(' ')} virsh uuids agents`,
  );
  return lines.join('\n');
}

export interface Section {
  name: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Sections {
  /** The nonce the answer was framed with (its first header names it). */
  nonce: string;
  sections: Map<string, Section>;
}

/**
 * Split the script's answer into its sections at the nonce's marker. The nonce is read from the first header (the
 * answer starts with one: nothing a host command prints comes before it) and, when the caller knows it, checked.
 */
export function splitSections(output: string, expectedNonce?: string): Sections {
  const buf = Buffer.from(output, 'utf8');
  const first = new RegExp(`^${SECTION}-([0-9a-f]{16,64}) `).exec(buf.subarray(0, 100).toString('latin1'));
  if (!first?.[1]) throw new Error('inventory output: expected a section header at byte 0');
  const nonce = first[1];
  if (expectedNonce !== undefined && nonce !== expectedNonce) throw new Error("inventory output: not this read's answer (another nonce)");
  const marker = Buffer.from(`${SECTION}-${nonce} `);
  const parts: Buffer[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const next = buf.indexOf(marker, pos + marker.length);
    const end = next < 0 ? buf.length : next;
    parts.push(buf.subarray(pos + marker.length, end));
    pos = end;
  }
  const sections = new Map<string, Section>();
  for (let i = 0; i < parts.length; i += 2) {
    const o = header(parts[i]!);
    const e = parts[i + 1] === undefined ? null : header(parts[i + 1]!);
    if (o.part !== 'o' || o.exitCode === null || !e || e.part !== 'e' || e.name !== o.name) {
      throw new Error(`inventory output: section ${o.name} is truncated`);
    }
    sections.set(o.name, { name: o.name, exitCode: o.exitCode, stdout: o.payload, stderr: e.payload });
  }
  return { nonce, sections };
}

function header(part: Buffer): { name: string; part: string; exitCode: number | null; payload: string } {
  const nl = part.indexOf(0x0a);
  if (nl < 0) throw new Error('inventory output: truncated section header');
  const [name, which, rc] = part.subarray(0, nl).toString('utf8').split(' ');
  if (!name || (which !== 'o' && which !== 'e') || (which === 'o' && !/^\d+$/.test(rc ?? ''))) {
    throw new Error(`inventory output: bad section header "${part.subarray(0, nl).toString('utf8')}"`);
  }
  return { name, part: which, exitCode: which === 'o' ? Number(rc) : null, payload: part.subarray(nl + 1).toString('utf8') };
}

/** The inverse of splitSections (recorded fixtures and tests are written with it). */
export function frameSections(nonce: string, sections: readonly Section[]): string {
  return sections
    .map((s) => `${SECTION}-${nonce} ${s.name} o ${s.exitCode}\n${s.stdout}${SECTION}-${nonce} ${s.name} e\n${s.stderr}`)
    .join('');
}

/** The parts of the virsh batch's stdout (domstats, uuids, agents), at the markers its echo printed. */
export function splitVirshBatch(stdout: string, nonce: string): Map<VirshPart, string> {
  const parts = new Map<VirshPart, string>();
  const re = new RegExp(`^${SECTION}-${nonce}:(domstats|uuids|agents)\\n`, 'gm');
  const hits = [...stdout.matchAll(re)];
  hits.forEach((h, i) => {
    const from = h.index + h[0].length;
    const to = hits[i + 1]?.index ?? stdout.length;
    parts.set(h[1] as VirshPart, stdout.slice(from, to));
  });
  return parts;
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

// ---- the full read on a long-lived loop (issue 15: the full refresh at what its commands cost) ---------------------

/** A domain UUID as a sh `case` pattern (lowercase, 8-4-4-4-12), as the host helper checks one. */
const HEX = '[0-9a-f]';
export const UUID_CASE = `${HEX.repeat(8)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(4)}-${HEX.repeat(12)}`;

/** The sections the loop may print (each has its four files, made once when the loop starts). */
const LOOP_SECTIONS = ['vgs', 'lvs', 'virsh', 'uuids', 'agents', 'virsh-absent'] as const;

/**
 * The full read as a loop (FullReadStream, on a RequestLoop): the same commands and the same sections as
 * inventoryScript (without `dm`: see refreshInventory in lib/inventory/service.ts), for every request line
 *     full NONCE first                 (no domain known yet: list them, then read each one's XML)
 *     full NONCE known [UUID ...]      (the agent channels of these domains, read by the one virsh)
 * then "@@cowherd-NONCE.end STATUS" on a line of its own. Anything else on stdin ends the loop, as does its end.
 *
 * What it saves against the one-shot script: the ssh session, the login shell and the host helper of every read
 * (the loop pays them once an hour), and the background `rm` of the section files, which are made once when the
 * loop starts (with noclobber: never a file someone else placed) and rewritten by each read; they are removed when
 * the loop ends. The nonce of each read comes on stdin (never in an argv another user could read with ps), is
 * checked as 32 hex digits, and frames that read's answer as in inventoryScript. The domain UUIDs are checked word
 * by word against UUID_CASE before any reaches virsh's command parser; the URI is the loop's argument (the host
 * helper checks it as it checks the one-shot read's).
 */
export function inventoryLoopScript(spec: { vgs: readonly string[]; lvs: readonly string[] }): string {
  const files = LOOP_SECTIONS.flatMap((n) => ['ho', 'o', 'he', 'e'].map((x) => `"$p.${n}.${x}"`)).join(' ');
  const marker = (part: VirshPart) => `echo ${SECTION}-$k:${part}`;
  const head = `${marker('domstats')}; domstats --state --block; ${marker('uuids')}; list --all --uuid --name`;
  return [
    'set -u',
    'set -f',
    'umask 077',
    'uri=$1',
    'd=${TMPDIR:-/tmp}',
    'case $d in /*) ;; *) d=/tmp;; esac',
    'case $d in *[!A-Za-z0-9/._-]*) d=/tmp;; esac',
    // The loop's own prefix ($2: hex, checked by the host helper, only a name: the files are made with noclobber).
    'case $2 in ""|*[!0-9a-f]*) exit 2;; esac',
    'p=$d/cowherd-inv.$2',
    // Made with noclobber (a file already there fails, and only the files made so far are removed), by `true`: a
    // failed redirection of a special builtin such as `:` would end the shell before `|| exit 3`.
    'set -C',
    'm=""',
    `for f in ${files}; do true 2>/dev/null >"$f" || { rm -f $m; exit 3; }; m="$m $f"; done`,
    'set +C',
    `trap 'rm -f ${files}' EXIT`,
    "trap 'exit 129' HUP",
    "trap 'exit 141' PIPE",
    "trap 'exit 143' TERM",
    // sec NAME CMD...: CMD's stdout and stderr in $p.NAME.o/.e (our own files, rewritten), and the two headers.
    `sec() { n=$1; shift; "$@" </dev/null >|"$p.$n.o" 2>|"$p.$n.e"; r=$?; ` +
      `printf '${SECTION}-%s %s o %s\\n' "$k" "$n" "$r" >|"$p.$n.ho"; printf '${SECTION}-%s %s e\\n' "$k" "$n" >|"$p.$n.he"; }`,
    `out() { f=""; for n; do f="$f $p.$n.ho $p.$n.o $p.$n.he $p.$n.e"; done; cat $f; printf '${SECTION}-%s.end %s\\n' "$k" "$?"; }`,
    'while read -r req k how rest; do',
    '  case $req in full) ;; *) exit 2;; esac',
    '  case $k in *[!0-9a-f]*) exit 2;; esac',
    '  [ ${#k} -eq 32 ] || exit 2',
    '  b=""',
    '  case $how in',
    '    first) [ -z "$rest" ] || exit 2;;',
    `    known) for u in $rest; do case $u in ${UUID_CASE}) b="$b echo @@dom $u; dumpxml $u;";; *) exit 2;; esac; done;;`,
    '    *) exit 2;;',
    '  esac',
    `  sec vgs ${shellJoin(spec.vgs)} &`,
    `  sec lvs ${shellJoin(spec.lvs)} &`,
    '  if ! command -v virsh >/dev/null 2>&1; then wait; sec virsh-absent true; out vgs lvs virsh-absent; continue; fi',
    '  if [ "$how" = known ]; then',
    `    sec virsh virsh --connect "$uri" "${head}; ${marker('agents')}; $b echo @@end" &`,
    '    wait',
    '    out vgs lvs virsh',
    '    continue',
    '  fi',
    `  sec virsh virsh --connect "$uri" "${head}" &`,
    '  {',
    '    sec uuids virsh -q --connect "$uri" list --all --uuid --name',
    '    while read -r u _; do',
    `      case $u in ${UUID_CASE}) b="$b echo @@dom $u; dumpxml $u;";; esac`,
    '    done <"$p.uuids.o"',
    '    sec agents virsh --connect "$uri" "$b echo @@end"',
    '  } &',
    '  wait',
    '  out vgs lvs virsh uuids agents',
    'done',
  ].join('\n');
}

/** A full-read request line for the loop (agentUuids as in BatchSpec: undefined at the first read). */
export function inventoryLoopRequest(nonce: string, agentUuids?: readonly string[]): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('inventory loop: invalid nonce');
  if (agentUuids === undefined) return `full ${nonce} first`;
  return ['full', nonce, 'known', ...agentUuids.filter((u) => UUID.test(u))].join(' ');
}

/** The end of one answer on the loop. */
export function inventoryLoopEnd(nonce: string): RegExp {
  return new RegExp(`${SECTION}-${nonce}\\.end (\\d+)\\n`);
}
