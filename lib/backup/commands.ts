/**
 * argv builders for backups (issue 11): the target directory's checks, the copy from a snapshot, the checksums,
 * the rename into place, and the restore into an LV. Pure. Paths are absolute and normalised, file names follow
 * backupFileName, devices are /dev/VG/LV of valid LVM names.
 *
 * Where a shell is needed the script is a constant and every value is a positional argument ("$1", "$@"): nothing
 * from input ever becomes shell text (the same rule as lib/ops/host-commands.ts).
 *
 * Why the checksums are taken the way they are: qemu-img 7.2 cannot write raw to a pipe ("'file' driver requires
 * '/dev/stdout' to be a regular file", tried on the lab), so a qcow2 backup's guest bytes cannot be hashed on the
 * fly. A backup therefore records two checksums: the SHA-256 of the volume's bytes (read from the snapshot, and
 * checked again on every restore against the LV written) and the SHA-256 of the backup file itself (what
 * "verify again" re-reads). While the snapshot exists, `qemu-img compare` proves the file holds the snapshot's bytes.
 */
import path from 'node:path';
import { lvTarget, mibSize } from '@/lib/lvm/commands';
import { lvDevicePath, UMASK_077_SCRIPT } from '@/lib/ops/host-commands';

export type BackupFormat = 'qcow2' | 'raw';

/** A backup's file name inside a backupDir: letters, digits, ".", "_", "-", ending in .qcow2 or .raw. */
export const BACKUP_FILE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.(qcow2|raw)$/;

export function checkedPath(p: string): string {
  if (!path.posix.isAbsolute(p) || path.posix.normalize(p) !== p || p.includes('\n') || p.includes('\0') || p.length > 4096) {
    throw new Error(`backup argv: ${JSON.stringify(p)} is not an absolute, normalised path`);
  }
  return p;
}

/** An absolute file directly inside `dir` whose name is a backup file name (or its temporary name). */
export function backupFilePath(dir: string, file: string): string {
  const d = checkedPath(dir.length > 1 ? dir.replace(/\/$/, '') : dir);
  const base = file.endsWith('.part') ? file.slice(0, -'.part'.length) : file;
  if (!BACKUP_FILE_RE.test(base) || base.includes('..')) throw new Error(`backup argv: invalid backup file name ${JSON.stringify(file)}`);
  return path.posix.join(d, file);
}

/** The temporary name a backup is written under until it is verified. */
export function partName(file: string): string {
  return `${file}.part`;
}

function bytesArg(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`backup argv: invalid byte count ${String(n)}`);
  return String(n);
}

/**
 * Creates DIR (0700), then fails unless it is writable and has at least NEED bytes free. Prints
 * "avail <bytes>" so the job log shows what was found.
 */
export const TARGET_CHECK_SCRIPT = [
  'umask 077; mkdir -p -- "$1" || exit 1',
  'test -d "$1" && test -w "$1" || { echo "$1 is not a writable directory" >&2; exit 1; }',
  'avail=$(df -P -B1 -- "$1" | awk \'NR==2{print $4}\')',
  'echo "avail $avail"',
  'test "$avail" -ge "$2" || { echo "only $avail bytes free in $1, $2 needed" >&2; exit 1; }',
].join('\n');
export function targetCheckArgv(dir: string, needBytes: number): string[] {
  return ['sh', '-c', TARGET_CHECK_SCRIPT, 'sh', checkedPath(dir), bytesArg(needBytes)];
}

/**
 * The copy from the snapshot's device into the temporary file, under umask 077 (a backup holds a whole disk).
 * qcow2: compressed (zero clusters are not stored). raw: qemu-img's default sparse output (-S 4k) skips zero
 * blocks. `-f raw` always: guest data is never probed for a format. `-p` prints the progress the executor reads.
 */
