/**
 * argv builders for reading files inside a snapshot (issue 13). Pure: argv in, nothing run; every path that reaches
 * them has been through parseGuestPath (lib/files/paths.ts) or is one Cowherd made under BROWSE_ROOT.
 *
 * The `mount` backend mounts an untrusted guest file system on the host kernel, so every layer is read-only:
 * - `losetup --read-only --partscan`: the kernel refuses writes to the loop device, and creates /dev/loopNpM for the
 *   guest's partitions by itself (devtmpfs; no udev needed, checked in the lab, which has none).
 * - an explicit `-t` (never the kernel's probing), `ro,nodev,nosuid,noexec`, plus `noload` for ext2/3/4 (plain `ro`
 *   still replays a dirty journal, which would write) and `norecovery,nouuid` for XFS (no log replay; a snapshot
 *   has its origin's UUID, which XFS otherwise refuses to mount twice).
 * Nothing here follows a symlink: listings use `find -P`, every path component is lstat'ed (`stat` without -L)
 * before a file is opened, and `tar` stores links as links.
 */

/** Everything Cowherd mounts lives under here, one directory per browse session. */
export const BROWSE_ROOT = '/run/cowherd/browse';

/** File systems the mount backend mounts; anything else is listed with a reason and never mounted. */
export const MOUNTABLE_TYPES = ['ext2', 'ext3', 'ext4', 'xfs'] as const;
export type MountableType = (typeof MOUNTABLE_TYPES)[number];

export function isMountable(type: string | undefined): type is MountableType {
  return (MOUNTABLE_TYPES as readonly string[]).includes(type ?? '');
}

