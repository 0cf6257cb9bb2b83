/**
 * argv builders for moving and copying guests between hosts (issue 14). Pure. virsh commands act on guests by UUID
 * with the host's connection URI (the virsh builders of lib/libvirt/commands.ts check both); devices are /dev/VG/LV
 * of valid LVM names; paths are absolute and normalised (lib/backup/commands.ts checkedPath).
 *
 * Where a shell is needed the script is a constant and every value is a positional argument ("$1", "$@"): nothing
 * from input ever becomes shell text. The domain XML reaches `virsh define` as one such argument, written to
 * virsh's standard input by printf, so no file with it is left on the target.
 */
import { checkedPath } from '@/lib/backup/commands';
import { dumpxmlArgv, startArgv, UUID_PATTERN, virshBatchArgv } from '@/lib/libvirt/commands';
import { lvTarget, mibSize } from '@/lib/lvm/commands';
import { lvDevicePath, UMASK_077_SCRIPT } from '@/lib/ops/host-commands';

/** dd's block size for the copy: large enough for the ssh stream, small enough for steady progress. */
const BS = 'bs=4M';

function uuidArg(uuid: string): string {
  if (!UUID_PATTERN.test(uuid)) throw new Error(`move argv: ${JSON.stringify(uuid)} is not a domain UUID`);
  return uuid;
}

function bytesArg(n: number): string {
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`move argv: invalid byte count ${String(n)}`);
  return String(n);
}

/** `virsh --connect URI` (the builder checks the URI). */
const virshOn = (uri: string) => virshBatchArgv({ uri });

/** `virsh dumpxml --domain UUID --migratable`: the XML another host can define (no --security-info: no passwords). */
export function dumpxmlMigratableArgv(uuid: string, uri: string): string[] {
  return [...dumpxmlArgv({ uuid: uuidArg(uuid) }, { uri }), '--migratable'];
}

/** `virsh capabilities`: the target's guest architectures, emulators, machine types and domain types. */
export function capabilitiesArgv(uri: string): string[] {
  return [...virshOn(uri), 'capabilities'];
}

/** `virsh net-list --all --name`: libvirt's networks on the target. */
export function netListArgv(uri: string): string[] {
  return [...virshOn(uri), 'net-list', '--all', '--name'];
}

/**
 * Prints what the preflight needs to know about the target besides libvirt: "emulator yes|no", "nvram yes|no"
 * (a file already at the NVRAM path), one "iface NAME" per network interface (bridges and devices), and
 * "avail DIR BYTES" for each directory (measured on its nearest existing parent: it may not exist yet).
 */
export const PROBE_SCRIPT = [
  'em=$1; nv=$2; shift 2',
  'if [ -x "$em" ]; then echo "emulator yes"; else echo "emulator no"; fi',
  'if [ "$nv" != - ] && { [ -e "$nv" ] || [ -L "$nv" ]; }; then echo "nvram yes"; else echo "nvram no"; fi',
  'for i in /sys/class/net/*; do [ -e "$i" ] && echo "iface ${i##*/}"; done',
  'for d in "$@"; do p=$d; while [ ! -d "$p" ]; do p=$(dirname -- "$p"); done; echo "avail $d $(df -P -B1 -- "$p" | awk \'NR==2{print $4}\')"; done',
].join('\n');
export function targetProbeArgv(o: { emulator: string; nvram: string | null; dirs: string[] }): string[] {
  return ['sh', '-c', PROBE_SCRIPT, 'sh', checkedPath(o.emulator), o.nvram === null ? '-' : checkedPath(o.nvram), ...o.dirs.map(checkedPath)];
}

export interface ProbeFacts {
  emulator: boolean;
  nvramTaken: boolean;
  interfaces: string[];
  avail: Record<string, number>;
}

export function parseProbe(stdout: string): ProbeFacts {
  const out: ProbeFacts = { emulator: false, nvramTaken: false, interfaces: [], avail: {} };
  for (const line of stdout.split('\n')) {
    const [key, a, b] = line.trim().split(' ');
    if (key === 'emulator') out.emulator = a === 'yes';
    else if (key === 'nvram') out.nvramTaken = a === 'yes';
    else if (key === 'iface' && a) out.interfaces.push(a);
    else if (key === 'avail' && a && b && /^\d+$/.test(b)) out.avail[a] = Number(b);
  }
  return out;
}