export function backupCopyArgv(o: { vg: string; snapshot: string; file: string; format: BackupFormat }): string[] {
  const out = o.format === 'qcow2' ? ['-O', 'qcow2', '-c'] : ['-O', 'raw'];
  return ['sh', '-c', UMASK_077_SCRIPT, 'sh', 'qemu-img', 'convert', '-p', '-f', 'raw', ...out, lvDevicePath(o.vg, o.snapshot), checkedPath(o.file)];
}

/**
 * Verifies the temporary file against the snapshot, then prints both checksums:
 *   "volume <sha256 of the snapshot's bytes>" and "file <sha256 of the backup file>".
 * qcow2: `qemu-img compare` (guest-visible content equal) first. raw: the file's bytes are the volume's bytes, so
 * the two checksums must be equal.
 */
export const VERIFY_SCRIPT = [
  'dev=$1; file=$2; fmt=$3',
  'if [ "$fmt" = qcow2 ]; then qemu-img compare -q -f raw -F qcow2 "$dev" "$file" || { echo "the backup differs from the snapshot" >&2; exit 1; }; fi',
  'v=$(sha256sum < "$dev" | cut -d" " -f1) && f=$(sha256sum < "$file" | cut -d" " -f1) || exit 1',
  'if [ "$fmt" = raw ] && [ "$v" != "$f" ]; then echo "the backup differs from the snapshot: $v != $f" >&2; exit 1; fi',
  'echo "volume $v"; echo "file $f"',
].join('\n');
export function backupVerifyArgv(o: { vg: string; snapshot: string; file: string; format: BackupFormat }): string[] {
  return ['sh', '-c', VERIFY_SCRIPT, 'sh', lvDevicePath(o.vg, o.snapshot), checkedPath(o.file), o.format];
}

/** Renames the verified temporary file to its final name (never over an existing file) and prints "size <bytes>". */
export const RENAME_SCRIPT = 'test ! -e "$2" && test ! -L "$2" && mv -T -- "$1" "$2" && echo "size $(stat -c %s -- "$2")"';
export function renameIntoPlaceArgv(tmp: string, file: string): string[] {
  return ['sh', '-c', RENAME_SCRIPT, 'sh', checkedPath(tmp), checkedPath(file)];
}

/** `rm -f -- FILE`: the temporary file on every path (it is gone already after the rename). */
export function removeFileArgv(file: string): string[] {
  return ['rm', '-f', '--', checkedPath(file)];
}

/** `rm -f -- FILE...`: the temporary files of a backup to another host. */
export function removeFilesArgv(files: string[]): string[] {
  return ['rm', '-f', '--', ...files.map(checkedPath)];
}

/**
 * Runs argv up to N times, a second apart, until it succeeds: removing the snapshot after a crash can find it
 * still open for a moment by a copy whose ssh session just ended (qemu-img ends on its next progress write).
 */
export const RETRY_SCRIPT = 'n=$1; shift; i=1; until "$@"; do [ "$i" -ge "$n" ] && exit 1; i=$((i+1)); sleep 1; done';
export function retryArgv(times: number, argv: string[]): string[] {
  if (!Number.isSafeInteger(times) || times < 1 || times > 600) throw new Error(`backup argv: invalid retry count ${times}`);
  return ['sh', '-c', RETRY_SCRIPT, 'sh', String(times), ...argv];
}

/**
 * Re-reads a backup file: for qcow2 first checks the image's structure, then fails unless the file's SHA-256 is
 * the catalogue's. Prints "file <sha256>".
 */
export const REVERIFY_SCRIPT = [
  'file=$1; fmt=$2; want=$3',
  'test -f "$file" || { echo "$file is missing" >&2; exit 1; }',
  'if [ "$fmt" = qcow2 ]; then qemu-img check -q -f qcow2 "$file" || { echo "qemu-img check found errors in $file" >&2; exit 1; }; fi',
  'f=$(sha256sum < "$file" | cut -d" " -f1) || exit 1',
  'echo "file $f"',
  'test "$f" = "$want" || { echo "the file changed since the backup: SHA-256 $f, the catalogue has $want" >&2; exit 1; }',
].join('\n');
export function reverifyArgv(file: string, format: BackupFormat, expect: string): string[] {
  if (!/^[0-9a-f]{64}$/.test(expect)) throw new Error('backup argv: invalid sha256');
  return ['sh', '-c', REVERIFY_SCRIPT, 'sh', checkedPath(file), format, expect];
}

