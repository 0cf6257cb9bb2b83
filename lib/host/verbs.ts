/**
 * The host helper's verb table (issue 16): every command Cowherd runs on a host, as a named verb with typed
 * arguments and the exact argv it stands for. One table drives both sides, so they can never disagree:
 * - Cowherd: toVerbLine(argv) turns a builder's argv into one line of strictly-charset words ("lvremove vg0/web_snap"),
 *   sent as the ssh remote command to a host in "helper" mode (lib/host/helper.ts). An argv with no verb is an error:
 *   it is never sent.
 * - The host: renderHelper() generates `cowherd-host` (deploy/cowherd-host, POSIX sh, committed; a unit test checks
 *   the committed file equals this output). It reads SSH_ORIGINAL_COMMAND, splits it on single spaces (never
 *   evaluates it), checks every argument with the same rules as here (sh `case` patterns), rebuilds the fixed argv
 *   and execs it; anything else is refused with a message, a syslog line and exit 126 (127: unknown verb).
 *
 * ADDING A HOST COMMAND: add its builder (lib/<area>/commands.ts) as usual, then ONE entry in VERBS below: a name and
 * the argv as elements, literals as plain strings and values as arg('kind') (kinds in KINDS; add a kind only when no
 * existing one fits, with the same rule in `ts` and `sh`). `npm run host:generate` rewrites deploy/cowherd-host;
 * verbs.test.ts fails until every builder's argv has a verb and the committed helper is current. Hosts then need
 * `npm run host:install -- <host>` (Cowherd reports a helper whose table differs from its own).
 *
 * The verb line: words of [A-Za-z0-9._+/:@=,-] joined by single spaces. A kind whose values may hold other bytes
 * (paths, tags, labels) is sent as lowercase hex of its UTF-8 bytes and decoded by the helper before its check.
 * Optional parts are one word "0"/"1"; lists are a count word, then the items.
 */
import { createHash } from 'node:crypto';
import { shellQuote } from './quote';
import { inventoryLoopScript, inventoryScript, UUID_CASE } from '@/lib/inventory/batch';
import { lvsArgv, vgsArgv, LVS_FIELDS, PVS_FIELDS, VGS_FIELDS, LV_TIME_FORMAT } from '@/lib/lvm/commands';
import { RESERVED_LV_PREFIXES, RESERVED_LV_SUBSTRINGS, validateLvName, validateLvmTag, validateVgName } from '@/lib/lvm/names';
import { DM_POLL_LOOP, dmStatusArgv } from '@/lib/dm/commands';
import { LVMCONFIG_AUTOEXTEND_ARGV } from '@/lib/lvm/lvmconfig';
import { GUEST_PING } from '@/lib/libvirt/commands';
import { ABSENT_SCRIPT, UMASK_077_SCRIPT } from '@/lib/ops/host-commands';
import {
  DEVICE_SUM_SCRIPT,
  FILE_WRITE_SCRIPT,
  REMOTE_VERIFY_SCRIPT,
  RENAME_SCRIPT,
  RETRY_SCRIPT,
  REVERIFY_SCRIPT,
  STREAM_WRITE_SCRIPT,
  TARGET_CHECK_SCRIPT,
  TARGET_PROBE_SCRIPT,
  VERIFY_SCRIPT,
} from '@/lib/backup/commands';
import {
  BROWSE_ROOT,
  GUESTFISH_LIST_MAX,
  HOLDER_ARGS,
  LIST_FORMAT,
  listBrowseRootAll,
  mountOptions,
  startNamespaceHolder,
} from '@/lib/files/commands';
import {
  DEFINE_SCRIPT,
  PROBE_SCRIPT,
  START_UNLESS_RUNNING_SCRIPT,
  STATE_IS_SCRIPT,
  SUM_COMPARE_SCRIPT,
  SUM_SCRIPT,
  TEARDOWN_SCRIPT,
  WRITE_FILE_SCRIPT,
} from '@/lib/move/commands';

/** Bumped by hand for a change in the helper's protocol; the table's hash (HELPER_TABLE_HASH) covers the verbs. */
export const HELPER_PROTOCOL = 1;

/** Where host:install puts the helper and the forced command points. */
export const HELPER_PATH = '/usr/local/libexec/cowherd-host';
/** The host's list of directories that path arguments may name ("dir /abs/path" lines); absent: DEFAULT_HOST_DIRS. */
export const HELPER_CONF = '/etc/cowherd/host.conf';
export const DEFAULT_HOST_DIRS = ['/var/lib/cowherd'] as const;

// ---- kinds ---------------------------------------------------------------------------------------------------------

interface Kind {
  /** Sent as hex of its UTF-8 bytes (values that may hold bytes outside the line's charset). */
  hex?: boolean;
  /** null when Cowherd accepts the value for this kind. */
  ts: (v: string) => boolean;
  /** sh function body: the value is in $1; returns 0 when accepted. May use the helper's library functions. */
  sh: string;
}

const LINE_WORD = /^[A-Za-z0-9._+/:@=,-]+$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const URI_RE = /^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9_/.,:=@+-]*$/;

const lvOk = (lv: string) => validateLvName(lv) === null;
const vgOk = (vg: string) => validateVgName(vg) === null;
const noDotDot = (p: string) => !p.split('/').includes('..');
/** An absolute path with no empty, "." or ".." segment and no trailing "/": what path.posix.normalize keeps. */
const normalAbs = (p: string) => p.startsWith('/') && p.length > 1 && p.length <= 4096 && !p.endsWith('/') && p.slice(1).split('/').every((s) => s !== '' && s !== '.' && s !== '..');

// sh checks shared by the kinds (the helper's library, see SH_LIB).
const SH_NAME_COMMON = (max: number) => `case $1 in ''|-*|.|..|*[!A-Za-z0-9+_.-]*) return 1;; esac; [ \${#1} -le ${max} ]`;
const SH_LV_RESERVED = [...RESERVED_LV_PREFIXES.map((p) => `${p}*`), ...RESERVED_LV_SUBSTRINGS.map((s) => `*${s}*`)].join('|');

export type KindName =
  | 'vg' | 'lv' | 'vglv' | 'lvdev' | 'uuid' | 'uri' | 'mib' | 'uint' | 'posint' | 'sha256' | 'nonce' | 'format' | 'fsext' | 'tag'
  | 'hostpath' | 'loop' | 'looppart' | 'browse' | 'relpath' | 'guestpath' | 'text' | 'gfpid' | 'appdev'
  | 'gfmp' | 'gflist' | 'probepath' | 'domxml' | 'holderpid' | 'ownpid';

const vglvOk = (v: string) => /^[^/]+\/[^/]+$/.test(v) && vgOk(v.split('/')[0]!) && lvOk(v.split('/')[1]!);