/** Reads an LV from its first byte to its last: the stream's source. */
export function ddReadArgv(o: { vg: string; lv: string }): string[] {
  return ['dd', `if=${lvDevicePath(o.vg, o.lv)}`, BS, 'status=none'];
}

/**
 * Writes the stream into a new LV. No conv=sparse: a new LV is not zeroed (lvcreate wipes signatures only), so
 * skipping zero blocks could leave another volume's old data behind. fsync before dd exits: the checksum and the
 * guest then read what is on the disk.
 */
export function ddWriteLvArgv(o: { vg: string; lv: string }): string[] {
  return ['dd', `of=${lvDevicePath(o.vg, o.lv)}`, BS, 'iflag=fullblock', 'conv=fsync', 'status=none'];
}

/**
 * Writes the stream into a new thin LV, skipping zero blocks (conv=sparse): a new thin volume reads as zeros where
 * nothing was written, so the zeros stay unmapped and take no room in the pool.
 */
export function ddWriteThinLvArgv(o: { vg: string; lv: string }): string[] {
  return ['dd', `of=${lvDevicePath(o.vg, o.lv)}`, BS, 'iflag=fullblock', 'conv=sparse,fsync', 'status=none'];
}

/** `lvcreate -y -V SIZE -T VG/POOL -n NAME`: a new thin volume in the target's thin pool. */
export function lvcreateThinArgv(o: { vg: string; pool: string; name: string; sizeBytes: number }): string[] {
  lvTarget(o.vg, o.name);
  return ['lvcreate', '-y', '-V', mibSize(o.sizeBytes), '-T', lvTarget(o.vg, o.pool), '-n', o.name];
}

/**
 * Writes the stream into a new file under umask 077 (it holds a whole guest disk). conv=sparse skips zero blocks:
 * safe here because a new file reads as zeros where nothing was written (a step checked that none was there).
 */
export function ddWriteFileArgv(file: string): string[] {
  return ['sh', '-c', UMASK_077_SCRIPT, 'sh', 'dd', `of=${checkedPath(file)}`, BS, 'iflag=fullblock', 'conv=sparse,fsync', 'status=none'];
}

/** Prints "<sha256>  -" of the first BYTES bytes of a device or file: the source side of the checksum. */
export const SUM_SCRIPT = 'head -c "$2" -- "$1" | sha256sum';
export function sha256Argv(o: { path: string; bytes: number }): string[] {
  return ['sh', '-c', SUM_SCRIPT, 'sh', checkedPath(o.path), bytesArg(o.bytes)];
}

/**
 * The target side of the checksum: reads the source's "<sha256>  -" from standard input, hashes its own copy, prints
 * both, and fails unless they are equal.
 */
export const SUM_COMPARE_SCRIPT = [
  'want=$(head -c 200 | cut -d" " -f1)',
  'got=$(head -c "$2" -- "$1" | sha256sum | cut -d" " -f1) || exit 1',
  'echo "source $want"; echo "target $got"',
  'test -n "$want" && test "$want" = "$got" || { echo "the copy differs from the source: $got != $want" >&2; exit 1; }',
].join('\n');
export function sha256CompareArgv(o: { path: string; bytes: number }): string[] {
  return ['sh', '-c', SUM_COMPARE_SCRIPT, 'sh', checkedPath(o.path), bytesArg(o.bytes)];
}