/**
 * Writes a backup into an existing LV: `qemu-img convert -n` (the LV exists) from the backup's format to raw on
 * the device. Zero clusters of a qcow2 are written as zeros (no --target-is-zero: the LV may hold old data).
 */
export function restoreWriteArgv(o: { file: string; format: BackupFormat; vg: string; lv: string }): string[] {
  return ['qemu-img', 'convert', '-p', '-n', '-f', o.format, '-O', 'raw', checkedPath(o.file), lvDevicePath(o.vg, o.lv)];
}

/** Prints "volume <sha256>" of the first BYTES bytes of /dev/VG/LV (an LV may be larger, rounded to extents). */
export const DEVICE_SUM_SCRIPT = 'v=$(head -c "$2" -- "$1" | sha256sum | cut -d" " -f1) || exit 1; test "$v" = "$3" || { echo "the volume written differs from the backup: $v != $3" >&2; exit 1; }; echo "volume $v"';
export function deviceChecksumArgv(o: { vg: string; lv: string; bytes: number; expect: string }): string[] {
  if (!/^[0-9a-f]{64}$/.test(o.expect)) throw new Error('backup argv: invalid sha256');
  return ['sh', '-c', DEVICE_SUM_SCRIPT, 'sh', lvDevicePath(o.vg, o.lv), bytesArg(o.bytes), o.expect];
}

/** Lists a backupDir's regular files as "<size> <name>" lines (find -printf; no recursion). */
export function listBackupDirArgv(dir: string): string[] {
  return ['sh', '-c', 'test -d "$1" || exit 0; find "$1" -mindepth 1 -maxdepth 1 -type f -printf "%s %f\\n"', 'sh', checkedPath(dir)];
}