export const KINDS: Record<KindName, Kind> = {
  vg: { ts: vgOk, sh: SH_NAME_COMMON(121) },
  lv: { ts: lvOk, sh: `${SH_NAME_COMMON(127)} || return 1; case $1 in ${SH_LV_RESERVED}) return 1;; esac` },
  /** VG/LV as lvm2 takes a target. */
  vglv: {
    ts: vglvOk,
    sh: 'case $1 in */*/*|/*|*/) return 1;; */*) ;; *) return 1;; esac; k_vg "${1%%/*}" && k_lv "${1#*/}"',
  },
  /** /dev/VG/LV. */
  lvdev: {
    ts: (v: string) => v.startsWith('/dev/') && vglvOk(v.slice(5)),
    sh: 'case $1 in /dev/*) k_vglv "${1#/dev/}";; *) return 1;; esac',
  },
  uuid: { ts: (v: string) => UUID_RE.test(v), sh: `case $1 in ${UUID_CASE}) return 0;; esac; return 1` },
  uri: {
    ts: (v: string) => URI_RE.test(v) && v.length <= 1024,
    sh: "case $1 in [a-z]*://*) ;; *) return 1;; esac; s=${1%%://*}; case $s in *[!a-z0-9+.-]*) return 1;; esac; case ${1#*://} in *[!A-Za-z0-9_/.,:=@+-]*) return 1;; esac; [ ${#1} -le 1024 ]",
  },
  /** Whole MiB as lvm2 takes a size: "52m". */
  mib: { ts: (v: string) => /^[1-9][0-9]{0,12}m$/.test(v), sh: 'case $1 in [1-9]*m) ;; *) return 1;; esac; case ${1%m} in *[!0-9]*) return 1;; esac; [ ${#1} -le 14 ]' },
  uint: { ts: (v: string) => /^(0|[1-9][0-9]{0,15})$/.test(v), sh: "case $1 in 0) return 0;; ''|0*|*[!0-9]*) return 1;; esac; [ ${#1} -le 16 ]" },
  posint: { ts: (v: string) => /^[1-9][0-9]{0,15}$/.test(v), sh: "case $1 in ''|0*|*[!0-9]*) return 1;; esac; [ ${#1} -le 16 ]" },
  sha256: { ts: (v: string) => /^[0-9a-f]{64}$/.test(v), sh: `case $1 in *[!0-9a-f]*) return 1;; esac; [ \${#1} -eq 64 ]` },
  nonce: { ts: (v: string) => /^[0-9a-f]{16,64}$/.test(v), sh: "case $1 in ''|*[!0-9a-f]*) return 1;; esac; [ ${#1} -ge 16 ] && [ ${#1} -le 64 ]" },
  format: { ts: (v: string) => v === 'qcow2' || v === 'raw', sh: 'case $1 in qcow2|raw) return 0;; esac; return 1' },
  fsext: { ts: (v: string) => ['ext2', 'ext3', 'ext4'].includes(v), sh: 'case $1 in ext2|ext3|ext4) return 0;; esac; return 1' },
  tag: { hex: true, ts: (v: string) => validateLvmTag(v) === null, sh: "case $1 in ''|-*|*[!A-Za-z0-9_+./=!:\\&#-]*) return 1;; esac; [ ${#1} -le 127 ]" },
  /** An absolute, normalised path equal to or inside one of the host's configured directories (HELPER_CONF). */
  hostpath: { hex: true, ts: normalAbs, sh: 'k_normal "$1" && in_dirs "$1"' },
  loop: { ts: (v: string) => /^\/dev\/loop[0-9]{1,6}$/.test(v), sh: "case $1 in /dev/loop*) ;; *) return 1;; esac; s=${1#/dev/loop}; case $s in ''|*[!0-9]*) return 1;; esac; [ ${#s} -le 6 ]" },
  looppart: {
    ts: (v: string) => /^\/dev\/loop[0-9]{1,6}(p[0-9]{1,3})?$/.test(v),
    sh: "case $1 in /dev/loop*p*) k_loop \"${1%p*}\" || return 1; s=${1##*p}; case $s in ''|*[!0-9]*) return 1;; esac; [ ${#s} -le 3 ];; *) k_loop \"$1\";; esac",
  },
  /** A path under BROWSE_ROOT with no ".." anywhere (what lib/files/commands.ts's mustBeOurs accepts). */
  browse: {
    hex: true,
    ts: (v: string) => v.startsWith(`${BROWSE_ROOT}/`) && !v.includes('..'),
    sh: `case $1 in ${BROWSE_ROOT}/*) ;; *) return 1;; esac; case $1 in *..*) return 1;; esac`,
  },
  /** tar's member path: "." or relative with no ".." segment. */
  relpath: { hex: true, ts: (v: string) => v === '.' || (v !== '' && !v.startsWith('/') && noDotDot(v)), sh: "case /$1/ in //*|*/../*) return 1;; esac; [ -n \"$1\" ]" },
  /** A path inside a guest (libguestfs' appliance): absolute, no ".." segment. */
  guestpath: { hex: true, ts: (v: string) => v.startsWith('/') && noDotDot(v), sh: 'case $1 in /*) ;; *) return 1;; esac; case $1/ in */../*) return 1;; esac' },
  /** Free text that is only ever one argument (diff labels, guestfish name lists). */
  text: { hex: true, ts: () => true, sh: 'return 0' },
  gfpid: { ts: (v: string) => /^[1-9][0-9]{0,9}$/.test(v), sh: "case $1 in ''|0*|*[!0-9]*) return 1;; esac; [ ${#1} -le 10 ]" },
  /** The appliance's one disk and its partitions (lib/files/commands.ts APPLIANCE_DEV): /dev/sda, /dev/sdaN. */
  appdev: {
    ts: (v: string) => /^\/dev\/sda([1-9][0-9]{0,2})?$/.test(v),
    sh: "case $1 in /dev/sda) return 0;; /dev/sda[1-9]*) ;; *) return 1;; esac; s=${1#/dev/sda}; case $s in *[!0-9]*) return 1;; esac; [ ${#s} -le 3 ]",
  },
  /** A mount point Cowherd makes in the appliance's root: /p1, /disk (APPLIANCE_MP). */
  gfmp: { ts: (v: string) => /^\/(p[0-9]{1,3}|disk)$/.test(v), sh: 'case $1 in /disk|/p[0-9]|/p[0-9][0-9]|/p[0-9][0-9][0-9]) return 0;; esac; return 1' },
  /**
   * A guestfish list argument: names joined by single spaces (lstatnslist, readlinklist; guestfish splits the word
   * itself). No empty item, no item ".", ".." or ":", no quote, backslash, slash or control character, at most
   * GUESTFISH_LIST_MAX items. (The builder's listSafeName is stricter still: no Unicode white space either.)
   */
  gflist: {
    hex: true,
    ts: (v: string) => {
      const items = v.split(' ');
      // eslint-disable-next-line no-control-regex -- the rule is about control characters
      return !/[\x00-\x1f\x7f]/.test(v) && items.length <= GUESTFISH_LIST_MAX && items.every((n) => n !== '' && n !== '.' && n !== '..' && n !== ':' && !/['\\/]/.test(n));
    },
    sh: `mkcntrl; case $1 in ''|' '*|*' '|*'  '*|*[/\\\\\\']*|*["$cntrl"]*) return 1;; esac; case " $1 " in *' : '*|*' . '*|*' .. '*) return 1;; esac; IFS=' '; set -- $1; unset IFS; [ $# -le ${GUESTFISH_LIST_MAX} ]`,
  },
  /**
   * A path the move's preflight only looks at (test -x, test -e, df on its nearest existing parent): an emulator, an
   * NVRAM file, a storage directory. Absolute and normalised, anywhere: nothing is read from or written to it.
   */
  probepath: { hex: true, ts: normalAbs, sh: 'k_normal "$1"' },
  /**
   * A domain's XML for `virsh define` (a move or copy): starts with <domain and holds none of QEMU's pass-through
   * elements (qemu:commandline, qemu:capabilities, qemu:override), which would run arbitrary QEMU options.
   */
  domxml: {
    hex: true,
    ts: (v: string) => /^[\t\n\v\f\r ]*<domain/.test(v) && !/qemu:(commandline|capabilities|override)/.test(v) && v.length <= 200_000,
    sh: "case $1 in *qemu:commandline*|*qemu:capabilities*|*qemu:override*) return 1;; esac; s=$1; while :; do case $s in [[:space:]]*) s=${s#?};; *) break;; esac; done; case $s in '<domain'*) ;; *) return 1;; esac; [ ${#1} -le 200000 ]",
  },
  /**
   * A PID that must be a namespace holder Cowherd started (its command line is exactly HOLDER_ARGS): the target of
   * nsenter. Cowherd checks the syntax (it checked the process with `ps` before); the helper also asks `ps` at the
   * time of the call, so the key cannot enter any other process's mount namespace.
   */
  holderpid: {
    ts: (v: string) => /^[1-9][0-9]{0,9}$/.test(v),
    sh: `case $1 in ''|0*|*[!0-9]*) return 1;; esac; [ \${#1} -le 10 ] || return 1; a=$(ps -o args= -p "$1" 2>/dev/null) || return 1; case $a in ${shellQuote(HOLDER_ARGS)}|${shellQuote(HOLDER_ARGS)}' '*) return 0;; esac; return 1`,
  },
  /** A PID `kill` may signal: a namespace holder or a guestfish server Cowherd started (checked with ps as above). */
  ownpid: {
    ts: (v: string) => /^[1-9][0-9]{0,9}$/.test(v),
    sh: `case $1 in ''|0*|*[!0-9]*) return 1;; esac; [ \${#1} -le 10 ] || return 1; a=$(ps -o args= -p "$1" 2>/dev/null) || return 1; case $a in ${shellQuote(HOLDER_ARGS)}|${shellQuote(HOLDER_ARGS)}' '*|'guestfish --listen '*) return 0;; esac; return 1`,
  },
};

// ---- elements and verbs --------------------------------------------------------------------------------------------

export type El =
  | string
  | { t: 'arg'; kind: KindName; prefix?: string }
  | { t: 'opt'; els: El[] }
  | { t: 'list'; kind: KindName; each: string[]; min: number }
  /** A value sent in the verb line that no argv word holds alone: a `tpl` element uses it. */
  | { t: 'var'; kind: KindName; name: string }
  | { t: 'varlist'; kind: KindName; name: string; fragment: string[] }
  /** One argv word made of literal text and `var`/`varlist` values (the inventory script). */
  | { t: 'tpl'; pieces: ({ lit: string } | { ref: string })[] };

export const arg = (kind: KindName, prefix?: string): El => ({ t: 'arg', kind, ...(prefix === undefined ? {} : { prefix }) });
const opt = (...els: El[]): El => ({ t: 'opt', els });
const list = (kind: KindName, each: string[] = [], min = 1): El => ({ t: 'list', kind, each, min });

export interface Verb {
  name: string;
  els: El[];
}

const REPORT = ['--reportformat', 'json', '--units', 'b', '--nosuffix', '--binary'];
const LVS = ['lvs', '-a', ...REPORT, '--config', `report/time_format="${LV_TIME_FORMAT}"`, '-o', LVS_FIELDS.join(',')];
const VIRSH: El[] = ['virsh', opt('-q'), opt('--connect', arg('uri'))];
const dom = (cmd: string, ...rest: El[]): El[] => [...VIRSH, cmd, '--domain', arg('uuid'), ...rest];
const sh = (script: string, ...args: El[]): El[] => ['sh', '-c', script, 'sh', ...args];
const FIND_LIST = ['-printf', LIST_FORMAT];
const gf = (...rest: El[]): El[] => ['guestfish', arg('gfpid', '--remote='), '--', ...rest];

// ---- the inventory read: one `sh -c SCRIPT` whose script embeds a nonce, the URI and UUIDs --------------------------
// The script text comes from inventoryScript itself, rendered with sentinel values that are then cut out: the helper
// holds the same text with those places filled from validated words.
const S_NONCE = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const S_URI = 'sentinel+uri://x';
const S_UUID = '00000000-0000-0000-0000-00000000c0de';
const S_VG = 'sentinelvg0';
const S_LV = 'sentinellv0';

type Piece = { lit: string } | { ref: string };
function template(script: string, refs: Record<string, string>): El {
  // Split at every sentinel, longest first so that one never cuts another.
  let pieces: Piece[] = [{ lit: script }];
  for (const [sentinel, ref] of Object.entries(refs).sort((a, b) => b[0].length - a[0].length)) {
    pieces = pieces.flatMap((p): Piece[] => {
      if (!('lit' in p)) return [p];
      const parts = p.lit.split(sentinel);
      return parts.flatMap((lit, i): Piece[] => (i === 0 ? [{ lit }] : [{ ref }, { lit }]));
    });
  }
  return { t: 'tpl', pieces: pieces.filter((p) => !('lit' in p) || p.lit !== '') };
}

const AGENT_FRAGMENT = `echo @@dom ${S_UUID}; dumpxml ${S_UUID}; `;
const inventoryFull = (agents: boolean): El[] => {
  let script = inventoryScript({ vgs: vgsArgv(), lvs: lvsArgv(), libvirtUri: S_URI, nonce: S_NONCE, ...(agents ? { agentUuids: [S_UUID] } : {}) });
  if (agents) {
    if (script.split(AGENT_FRAGMENT).length !== 2) throw new Error('verbs: the inventory script changed shape (agent batch)');
    script = script.replace(AGENT_FRAGMENT, '\u0001AGENTS\u0001');
  }
  const refs: Record<string, string> = { [S_NONCE]: 'nonce', [S_URI]: 'uri', ...(agents ? { '\u0001AGENTS\u0001': 'agents' } : {}) };
  return [
    { t: 'var', kind: 'nonce', name: 'nonce' },
    { t: 'var', kind: 'uri', name: 'uri' },
    ...(agents ? [{ t: 'varlist', kind: 'uuid', name: 'agents', fragment: AGENT_FRAGMENT.split(S_UUID) } as El] : []),
    'sh',
    '-c',
    template(script, refs),
  ];
};
const inventoryVolume = (): El[] => [
  { t: 'var', kind: 'nonce', name: 'nonce' },
  { t: 'var', kind: 'vg', name: 'vg' },
  { t: 'var', kind: 'lv', name: 'lv' },
  'sh',
  '-c',
  template(inventoryScript({ vgs: vgsArgv({ vg: S_VG }), lvs: lvsArgv({ vg: S_VG, lv: S_LV }), libvirtUri: null, nonce: S_NONCE }), {
    [S_NONCE]: 'nonce',
    [S_VG]: 'vg',
    [S_LV]: 'lv',
  }),
];

const mount = (types: El, opts: string): El[] => ['mount', '-t', types, '-o', opts, arg('looppart'), arg('browse')];

/** Every command Cowherd runs on a host. Order matters only for the first match (no two verbs match one argv). */
const BASE_VERBS: readonly Verb[] = [
  // inventory (lib/inventory/collect.ts)
  { name: 'inventory', els: inventoryFull(false) },
  { name: 'inventory-agents', els: inventoryFull(true) },
  { name: 'inventory-volume', els: inventoryVolume() },
  // The full read as a loop (lib/inventory/collect.ts FullReadStream): its URI and the hex id of its files.
  { name: 'inventory-loop', els: sh(inventoryLoopScript({ vgs: vgsArgv(), lvs: lvsArgv() }), arg('uri'), arg('nonce')) },
  // lvm2 reports and changes (lib/lvm/commands.ts, lib/backup/commands.ts)
  { name: 'vgs', els: ['vgs', ...REPORT, '-o', VGS_FIELDS.join(','), opt(arg('vg'))] },
  { name: 'lvs', els: [...LVS, opt(arg('vg'))] },
  { name: 'lvs-lv', els: [...LVS, arg('vglv')] },
  { name: 'pvs', els: ['pvs', ...REPORT, '-o', PVS_FIELDS.join(',')] },
  { name: 'lvcreate-snapshot', els: ['lvcreate', '-s', '-L', arg('mib'), '-n', arg('lv'), list('tag', ['--addtag'], 0), arg('vglv')] },
  { name: 'lvcreate-thin-snapshot', els: ['lvcreate', '-s', '-n', arg('lv'), list('tag', ['--addtag'], 0), arg('vglv')] },
  { name: 'lvcreate-plain', els: ['lvcreate', '-y', '-L', arg('mib'), '-n', arg('lv'), arg('vg')] },
  { name: 'lvextend', els: ['lvextend', '-L', arg('mib', '+'), arg('vglv')] },
  { name: 'lvremove', els: ['lvremove', '-y', arg('vglv')] },
  { name: 'lvremove-retry', els: sh(RETRY_SCRIPT, arg('posint'), 'lvremove', '-y', arg('vglv')) },
  { name: 'lvconvert-merge', els: ['lvconvert', '--merge', opt('--interval', arg('posint')), arg('vglv')] },
  { name: 'lvchange-activate', els: ['lvchange', '-ay', opt('-K'), arg('vglv')] },
  { name: 'lvchange-deactivate', els: ['lvchange', '-an', arg('vglv')] },
  { name: 'lvchange-tags', els: ['lvchange', list('tag', ['--addtag'], 0), list('tag', ['--deltag'], 0), arg('vglv')] },
  { name: 'lvchange-refresh', els: ['lvchange', '--refresh', arg('vglv')] },
  { name: 'dmsetup-status', els: dmStatusArgv() },
  // The extend wizard's read of the host's snapshot auto-extension settings (lib/lvm/lvmconfig.ts).
  { name: 'lvmconfig-autoextend', els: [...LVMCONFIG_AUTOEXTEND_ARGV] },
  { name: 'dmsetup-poll-loop', els: sh(DM_POLL_LOOP, arg('nonce')) },
  // virsh (lib/libvirt/commands.ts), guests by UUID only
  { name: 'virsh-list-names', els: [...VIRSH, 'list', '--all', '--name'] },
  { name: 'virsh-list-uuids', els: [...VIRSH, 'list', '--all', '--uuid', '--name'] },
  { name: 'virsh-list-all', els: [...VIRSH, 'list', '--all'] },
  { name: 'virsh-domstats', els: [...VIRSH, 'domstats', '--state', '--block'] },
  { name: 'virsh-domstate', els: dom('domstate') },
  { name: 'virsh-domblklist', els: dom('domblklist', '--details') },
  // --migratable: the XML another host can define (lib/move/commands.ts dumpxmlMigratableArgv)
  { name: 'virsh-dumpxml', els: dom('dumpxml', opt('--inactive'), opt('--migratable')) },
  { name: 'virsh-agent-ping', els: dom('qemu-agent-command', opt('--timeout', arg('uint')), '--cmd', GUEST_PING) },
  { name: 'virsh-domfsfreeze', els: dom('domfsfreeze') },
  { name: 'virsh-domfsthaw', els: dom('domfsthaw') },
  { name: 'virsh-suspend', els: dom('suspend') },
  { name: 'virsh-resume', els: dom('resume') },
  { name: 'virsh-shutdown', els: dom('shutdown') },
  { name: 'virsh-destroy', els: dom('destroy') },
  { name: 'virsh-start', els: dom('start') },
  // exports (lib/ops/host-commands.ts)
  { name: 'mkdir', els: ['mkdir', '-p', arg('hostpath')] },
  { name: 'absent-check', els: sh(ABSENT_SCRIPT, arg('hostpath')) },
  { name: 'file-exists', els: ['test', '-f', arg('hostpath')] },
  { name: 'qemu-img-export', els: sh(UMASK_077_SCRIPT, 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', opt('-c'), arg('lvdev'), arg('hostpath')) },
  { name: 'qemu-img-compare', els: ['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', arg('lvdev'), arg('hostpath')] },
  // backups (lib/backup/commands.ts)
  { name: 'backup-target-check', els: sh(TARGET_CHECK_SCRIPT, arg('hostpath'), arg('uint')) },
  // backupCopyArgv's qcow2 copy is the compressed export's argv: verb qemu-img-export.
  { name: 'backup-copy-raw', els: sh(UMASK_077_SCRIPT, 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'raw', arg('lvdev'), arg('hostpath')) },
  { name: 'backup-verify', els: sh(VERIFY_SCRIPT, arg('lvdev'), arg('hostpath'), arg('format')) },
  { name: 'backup-rename', els: sh(RENAME_SCRIPT, arg('hostpath'), arg('hostpath')) },
  // before backup-remove-file: a browse path is also an absolute path (hostpath's rule on Cowherd's side)
  { name: 'browse-rm', els: ['rm', '-f', '--', list('browse')] },
  { name: 'backup-remove-file', els: ['rm', '-f', '--', arg('hostpath')] },
  { name: 'backup-reverify', els: sh(REVERIFY_SCRIPT, arg('hostpath'), arg('format'), arg('sha256')) },
  { name: 'backup-restore-write', els: ['qemu-img', 'convert', '-p', '-n', '-f', arg('format'), '-O', 'raw', arg('hostpath'), arg('lvdev')] },
  { name: 'backup-device-checksum', els: sh(DEVICE_SUM_SCRIPT, arg('lvdev'), arg('uint'), arg('sha256')) },
  {
    name: 'backup-list-dir',
    els: sh('test -d "$1" || exit 0; find "$1" -mindepth 1 -maxdepth 1 -type f -printf "%s %f\\n"', arg('hostpath')),
  },
  // file browsing (lib/files/commands.ts): everything under BROWSE_ROOT
  { name: 'losetup-attach', els: ['losetup', '--find', '--show', '--read-only', '--partscan', arg('lvdev')] },
  { name: 'losetup-detach', els: ['losetup', '--detach', arg('loop')] },
  { name: 'losetup-list', els: ['losetup', '--list', '--json', '--output', 'NAME,BACK-FILE,RO'] },
  { name: 'lsblk-partitions', els: ['lsblk', '--json', '--bytes', '--output', 'PATH,TYPE,SIZE', arg('loop')] },
  { name: 'blkid-probe', els: ['blkid', '--probe', '--output', 'export', arg('looppart')] },
  { name: 'mount-ext', els: mount(arg('fsext'), mountOptions('ext4')) },
  { name: 'mount-xfs', els: mount('xfs', mountOptions('xfs')) },
  { name: 'umount', els: ['umount', arg('browse')] },
  { name: 'browse-mkdir', els: ['mkdir', '-p', '-m', '0700', '--', list('browse')] },
  { name: 'browse-rmdir', els: ['rmdir', '--ignore-fail-on-non-empty', '--', list('browse')] },
  { name: 'findmnt', els: ['findmnt', '--raw', '--noheadings', '--output', 'TARGET,SOURCE'] },
  { name: 'browse-list-root', els: ['find', BROWSE_ROOT, '-mindepth', '1', '-maxdepth', '2', '-type', 'd', '-printf', '%P\\0'] },
  { name: 'browse-lstat', els: ['stat', '--format=%F', '--', list('browse')] },
  { name: 'browse-list', els: ['find', '-P', arg('browse'), '-mindepth', '1', '-maxdepth', '1', ...FIND_LIST] },
  { name: 'browse-describe', els: ['find', '-P', list('browse'), '-maxdepth', '0', ...FIND_LIST] },
  { name: 'browse-cat', els: ['cat', '--', arg('browse')] },
  { name: 'browse-head', els: ['head', arg('posint', '--bytes='), '--', arg('browse')] },
  { name: 'browse-cmp', els: ['cmp', '--silent', '--', arg('browse'), arg('browse')] },
  { name: 'browse-diff', els: ['diff', '--unified', '--label', arg('text'), '--label', arg('text'), '--', arg('browse'), arg('browse')] },
  { name: 'browse-sha256', els: ['sha256sum', '--binary', '--zero', '--', list('browse')] },
  { name: 'browse-tar', els: ['tar', '--create', '--gzip', '--file=-', '--sparse', '--one-file-system', '--numeric-owner', '--directory', arg('browse'), '--', arg('relpath')] },
  { name: 'browse-list-root-all', els: listBrowseRootAll() },
  { name: 'browse-tail-log', els: ['tail', '--bytes=2000', '--', arg('browse')] },
  // the mount backend's private mount namespace: the holder, its check and its end (the commands run inside it are
  // the ns- twins below)
  { name: 'ns-holder-start', els: startNamespaceHolder() },
  { name: 'process-args', els: ['ps', '-o', 'args=', '-p', arg('gfpid')] },
  { name: 'kill-term', els: ['kill', '-s', 'TERM', arg('ownpid')] },
  { name: 'kill-kill', els: ['kill', '-s', 'KILL', arg('ownpid')] },
  // libguestfs (lib/files/commands.ts): one guestfish server per side; its log file in the session's directory
  { name: 'guestfish-listen', els: ['sh', '-c', 'log=$1; shift; exec "$@" </dev/null 2>>"$log"', 'cowherd-guestfish', arg('browse'), 'guestfish', '--listen', '--ro', '--format=raw', '--add', arg('lvdev')] },
  { name: 'guestfish-run', els: ['sh', '-c', 'exec "$@" >/dev/null', 'cowherd-guestfish', ...gf('run')] },
  { name: 'guestfish-exit', els: gf('exit') },
  { name: 'guestfish-list-filesystems', els: gf('-list-filesystems') },
  { name: 'guestfish-mountpoints', els: gf('-mountpoints') },
  { name: 'guestfish-vfs-label', els: gf('-vfs-label', arg('appdev')) },
  { name: 'guestfish-blockdev-getsize64', els: gf('-blockdev-getsize64', arg('appdev')) },
  { name: 'guestfish-mkmountpoint', els: gf('-mkmountpoint', arg('gfmp')) },
  { name: 'guestfish-mount-ro', els: gf('-mount-ro', arg('appdev'), arg('gfmp')) },
  { name: 'guestfish-ls0', els: gf('-ls0', arg('guestpath'), '-') },
  { name: 'guestfish-lstatns', els: gf('-lstatns', arg('guestpath')) },
  { name: 'guestfish-readlink', els: gf('-readlink', arg('guestpath')) },
  { name: 'guestfish-checksum', els: gf('-checksum', 'sha256', arg('guestpath')) },
  { name: 'guestfish-lstatnslist', els: gf('-lstatnslist', arg('guestpath'), arg('gflist')) },
  { name: 'guestfish-readlinklist', els: gf('-readlinklist', arg('guestpath'), arg('gflist')) },
  { name: 'guestfish-download', els: gf('-download', arg('guestpath'), '-') },
  { name: 'guestfish-pread', els: gf('-pread', arg('guestpath'), arg('posint'), '0') },
  { name: 'guestfish-tar-out', els: gf('-tar-out', arg('guestpath'), '-', 'compress:gzip', 'numericowner:true') },
  // backups between hosts (lib/backup/commands.ts) and moves/copies (lib/move/commands.ts): both sides of the
  // streams through the server, the checks and conversions on the target
  { name: 'dd-read-lv', els: ['dd', arg('lvdev', 'if='), 'bs=4M', 'status=none'] },
  { name: 'dd-read-file', els: ['dd', arg('hostpath', 'if='), 'bs=4M', 'status=none'] },
  { name: 'dd-write-lv', els: ['dd', arg('lvdev', 'of='), 'bs=4M', 'iflag=fullblock', 'conv=fsync', 'status=none'] },
  { name: 'stream-write-file', els: sh(STREAM_WRITE_SCRIPT, arg('hostpath')) },
  { name: 'file-write', els: sh(FILE_WRITE_SCRIPT, arg('hostpath')) },
  { name: 'qemu-img-convert-file', els: sh(UMASK_077_SCRIPT, 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', opt('-c'), arg('hostpath'), arg('hostpath')) },
  { name: 'qemu-img-compare-file', els: ['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', arg('hostpath'), arg('hostpath')] },
  { name: 'volume-sum', els: sh('sha256sum < "$1"', arg('lvdev')) },
  { name: 'backup-remote-verify', els: sh(REMOTE_VERIFY_SCRIPT, arg('hostpath'), arg('hostpath'), arg('format')) },
  { name: 'backup-target-probe', els: sh(TARGET_PROBE_SCRIPT, arg('hostpath')) },
  { name: 'backup-remove-files', els: ['rm', '-f', '--', list('hostpath')] },
  { name: 'virsh-capabilities', els: [...VIRSH, 'capabilities'] },
  { name: 'virsh-net-list', els: [...VIRSH, 'net-list', '--all', '--name'] },
  { name: 'virsh-autostart-disable', els: [...VIRSH, 'autostart', '--disable', '--domain', arg('uuid')] },
  { name: 'virsh-define', els: sh(DEFINE_SCRIPT, arg('domxml'), ...VIRSH, 'define', '--file', '/proc/self/fd/0') },
  { name: 'move-target-probe', els: sh(PROBE_SCRIPT, arg('probepath'), '-', list('probepath', [], 0)) },
  { name: 'move-target-probe-nvram', els: sh(PROBE_SCRIPT, arg('probepath'), arg('probepath'), list('probepath', [], 0)) },
  { name: 'dd-write-file-sparse', els: sh(UMASK_077_SCRIPT, 'dd', arg('hostpath', 'of='), 'bs=4M', 'iflag=fullblock', 'conv=sparse,fsync', 'status=none') },
  { name: 'sum-lv', els: sh(SUM_SCRIPT, arg('lvdev'), arg('posint')) },
  { name: 'sum-file', els: sh(SUM_SCRIPT, arg('hostpath'), arg('posint')) },
  { name: 'sum-compare-lv', els: sh(SUM_COMPARE_SCRIPT, arg('lvdev'), arg('posint')) },
  { name: 'sum-compare-file', els: sh(SUM_COMPARE_SCRIPT, arg('hostpath'), arg('posint')) },
  { name: 'nvram-write', els: sh(WRITE_FILE_SCRIPT, arg('hostpath')) },
  { name: 'file-cat', els: ['cat', '--', arg('hostpath')] },
  { name: 'move-teardown', els: sh(TEARDOWN_SCRIPT, arg('uri'), arg('uuid')) },
  { name: 'move-start-unless-running', els: sh(START_UNLESS_RUNNING_SCRIPT, arg('uri'), arg('uuid')) },
  // stateIsArgv: the plans only ever ask for "running"
  { name: 'move-state-is-running', els: sh(STATE_IS_SCRIPT, arg('uri'), arg('uuid'), 'running') },
  // issue 14, retire-moved-guest: the old copy's autostart, its undefine, the target's qcow2 sizes, the shut-off check
  { name: 'virsh-dominfo', els: dom('dominfo') },
  { name: 'virsh-undefine', els: dom('undefine', opt('--nvram')) },
  { name: 'qemu-img-info-qcow2', els: ['qemu-img', 'info', '--force-share', '--output=json', '-f', 'qcow2', arg('hostpath')] },
  // issue 14, thin target LVs: a thin volume in the target's pool, written sparse
  { name: 'lvcreate-thin', els: ['lvcreate', '-y', '-V', arg('mib'), '-T', arg('vglv'), '-n', arg('lv')] },
  { name: 'dd-write-lv-sparse', els: ['dd', arg('lvdev', 'of='), 'bs=4M', 'iflag=fullblock', 'conv=sparse,fsync', 'status=none'] },
  { name: 'move-state-is-shut-off', els: sh(STATE_IS_SCRIPT, arg('uri'), arg('uuid'), 'shut off') },
];

/** The mount backend's commands that also run inside a session's mount namespace (lib/files/browse.ts ns()). */
const IN_NAMESPACE = ['mount-ext', 'mount-xfs', 'umount', 'findmnt', 'browse-lstat', 'browse-list', 'browse-describe', 'browse-cat', 'browse-head', 'browse-cmp', 'browse-diff', 'browse-tar'];

/**
 * Every command Cowherd runs on a host. Order matters only for the first match (no two verbs match one argv). The
 * ns- verbs are `nsenter --target=PID --mount -- <the verb's argv>` with PID a live namespace holder (holderpid).
 */
export const VERBS: readonly Verb[] = [
  ...BASE_VERBS,
  ...IN_NAMESPACE.map((name) => {
    const v = BASE_VERBS.find((b) => b.name === name);
    if (!v) throw new Error(`verbs: no verb ${name} to run in a namespace`);
    return { name: `ns-${name}`, els: ['nsenter', arg('holderpid', '--target='), '--mount', '--', ...v.els] };
  }),
];

// ---- Cowherd's side: argv -> verb line -----------------------------------------------------------------------------

const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex').toString('utf8');

function wordFor(kind: KindName, value: string): string | null {
  const k = KINDS[kind];
  if (!k.ts(value) || value.includes('\0')) return null;
  if (k.hex) return value === '' ? null : hex(value);
  return LINE_WORD.test(value) ? value : null;
}

type Vars = Map<string, string | string[]>;

/** Matches `els` against argv from position i; calls `done` with the words so far at each complete match. */
function match(els: readonly El[], argv: readonly string[], i: number, words: string[], vars: Vars, done: (i: number, words: string[]) => boolean): boolean {
  if (els.length === 0) return done(i, words);
  const [el, ...rest] = els as [El, ...El[]];
  if (typeof el === 'string') return argv[i] === el && match(rest, argv, i + 1, words, vars, done);
  switch (el.t) {
    case 'arg': {
      const a = argv[i];
      const pre = el.prefix ?? '';
      if (a === undefined || !a.startsWith(pre)) return false;
      const w = wordFor(el.kind, a.slice(pre.length));
      return w !== null && match(rest, argv, i + 1, [...words, w], vars, done);
    }
    case 'opt':
      return match([...el.els, ...rest], argv, i, [...words, '1'], vars, done) || match(rest, argv, i, [...words, '0'], vars, done);
    case 'list': {
      // Longest first; the count goes before the items.
      const items: string[] = [];
      const tries: { at: number; items: string[] }[] = [{ at: i, items: [] }];
      for (let j = i; ; ) {
        if (!el.each.every((e, k) => argv[j + k] === e)) break;
        const a = argv[j + el.each.length];
        const w = a === undefined ? null : wordFor(el.kind, a);
        if (w === null) break;
        items.push(w);
        j += el.each.length + 1;
        tries.push({ at: j, items: [...items] });
      }
      return tries
        .reverse()
        .filter((t) => t.items.length >= el.min)
        .some((t) => match(rest, argv, t.at, [...words, String(t.items.length), ...t.items], vars, done));
    }
    case 'var':
    case 'varlist':
      // Filled by the tpl element that follows; the words are added there.
      return match(rest, argv, i, words, vars, done);
    case 'tpl': {
      const a = argv[i];
      if (a === undefined) return false;
      const got = matchTemplate(el, a);
      if (!got) return false;
      for (const [k, v] of got) vars.set(k, v);
      return match(rest, argv, i + 1, words, vars, done);
    }
  }
}

/** The values of a template's references in `text`, or null when the text is not the template's. */
function matchTemplate(el: Extract<El, { t: 'tpl' }>, text: string): Vars | null {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const seen = new Map<string, number>();
  const re = el.pieces
    .map((p) => {
      if ('lit' in p) return esc(p.lit);
      const n = seen.get(p.ref);
      if (n !== undefined) return `\\${n}`;
      seen.set(p.ref, seen.size + 1);
      return p.ref === 'agents' ? '((?:echo @@dom [0-9a-f-]{36}; dumpxml [0-9a-f-]{36}; )*)' : '([^\\s\'"]+?)';
    })
    .join('');
  const m = new RegExp(`^${re}$`, 's').exec(text);
  if (!m) return null;
  const vars: Vars = new Map();
  for (const [ref, n] of seen) {
    const v = m[n] ?? '';
    vars.set(ref, ref === 'agents' ? [...v.matchAll(/echo @@dom ([0-9a-f-]{36}); /g)].map((x) => x[1]!) : v);
  }
  return vars;
}

/** The words a verb's `var`/`varlist` elements contribute, in element order, from the template's values. */
function varWords(els: readonly El[], vars: Vars): string[] | null {
  const out: string[] = [];
  for (const el of els) {
    if (typeof el === 'string' || (el.t !== 'var' && el.t !== 'varlist')) continue;
    const v = vars.get(el.name);
    if (v === undefined) return null;
    const values = el.t === 'var' ? [v as string] : (v as string[]);
    const ws = values.map((x) => wordFor(el.kind, x));
    if (ws.some((w) => w === null)) return null;
    out.push(...(el.t === 'varlist' ? [String(ws.length)] : []), ...(ws as string[]));
  }
  return out;
}

export type VerbLine = { ok: true; verb: string; line: string } | { ok: false; error: string };

/**
 * The verb line for argv: the first verb whose elements match it and whose line the helper turns back into exactly
 * this argv (checked here with fromVerbLine, the reference of the helper's logic). An error when none does.
 */
export function toVerbLine(argv: readonly string[]): VerbLine {
  for (const verb of VERBS) {
    let found: string | null = null;
    const vars: Vars = new Map();
    match(verb.els, argv, 0, [], vars, (i, words) => {
      if (i !== argv.length) return false;
      const vw = varWords(verb.els, vars);
      if (vw === null) return false;
      // var words go first, in the order the helper reads them (vars are the verb's leading elements).
      const line = [verb.name, ...vw, ...words].join(' ');
      const back = fromVerbLine(line);
      if (!back.ok || back.argv.length !== argv.length || back.argv.some((a, k) => a !== argv[k])) return false;
      found = line;
      return true;
    });
    if (found !== null) return { ok: true, verb: verb.name, line: found };
  }
  return { ok: false, error: `no host helper verb for the command ${JSON.stringify(argv.slice(0, 4).join(' '))}${argv.length > 4 ? ' ...' : ''}` };
}

/** `kinds`: what each word after the verb was read as (a kind, 'count' or 'flag'), for tests. */
export type Parsed = { ok: true; argv: string[]; kinds: string[] } | { ok: false; error: string; code: 126 | 127 };

/** The helper's logic in TypeScript: a verb line to its argv, or why it is refused (tests compare it with the sh). */
export function fromVerbLine(line: string, options: { dirs?: readonly string[] } = {}): Parsed {
  if (line === '' || line.length > MAX_LINE || !/^[A-Za-z0-9._+/:@=, -]+$/.test(line) || / {2}|^ | $/.test(line)) {
    return { ok: false, error: 'the command is not a verb line', code: 126 };
  }
  const [name, ...words] = line.split(' ');
  const verb = VERBS.find((v) => v.name === name);
  if (!verb) return { ok: false, error: `unknown verb ${name}`, code: 127 };
  const out: string[] = [];
  const vars = new Map<string, string>();
  const kinds: string[] = [];
  let w = 0;
  const take = (kind: KindName): string | null => {
    kinds.push(kind);
    const word = words[w++];
    if (word === undefined) return null;
    const k = KINDS[kind];
    let v = word;
    if (k.hex) {
      if (!/^([0-9a-f]{2})+$/.test(word) || /^(..)*00/.test(word)) return null;
      v = unhex(word);
      if (hex(v) !== word) return null;
    }
    if (kind === 'hostpath' && options.dirs && !options.dirs.some((d) => v === d || v.startsWith(`${d}/`))) return null;
    return k.ts(v) ? v : null;
  };
  const count = (): number | null => {
    kinds.push('count');
    const c = words[w++];
    return c !== undefined && /^(0|[1-9][0-9]{0,3})$/.test(c) ? Number(c) : null;
  };
  const run = (els: readonly El[]): string | null => {
    for (const el of els) {
      if (typeof el === 'string') {
        out.push(el);
        continue;
      }
      switch (el.t) {
        case 'arg': {
          const v = take(el.kind);
          if (v === null) return `bad or missing ${el.kind}`;
          out.push((el.prefix ?? '') + v);
          break;
        }
        case 'opt': {
          kinds.push('flag');
          const f = words[w++];
          if (f !== '0' && f !== '1') return 'bad or missing flag';
          if (f === '1') {
            const e = run(el.els);
            if (e) return e;
          }
          break;
        }
        case 'list': {
          const n = count();
          if (n === null || n < el.min) return 'bad or missing count';
          for (let k = 0; k < n; k++) {
            const v = take(el.kind);
            if (v === null) return `bad or missing ${el.kind}`;
            out.push(...el.each, v);
          }
          break;
        }
        case 'var': {
          const v = take(el.kind);
          if (v === null) return `bad or missing ${el.kind}`;
          vars.set(el.name, v);
          break;
        }
        case 'varlist': {
          const n = count();
          if (n === null) return 'bad or missing count';
          let s = '';
          for (let k = 0; k < n; k++) {
            const v = take(el.kind);
            if (v === null) return `bad or missing ${el.kind}`;
            s += el.fragment.join(v);
          }
          vars.set(el.name, s);
          break;
        }
        case 'tpl':
          out.push(el.pieces.map((p) => ('lit' in p ? p.lit : (vars.get(p.ref) ?? ''))).join(''));
          break;
      }
    }
    return null;
  };
  const err = run(verb.els);
  if (err) return { ok: false, error: `${verb.name}: ${err}`, code: 126 };
  if (w !== words.length) return { ok: false, error: `${verb.name}: extra arguments`, code: 126 };
  return { ok: true, argv: out, kinds };
}

/** Longest verb line the helper reads (sshd's own limit is far above; a guest path list can be long). */
export const MAX_LINE = 262_144;

// ---- the host's side: the generated sh helper ----------------------------------------------------------------------

const q = shellQuote;

function shEls(els: readonly El[], ind: string): string[] {
  const out: string[] = [];
  for (const el of els) {
    if (typeof el === 'string') {
      out.push(`${ind}set -- "$@" ${q(el)}`);
      continue;
    }
    switch (el.t) {
      case 'arg':
        out.push(`${ind}[ $n -gt 0 ] || refuse 'missing ${el.kind}'; w=$1; shift; n=$((n-1)); val ${el.kind} "$w"; set -- "$@" ${el.prefix ? `${q(el.prefix)}` : ''}"$v"`);
        break;
      case 'opt':
        out.push(`${ind}[ $n -gt 0 ] || refuse 'missing flag'; w=$1; shift; n=$((n-1))`);
        out.push(`${ind}case $w in 0) ;; 1)`);
        out.push(...shEls(el.els, `${ind}  `));
        out.push(`${ind};; *) refuse 'bad flag';; esac`);
        break;
      case 'list':
      case 'varlist': {
        out.push(`${ind}[ $n -gt 0 ] || refuse 'missing count'; c=$1; shift; n=$((n-1)); val_count "$c"${el.t === 'list' && el.min > 0 ? `; [ "$c" -ge ${el.min} ] || refuse 'too few items'` : ''}`);
        if (el.t === 'varlist') out.push(`${ind}x_${el.name}=`);
        out.push(`${ind}while [ "$c" -gt 0 ]; do`);
        out.push(`${ind}  [ $n -gt 0 ] || refuse 'missing ${el.kind}'; w=$1; shift; n=$((n-1)); c=$((c-1)); val ${el.kind} "$w"`);
        if (el.t === 'list') out.push(`${ind}  set -- "$@"${el.each.map((e) => ` ${q(e)}`).join('')} "$v"`);
        else out.push(`${ind}  x_${el.name}="$x_${el.name}"${el.fragment.map((f, k) => (k === 0 ? q(f) : `"$v"${q(f)}`)).join('')}`);
        out.push(`${ind}done`);
        break;
      }
      case 'var':
        out.push(`${ind}[ $n -gt 0 ] || refuse 'missing ${el.kind}'; w=$1; shift; n=$((n-1)); val ${el.kind} "$w"; x_${el.name}=$v`);
        break;
      case 'tpl':
        out.push(`${ind}set -- "$@" ${el.pieces.map((p) => ('lit' in p ? q(p.lit) : `"$x_${p.ref}"`)).join('')}`);
        break;
    }
  }
  return out;
}

/** Octal escapes of the control characters (1-31, 127) for printf: the helper's $cntrl, for bracket patterns. */
const CNTRL_OCT = [...Array.from({ length: 31 }, (_, i) => i + 1), 127].map((c) => `\\${c.toString(8).padStart(3, '0')}`).join('');

/** Hex digits unhex decodes per chunk (see there). */
const UNHEX_CHUNK = 256;

const SH_LIB = `
# mkcntrl: the control characters in $cntrl, made only where a check needs them (a command substitution forks:
# tens of ms under emulation, on every poll).
mkcntrl() { cntrl=$(printf '${CNTRL_OCT}x'); cntrl=\${cntrl%x}; }
refuse() {
  printf 'cowherd-host: refused: %s\\n' "$1" >&2
  if command -v logger >/dev/null 2>&1; then logger -t cowherd-host -p auth.warning "refused: $1 (client \${SSH_CLIENT%% *})" 2>/dev/null; fi
  exit "\${2:-126}"
}
# unhex WORD: the bytes the hex word stands for in $v (one printf of octal escapes built from checked hex; no NUL).
# In chunks of ${UNHEX_CHUNK} hex digits: cutting two digits off a long word copies the rest each time, so a word of
# tens of KiB (a guestfish name list, a domain's XML) would take seconds byte by byte.
unhex() {
  case $1 in ''|*[!0-9a-f]*) refuse 'bad hex argument';; esac
  [ $((\${#1} % 2)) -eq 0 ] || refuse 'bad hex argument'
  h=$1; f=
  while [ -n "$h" ]; do
    if [ \${#h} -le ${UNHEX_CHUNK} ]; then u=$h; h=; else r=\${h#${'?'.repeat(UNHEX_CHUNK)}}; u=\${h%"$r"}; h=$r; fi
    g=
    while [ -n "$u" ]; do
      b=\${u%"\${u#??}"}; u=\${u#??}
      [ "$b" != 00 ] || refuse 'NUL in an argument'
      o=$((0x$b)); g="$g\\\\$((o / 64))$((o / 8 % 8))$((o % 8))"
    done
    f=$f$g
  done
  v=$(printf "$f"; printf x); v=\${v%x}
}
val_count() { case $1 in 0|[1-9]|[1-9][0-9]|[1-9][0-9][0-9]|[1-9][0-9][0-9][0-9]) ;; *) refuse 'bad count';; esac; }
k_normal() { case $1 in /*) ;; *) return 1;; esac; case $1/ in //*|*//*|*/./*|*/../*) return 1;; esac; case $1 in */) return 1;; esac; [ \${#1} -le 4096 ]; }
in_dirs() {
  for d in $dirs; do
    case $1 in "$d"|"$d"/*) return 0;; esac
  done
  return 1
}
`;

function renderKinds(): string {
  const hexKinds = Object.entries(KINDS).filter(([, k]) => k.hex).map(([n]) => n);
  const fns = Object.entries(KINDS).map(([name, k]) => `k_${name}() { ${k.sh}; }`);
  return [
    ...fns,
    '# val KIND WORD: the value in $v, or the call is refused',
    'val() {',
    `  case $1 in ${hexKinds.join('|')}) unhex "$2";; *) v=$2;; esac`,
    '  "k_$1" "$v" || refuse "bad $1 argument"',
    '}',
  ].join('\n');
}

/** The table's fingerprint: the helper prints it, and Cowherd compares it with its own (lib/host/helper.ts). */
export function helperTableHash(): string {
  return createHash('sha256').update(JSON.stringify({ p: HELPER_PROTOCOL, VERBS, k: Object.fromEntries(Object.entries(KINDS).map(([n, k]) => [n, k.sh])) })).digest('hex').slice(0, 12);
}

/** The version line `cowherd-host version` prints. */
export function helperVersionLine(): string {
  return `cowherd-host ${HELPER_PROTOCOL} ${helperTableHash()}`;
}

/**
 * The verbs of every poll and every full read. The helper matches them in a small case of their own before the
 * case of all the others: sh reads a script one top-level command at a time, so for these the rest of the file
 * (most of its size) is never parsed. Measured in the lab (TCG, median of 25): the poll verb 205 -> 190 ms, against
 * 176 ms for the same command in a root shell.
 */
export const HOT_VERBS: readonly string[] = ['dmsetup-status', 'inventory', 'inventory-agents'];

/** The whole helper script (deploy/cowherd-host). */
export function renderHelper(): string {
  const arm = (v: Verb, last: string[] = []) => [`  ${v.name})`, ...shEls(v.els, '    '), ...last, '    ;;'].join('\n');
  const hot = VERBS.filter((v) => HOT_VERBS.includes(v.name)).map((v) => arm(v, ['    hot=y']));
  const verbs = VERBS.filter((v) => !HOT_VERBS.includes(v.name)).map((v) => arm(v));
  return `#!/bin/sh
# cowherd-host: Cowherd's restricted host helper (issue 16). GENERATED by \`npm run host:generate\` from
# lib/host/verbs.ts; do not edit (a unit test checks this file equals the generator's output).
#
# Installed as a forced command, e.g. in root's authorized_keys:
#   restrict,command="${HELPER_PATH}",from="<cowherd address>" ssh-ed25519 AAAA... cowherd
# It reads SSH_ORIGINAL_COMMAND ("VERB WORD..."), checks every word, rebuilds the fixed argv of the verb and execs
# it. Nothing from the command is ever evaluated by a shell. Anything else is refused (exit 126, 127 for an unknown
# verb) with a message on stderr and a syslog line (tag cowherd-host).
# Path arguments must lie in a directory listed in ${HELPER_CONF} ("dir /abs/path" lines; default ${DEFAULT_HOST_DIRS.join(' ')}).
# COWHERD_HOST_DRY_RUN=1 prints the argv (NUL-terminated words) instead of running it (tests); sshd passes no such
# variable from a client unless its AcceptEnv says so (never list COWHERD_* there).
set -f
umask 022
${SH_LIB}
${renderKinds()}

dirs=
conf=\${COWHERD_HOST_CONF:-${HELPER_CONF}}
if [ -r "$conf" ]; then
  while read -r key dv rest; do
    case $key in dir) k_normal "$dv" && [ -z "$rest" ] && dirs="$dirs $dv";; esac
  done <"$conf"
  case $dirs in *[!A-Za-z0-9/._+\\ -]*) refuse "$conf: a dir with characters other than [A-Za-z0-9/._+-]";; esac
else
  dirs='${DEFAULT_HOST_DIRS.join(' ')}'
fi

line=\${SSH_ORIGINAL_COMMAND-}
[ -n "$line" ] || refuse 'no command (this key only runs Cowherd verbs)'
[ \${#line} -le ${MAX_LINE} ] || refuse 'command too long'
case $line in *[!A-Za-z0-9._+/:@=,\\ -]*) refuse 'the command has characters outside [A-Za-z0-9._+/:@=,-] (not a Cowherd verb line)';; esac
case $line in ' '*|*' '|*'  '*) refuse 'the command has empty words';; esac
IFS=' '
# Word splitting of the checked line into the positional parameters: data only, never evaluated (set -f: no globbing).
set -- $line
unset IFS
verb=$1; shift; n=$#
# run ARGV: the checked call (no word left over), printed in a dry run, else exec'd.
run() {
  [ $n -eq 0 ] || refuse "$verb: extra arguments"
  if [ -n "\${COWHERD_HOST_DRY_RUN-}" ]; then
    printf '%s\\000' "$@"
    exit 0
  fi
  exec "$@"
}

# The verbs of every poll and full read first (HOT_VERBS in lib/host/verbs.ts): sh then never parses the rest.
hot=
case $verb in
${hot.join('\n')}
esac
[ -z "$hot" ] || run "$@"

case $verb in
  version)
    [ $n -eq 0 ] || refuse 'version takes no arguments'
    printf '%s\\n' ${q(helperVersionLine())}
    exit 0
    ;;
${verbs.join('\n')}
  *)
    refuse "unknown verb $verb" 127
    ;;
esac
run "$@"
`;
}