/** `qemu-img convert -p -f raw -O qcow2 RAW FILE` under umask 077 (on the target: qcow2 cannot be streamed). */
export function qcow2ConvertArgv(raw: string, file: string): string[] {
  return ['sh', '-c', UMASK_077_SCRIPT, 'sh', 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', checkedPath(raw), checkedPath(file)];
}

/** `qemu-img compare -f raw -F qcow2 RAW FILE`: exit 0 when the qcow2 holds the raw copy's bytes. */
export function qcow2CompareArgv(raw: string, file: string): string[] {
  return ['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', checkedPath(raw), checkedPath(file)];
}

/** Writes standard input to FILE (0600), making its directory: the NVRAM variables file on the target. */
export const WRITE_FILE_SCRIPT = 'umask 077; mkdir -p -- "$(dirname -- "$1")" && test ! -e "$1" && test ! -L "$1" && cat > "$1"';
export function writeFileArgv(file: string): string[] {
  return ['sh', '-c', WRITE_FILE_SCRIPT, 'sh', checkedPath(file)];
}

/** `cat FILE`: the NVRAM variables file on the source. */
export function catArgv(file: string): string[] {
  return ['cat', '--', checkedPath(file)];
}

/**
 * `virsh define --file /proc/self/fd/0` with the XML as printf's argument: nothing from the XML becomes shell text.
 * Not /dev/stdin: that symlink is made by udev/systemd and is missing on minimal hosts (the lab has none).
 */
export const DEFINE_SCRIPT = 'x=$1; shift; printf "%s" "$x" | "$@"';
export function defineFromXmlArgv(xml: string, uri: string): string[] {
  if (!xml.trimStart().startsWith('<domain')) throw new Error('move argv: the XML to define is not a <domain>');
  return ['sh', '-c', DEFINE_SCRIPT, 'sh', xml, ...virshOn(uri), 'define', '--file', '/proc/self/fd/0'];
}

/** `virsh autostart --disable --domain UUID`: the source stays defined but never starts by itself again. */
export function autostartDisableArgv(uuid: string, uri: string): string[] {
  return [...virshOn(uri), 'autostart', '--disable', '--domain', uuidArg(uuid)];
}

/** `virsh start --domain UUID` on the target. */
export function startOnArgv(uuid: string, uri: string): string[] {
  return startArgv({ uuid: uuidArg(uuid) }, { uri });
}

/**
 * Takes a half-made guest off the target: powers it off if it runs (a start interrupted by a crash may have
 * succeeded), then undefines it (with its NVRAM file). Succeeds when the guest is gone.
 */
export const TEARDOWN_SCRIPT = [
  'uri=$1; uuid=$2',
  'virsh --connect "$uri" domstate --domain "$uuid" >/dev/null 2>&1 || exit 0',
  'virsh --connect "$uri" destroy --domain "$uuid" >/dev/null 2>&1',
  'virsh --connect "$uri" undefine --domain "$uuid" --nvram || virsh --connect "$uri" undefine --domain "$uuid"',
].join('\n');
export function teardownArgv(uuid: string, uri: string): string[] {
  virshOn(uri);
  return ['sh', '-c', TEARDOWN_SCRIPT, 'sh', uri, uuidArg(uuid)];
}

/** Starts the guest unless it runs already: the source's restart after a failed move is safe to repeat. */
export const START_UNLESS_RUNNING_SCRIPT = [
  'uri=$1; uuid=$2',
  'state=$(virsh --connect "$uri" domstate --domain "$uuid") || exit 1',
  'echo "state $state"',
  '[ "$state" = running ] || virsh --connect "$uri" start --domain "$uuid"',
].join('\n');
export function startUnlessRunningArgv(uuid: string, uri: string): string[] {
  virshOn(uri);
  return ['sh', '-c', START_UNLESS_RUNNING_SCRIPT, 'sh', uri, uuidArg(uuid)];
}

/** Fails unless the guest's state is STATE (a check on the target after the start). Prints "state <state>". */
export const STATE_IS_SCRIPT = 'state=$(virsh --connect "$1" domstate --domain "$2") || exit 1; echo "state $state"; test "$state" = "$3"';
export function stateIsArgv(uuid: string, uri: string, state: string): string[] {
  virshOn(uri);
  return ['sh', '-c', STATE_IS_SCRIPT, 'sh', uri, uuidArg(uuid), state];
}

// ---- retire-moved-guest (issue 14: "Remove the old copy from <source>" after a move) -----------------------------

/** `virsh dominfo --domain UUID`: the source's "Autostart:" line (the inventory does not read autostart). */
export function dominfoArgv(uuid: string, uri: string): string[] {
  return [...virshOn(uri), 'dominfo', '--domain', uuidArg(uuid)];
}

/**
 * `virsh undefine --domain UUID [--nvram]`: the shut-off old copy of a moved guest. --nvram only when the domain has
 * an NVRAM file (libvirt refuses to undefine a UEFI guest without it, and removes the file with it).
 */
export function undefineArgv(uuid: string, uri: string, o: { nvram: boolean }): string[] {
  return [...virshOn(uri), 'undefine', '--domain', uuidArg(uuid), ...(o.nvram ? ['--nvram'] : [])];
}

/**
 * `qemu-img info` of a qcow2 disk of the moved guest on the target (its virtual size must be the source LV's).
 * --force-share: the guest may run there and hold the image's write lock; -f qcow2: never probe the format.
 */
export function qcow2InfoArgv(file: string): string[] {
  return ['qemu-img', 'info', '--force-share', '--output=json', '-f', 'qcow2', checkedPath(file)];
}