/** Parses "key value" lines of the scripts above. */
export function parseKeyLines(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(volume|file|size|avail) (\S+)$/.exec(line.trim());
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** `lvcreate -y -L SIZE -n NAME VG`: a plain volume to restore into (-y: lvm2 wipes old signatures unasked). */
export function lvcreatePlainArgv(o: { vg: string; name: string; sizeBytes: number }): string[] {
  lvTarget(o.vg, o.name);
  return ['lvcreate', '-y', '-L', mibSize(o.sizeBytes), '-n', o.name, o.vg];
}

// --- Between hosts (issue 11 item 2): the bytes go through the Cowherd server (lib/host/pipe.ts), raw. ---

/**
 * The temporary raw file a backup to another host is streamed into: "<name>.raw.part" (for a raw backup that is
 * its own temporary name). qemu-img cannot write qcow2 to a pipe, so a qcow2 backup is converted from it on the
 * target host, then the raw file is removed.
 */
export function rawPartName(file: string): string {
  return `${file.replace(/\.(qcow2|raw)$/, '')}.raw.part`;
}

/** Reads a device or file raw onto standard output (the reading side of a stream between hosts). */
export function streamReadArgv(source: string): string[] {
  return ['dd', `if=${checkedPath(source)}`, 'bs=4M', 'status=none'];
}

/**
 * Writes standard input into FILE (0600, under umask 077), skipping blocks of zeros (`conv=sparse`: dd seeks over
 * an all-zero 64 KiB output block instead of writing it, and sets the file's length at the end, so a trailing
 * run of zeros is kept). `iflag=fullblock`: a pipe delivers short reads, the blocks must still be whole.
 */
export const STREAM_WRITE_SCRIPT = 'umask 077; exec dd of="$1" bs=64K iflag=fullblock conv=sparse status=none';
export function streamWriteArgv(file: string): string[] {
  return ['sh', '-c', STREAM_WRITE_SCRIPT, 'sh', checkedPath(file)];
}

/** raw -> qcow2 (compressed) on the target host, under umask 077; `-p` for the executor's progress. */
export function convertToQcow2Argv(raw: string, out: string): string[] {
  return ['sh', '-c', UMASK_077_SCRIPT, 'sh', 'qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', '-c', checkedPath(raw), checkedPath(out)];
}

/** Prints the SHA-256 of the volume's bytes ("<hex>  -"): the reading side of the verification's stream. */
export function volumeSumArgv(vg: string, lv: string): string[] {
  return ['sh', '-c', 'sha256sum < "$1"', 'sh', lvDevicePath(vg, lv)];
}

/**
 * The target host's side of the verification of a backup streamed from another host. Its standard input is the
 * source host's SHA-256 of the snapshot (read there, independently of the copy); meanwhile it hashes the raw
 * file it received. They must be equal; for qcow2, `qemu-img compare` then proves the converted image holds the
 * same bytes, and the raw file is removed. Prints "volume <sha256>" and "file <sha256 of the backup file>",
 * like VERIFY_SCRIPT.
 */
export const REMOTE_VERIFY_SCRIPT = [
  'raw=$1; out=$2; fmt=$3',
  'v=$(sha256sum < "$raw" | cut -d" " -f1) || exit 1',
  'read -r want _ || { echo "no checksum came from the source host" >&2; exit 1; }',
  'test "$v" = "$want" || { echo "the backup differs from the snapshot: $v (written) != $want (snapshot)" >&2; exit 1; }',
  'if [ "$fmt" = qcow2 ]; then',
  '  qemu-img compare -q -f raw -F qcow2 "$raw" "$out" || { echo "the qcow2 image differs from the stream" >&2; exit 1; }',
  '  rm -f -- "$raw"; f=$(sha256sum < "$out" | cut -d" " -f1) || exit 1',
  'else f=$v; fi',
  'echo "volume $v"; echo "file $f"',
].join('\n');
export function remoteVerifyArgv(o: { raw: string; out: string; format: BackupFormat }): string[] {
  return ['sh', '-c', REMOTE_VERIFY_SCRIPT, 'sh', checkedPath(o.raw), checkedPath(o.out), o.format];
}

/**
 * Read-only look at a backupDir on a host (the preflight of a backup to it): the nearest existing directory on its
 * path, whether it is writable and how many bytes are free there. Prints "avail <bytes>" and "writable yes|no".
 * Creates nothing (a dry run must change nothing); the backup's first step creates the directory.
 */
export const TARGET_PROBE_SCRIPT = [
  'd=$1; while [ ! -d "$d" ]; do d=$(dirname -- "$d"); done',
  'if [ -w "$d" ]; then echo "writable yes"; else echo "writable no"; fi',
  'echo "avail $(df -P -B1 -- "$d" | awk \'NR==2{print $4}\')"',
].join('\n');
export function targetProbeArgv(dir: string): string[] {
  return ['sh', '-c', TARGET_PROBE_SCRIPT, 'sh', checkedPath(dir)];
}

export function parseTargetProbe(stdout: string): { availBytes: number | null; writable: boolean } {
  const avail = /^avail (\d+)$/m.exec(stdout)?.[1];
  return { availBytes: avail ? Number(avail) : null, writable: /^writable yes$/m.test(stdout) };
}

/** Writes standard input raw onto /dev/VG/LV (a restore of a raw backup streamed from another host). */
export function deviceWriteArgv(vg: string, lv: string): string[] {
  return ['dd', `of=${lvDevicePath(vg, lv)}`, 'bs=4M', 'iflag=fullblock', 'conv=fsync', 'status=none'];
}

/** Writes standard input into FILE (0600): a qcow2 backup copied whole to the host it is restored on. */
export const FILE_WRITE_SCRIPT = 'umask 077; mkdir -p -- "$(dirname -- "$1")" && exec dd of="$1" bs=4M iflag=fullblock status=none';
export function fileWriteArgv(file: string): string[] {
  return ['sh', '-c', FILE_WRITE_SCRIPT, 'sh', checkedPath(file)];
}