const LOOP = /^\/dev\/loop[0-9]{1,6}$/;
const LOOP_PART = /^\/dev\/loop[0-9]{1,6}(p[0-9]{1,3})?$/;
const LV_DEV = /^\/dev\/[A-Za-z0-9+_.][A-Za-z0-9+_.-]*\/[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;
const SESSION_ID = /^[a-f0-9]{16}$/;

function must(ok: boolean, what: string): void {
  if (!ok) throw new Error(`refusing to build a command with ${what}`);
}

/** A directory of Cowherd's own under BROWSE_ROOT (session dir or a name inside it): never anything else. */
export function browseDir(sessionId: string, name?: string): string {
  must(SESSION_ID.test(sessionId), `session id ${JSON.stringify(sessionId)}`);
  if (name === undefined) return `${BROWSE_ROOT}/${sessionId}`;
  must(/^[A-Za-z0-9][A-Za-z0-9.-]{0,40}$/.test(name), `browse entry ${JSON.stringify(name)}`);
  return `${BROWSE_ROOT}/${sessionId}/${name}`;
}

function mustBeOurs(dir: string): void {
  must(dir.startsWith(`${BROWSE_ROOT}/`) && !dir.includes('..') && !dir.includes('\0'), `directory ${JSON.stringify(dir)}`);
}

/** Attach an LV read-only with partition scanning; prints the loop device (e.g. /dev/loop3). */
export function losetupAttach(lvDevice: string): string[] {
  must(LV_DEV.test(lvDevice), `device ${JSON.stringify(lvDevice)}`);
  return ['losetup', '--find', '--show', '--read-only', '--partscan', lvDevice];
}

export function losetupDetach(loop: string): string[] {
  must(LOOP.test(loop), `loop device ${JSON.stringify(loop)}`);
  return ['losetup', '--detach', loop];
}

/** Every loop device with its backing file, as JSON (util-linux 2.38). */
export function losetupList(): string[] {
  return ['losetup', '--list', '--json', '--output', 'NAME,BACK-FILE,RO'];
}

/** The partitions the kernel found on a loop device (from sysfs, no probing). */
export function lsblkPartitions(loop: string): string[] {
  must(LOOP.test(loop), `loop device ${JSON.stringify(loop)}`);
  return ['lsblk', '--json', '--bytes', '--output', 'PATH,TYPE,SIZE', loop];
}

/**
 * libblkid's low-level probe of one device: TYPE, LABEL, UUID, PTTYPE (`-p` reads the device itself, not a cache,
 * and never the udev database, which the host may not have). Exit 2 means nothing was recognised.
 */
export function blkidProbe(dev: string): string[] {
  must(LOOP_PART.test(dev), `device ${JSON.stringify(dev)}`);
  return ['blkid', '--probe', '--output', 'export', dev];
}

export function mountOptions(type: MountableType): string {
  const base = 'ro,nodev,nosuid,noexec';
  return type === 'xfs' ? `${base},norecovery,nouuid` : `${base},noload`;
}

export function mountReadOnly(type: MountableType, dev: string, dir: string): string[] {
  must(isMountable(type), `file system type ${JSON.stringify(type)}`);
  must(LOOP_PART.test(dev), `device ${JSON.stringify(dev)}`);
  mustBeOurs(dir);
  return ['mount', '-t', type, '-o', mountOptions(type), dev, dir];
}

export function umount(dir: string): string[] {
  mustBeOurs(dir);
  return ['umount', dir];
}

export function mkdirPrivate(dirs: readonly string[]): string[] {
  dirs.forEach(mustBeOurs);
  return ['mkdir', '-p', '-m', '0700', '--', ...dirs];
}

/** Children before parents: rmdir never removes anything that is not an empty directory. */
export function rmdirs(dirs: readonly string[]): string[] {
  dirs.forEach(mustBeOurs);
  return ['rmdir', '--ignore-fail-on-non-empty', '--', ...dirs];
}

/** What is mounted, one `TARGET SOURCE` per line (raw: spaces escaped as \x20). */
export function findmntAll(): string[] {
  return ['findmnt', '--raw', '--noheadings', '--output', 'TARGET,SOURCE'];
}

/** The entries under BROWSE_ROOT (two levels: sessions and their mount points and loop markers), NUL-separated. */
export function listBrowseRoot(): string[] {
  return ['find', BROWSE_ROOT, '-mindepth', '1', '-maxdepth', '2', '-type', 'd', '-printf', '%P\\0'];
}

/**
 * lstat of each path (stat without -L never follows a link), one file type per line in stat's words: "directory",
 * "regular file", "regular empty file", "symbolic link", "fifo", "character special file", "block special file",
 * "socket". %F never contains a newline, so the lines match the paths one to one whatever the names hold.
 */
export function lstatTypes(paths: readonly string[]): string[] {
  paths.forEach(mustBeOurs);
  must(paths.length > 0, 'no path');
  return ['stat', '--format=%F', '--', ...paths];
}

/**
 * `find -printf` fields of one listing entry, NUL-terminated each: type letter, size, octal mode, numeric uid and
 * gid (the host's user names mean nothing for a guest's ids), mtime (epoch seconds), link target, name.
 */
export const LIST_FIELDS = ['type', 'size', 'mode', 'uid', 'gid', 'mtime', 'target', 'name'] as const;
export const LIST_FORMAT = '%y\\0%s\\0%m\\0%U\\0%G\\0%T@\\0%l\\0%f\\0';

/** One directory's entries; `-P` (the default, spelled out): links are reported, never followed. */
export function listDirectory(dir: string): string[] {
  mustBeOurs(dir);
  return ['find', '-P', dir, '-mindepth', '1', '-maxdepth', '1', '-printf', LIST_FORMAT];
}

/** The listing fields of the named entries themselves (lstat, like listDirectory). */
export function describeEntries(paths: readonly string[]): string[] {
  paths.forEach(mustBeOurs);
  must(paths.length > 0, 'no path');
  return ['find', '-P', ...paths, '-maxdepth', '0', '-printf', LIST_FORMAT];
}

/** The whole file, as bytes (the caller streams stdout). */
export function readFile(file: string): string[] {
  mustBeOurs(file);
  return ['cat', '--', file];
}

/** The first `bytes` bytes of a file (a preview). */
export function readHead(file: string, bytes: number): string[] {
  mustBeOurs(file);
  must(Number.isInteger(bytes) && bytes > 0, `byte count ${bytes}`);
  return ['head', `--bytes=${bytes}`, '--', file];
}

/** Exit 0: same bytes; 1: different; 2: trouble. */
export function compareFiles(a: string, b: string): string[] {
  mustBeOurs(a);
  mustBeOurs(b);
  return ['cmp', '--silent', '--', a, b];
}

/** A unified diff between two files (exit 0 same, 1 different, 2 trouble); labels are what the user sees. */
export function diffFiles(a: string, b: string, labelA: string, labelB: string): string[] {
  mustBeOurs(a);
  mustBeOurs(b);
  return ['diff', '--unified', '--label', labelA, '--label', labelB, '--', a, b];
}

export function sha256Files(files: readonly string[]): string[] {
  files.forEach(mustBeOurs);
  must(files.length > 0, 'no file');
  return ['sha256sum', '--binary', '--zero', '--', ...files];
}

/**
 * A .tar.gz of `relative` (a path under `mountDir`, "." for the root) on stdout. GNU tar stores symlinks, devices
 * and FIFOs as such without opening them, `--sparse` reads holes as holes (a 1 GiB sparse file costs nothing),
 * `--one-file-system` stays inside the guest file system, `--numeric-owner` keeps the guest's ids.
 */
export function tarGz(mountDir: string, relative: string): string[] {
  mustBeOurs(mountDir);
  must(relative === '.' || (!relative.startsWith('/') && !relative.split('/').includes('..') && !relative.includes('\0')), `archive path ${JSON.stringify(relative)}`);
  return ['tar', '--create', '--gzip', '--file=-', '--sparse', '--one-file-system', '--numeric-owner', '--directory', mountDir, '--', relative];
}

// ---- libguestfs backend -------------------------------------------------------------------------------------------
// guestfish reads the guest file system inside its own small appliance VM, so a crafted file system attacks that VM's
// kernel, not the host's. One handle per browse session (`--listen` starts a guestfish server; `--remote=PID` sends it
// commands) instead of one appliance launch per request. `--ro` adds the disk read-only (writes would go to a
// discarded overlay), `--format=raw` stops format probing of untrusted data.

const GUESTFISH_PID = /^[1-9][0-9]{0,9}$/;
const APPLIANCE_DEV = /^\/dev\/sd[a-z][0-9]{0,3}$/;

/** Start a guestfish server for one disk; prints `GUESTFISH_PID=1234; export GUESTFISH_PID`. */
export function guestfishListen(lvDevice: string): string[] {
  must(LV_DEV.test(lvDevice), `device ${JSON.stringify(lvDevice)}`);
  return ['guestfish', '--listen', '--ro', '--format=raw', '--add', lvDevice];
}

/** The PID from guestfish --listen's output, or null. */
export function parseGuestfishPid(stdout: string): number | null {
  const m = /GUESTFISH_PID=([0-9]+)/.exec(stdout);
  return m?.[1] && GUESTFISH_PID.test(m[1]) ? Number(m[1]) : null;
}

/**
 * One guestfish command sent to the server of `pid`. Arguments after `--` are words for guestfish, each passed as one
 * argument (no re-parsing): paths are confined by parseGuestPath, and inside the appliance a symlink resolves within
 * the guest's own tree, never the host's.
 */
export type GuestfishCommand =
  | { cmd: 'run' }
  | { cmd: 'list-filesystems' }
  | { cmd: 'mount-ro'; device: string }
  | { cmd: 'umount-all' }
  | { cmd: 'lstatnslist'; dir: string; names: string[] }
  | { cmd: 'ls'; dir: string }
  | { cmd: 'readlinklist'; dir: string; names: string[] }
  | { cmd: 'download'; file: string }
  | { cmd: 'tgz-out'; dir: string }
  | { cmd: 'exit' };

function guestPathOk(p: string): boolean {
  return p.startsWith('/') && !p.includes('\0') && !p.split('/').includes('..');
}

export function guestfishRemote(pid: number, c: GuestfishCommand): string[] {
  must(GUESTFISH_PID.test(String(pid)), `guestfish pid ${pid}`);
  const head = ['guestfish', `--remote=${pid}`, '--'];
  switch (c.cmd) {
    case 'run':
    case 'list-filesystems':
    case 'umount-all':
    case 'exit':
      return [...head, c.cmd];
    case 'mount-ro':
      must(APPLIANCE_DEV.test(c.device), `appliance device ${JSON.stringify(c.device)}`);
      return [...head, 'mount-ro', c.device, '/'];
    case 'ls':
      must(guestPathOk(c.dir), `guest path ${JSON.stringify(c.dir)}`);
      return [...head, 'ls', c.dir];
    case 'lstatnslist':
    case 'readlinklist':
      must(guestPathOk(c.dir), `guest path ${JSON.stringify(c.dir)}`);
      must(c.names.every((n) => n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\0')), 'an entry name');
      // guestfish takes a list argument as one word of space-separated items: names with spaces cannot be sent
      // this way, so the backend asks for those one at a time (lstatns).
      must(c.names.every((n) => !/\s/.test(n)), 'a name with white space in a list argument');
      return [...head, c.cmd, c.dir, c.names.join(' ')];
    case 'download':
      must(guestPathOk(c.file), `guest path ${JSON.stringify(c.file)}`);
      return [...head, 'download', c.file, '-'];
    case 'tgz-out':
      must(guestPathOk(c.dir), `guest path ${JSON.stringify(c.dir)}`);
      return [...head, 'tgz-out', c.dir, '-'];
  }
}
