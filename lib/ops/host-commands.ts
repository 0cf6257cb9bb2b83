/**
 * argv builders for the few host commands that are neither lvm2 nor virsh: the export directory, the checks on
 * the export file, qemu-img. Pure. Paths must be absolute and normalised (no "..", no empty or "." segments) and
 * may not start with "-"; qemu-img's device must be /dev/VG/LV of valid LVM names.
 *
 * Where a shell is needed (a umask, two tests joined by &&) the script is a constant and every value is a
 * positional argument ("$1", "$@"): nothing from input ever becomes shell text.
 */
import path from 'node:path';
import { lvTarget } from '@/lib/lvm/commands';

function checkedPath(p: string): string {
  if (!path.posix.isAbsolute(p) || path.posix.normalize(p) !== p || p.includes('\n') || p.includes('\0')) {
    throw new Error(`host argv: ${JSON.stringify(p)} is not an absolute, normalised path`);
  }
  return p;
}

/** `mkdir -p DIR`. */
export function mkdirArgv(dir: string): string[] {
  return ['mkdir', '-p', checkedPath(dir)];
}

/**
 * Succeeds only when nothing is at `file`: `test ! -e` alone passes for a dangling symlink (-e follows links),
 * which qemu-img would then follow and write through; `test ! -L` refuses any symlink.
 */
export const ABSENT_SCRIPT = 'test ! -e "$1" && test ! -L "$1"';
export function absentCheckArgv(file: string): string[] {
  return ['sh', '-c', ABSENT_SCRIPT, 'sh', checkedPath(file)];
}

/** `test -f FILE`: a regular file (after symlinks) is there. */
export function fileExistsArgv(file: string): string[] {
  return ['test', '-f', checkedPath(file)];
}

/** Runs its arguments as a command with umask 077, so what it creates is readable by its owner only (0600). */
export const UMASK_077_SCRIPT = 'umask 077; exec "$@"';

/** /dev/VG/LV, after both names passed LVM's rules. */
export function lvDevicePath(vg: string, lv: string): string {
  return `/dev/${lvTarget(vg, lv)}`;
}

/**
 * `qemu-img convert -p -f raw -O qcow2 [-c] /dev/VG/LV FILE` under umask 077: the image is created 0600 (an
 * export holds a whole guest disk). `-f raw` always: probing the format of untrusted guest data is a known hole.
 */
export function qemuImgExportArgv(o: { vg: string; lv: string; file: string; compress?: boolean }): string[] {
  const convert = ['qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', ...(o.compress ? ['-c'] : []), lvDevicePath(o.vg, o.lv), checkedPath(o.file)];
  return ['sh', '-c', UMASK_077_SCRIPT, 'sh', ...convert];
}

/** `qemu-img compare -f raw -F qcow2 /dev/VG/LV FILE`: exit 0 when both have the same guest-visible content. */
export function qemuImgCompareArgv(o: { vg: string; lv: string; file: string }): string[] {
  return ['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', lvDevicePath(o.vg, o.lv), checkedPath(o.file)];
}
