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
// kernel, not the host's. One handle per browse side (the snapshot; the origin gets its own): `--listen` starts a
// guestfish server, `--remote=PID` sends it one command per call, instead of one appliance launch per request.
// `--ro` adds the disk read-only (writes would go to a discarded overlay), `--format=raw` stops format probing of
// untrusted data.
//
// How guestfish reads the words after `--` (fish/fish.c, cmdline(); fish/rc.c), which is what the checks below are
// about:
// - each argv word is one argument, not re-parsed, EXCEPT that a word ":" ends the command and starts another one:
//   no argument word may be ":";
// - a first word starting with "-" means "do not exit on error" (fish.c strips it and sends exit_on_error=0): every
//   command but `run` and `exit` is sent so, because the server otherwise EXITS on the first failed command (checked
//   with guestfish 1.48.6: `guestfish --remote=PID -- get-readonly` on a bad name ended the server). The price: the
//   client then exits 0 even when the command failed, and the error text goes to the SERVER's stderr (the log file
//   below), so every caller judges success by the output it expects;
// - a list argument (lstatnslist, readlinklist) is ONE word that guestfish splits itself (parse_string_list: blanks
//   separate items, single quotes quote, backslash escapes a quote): only names without white space, quotes and
//   backslashes are sent in a list; the others one at a time (lstatns, readlink), where the word is the whole path;
// - a path starting with "win:" is translated (resolve_win_path): every path here starts with "/".

const GUESTFISH_PID = /^[1-9][0-9]{0,9}$/;
/** The appliance's view of the one disk added: /dev/sda, partitions /dev/sdaN. */
const APPLIANCE_DEV = /^\/dev\/sda([1-9][0-9]{0,2})?$/;
/** A mount point Cowherd makes in the appliance's own root, one per file system: /p1, /p2, /disk. */
const APPLIANCE_MP = /^\/(p[0-9]{1,3}|disk)$/;
/** Longest list argument item count sent in one call (the message limit is 4 MiB; a long name is 255 bytes). */
export const GUESTFISH_LIST_MAX = 1000;

/** File systems the libguestfs backend mounts (read-only, inside the appliance). */
export const GUESTFS_MOUNTABLE = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'vfat', 'exfat', 'ntfs', 'iso9660'] as const;

export function isGuestfsMountable(type: string | null | undefined): boolean {
  return (GUESTFS_MOUNTABLE as readonly string[]).includes(type ?? '');
}

function guestPathOk(p: string): boolean {
  return p.startsWith('/') && !p.includes('\0') && !p.split('/').includes('..');
}

/** A name that may travel inside a guestfish list argument (see above). */
export function listSafeName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..' && n !== ':' && !/[\s'\\/\0]/.test(n);
}

/** The appliance device of a file system id ("p2" -> /dev/sda2, "disk" -> /dev/sda) and its mount point. */
export function applianceDevice(fsId: string): { device: string; mountpoint: string } {
  must(/^(p[1-9][0-9]{0,2}|disk)$/.test(fsId), `file system id ${JSON.stringify(fsId)}`);
  return { device: fsId === 'disk' ? '/dev/sda' : `/dev/sda${fsId.slice(1)}`, mountpoint: `/${fsId}` };
}

/**
 * Start a guestfish server for one disk; prints `GUESTFISH_PID=1234; export GUESTFISH_PID` and returns at once. The
 * server's stdin is /dev/null and its stderr (where every failed remote command says why) is appended to `logFile`,
 * a file in the session's own directory: otherwise the server would hold the caller's stderr pipe (and ssh session)
 * open for as long as it lives. The one fixed script gets its data as positional parameters, never as text.
 */
export function guestfishListen(lvDevice: string, logFile: string): string[] {
  must(LV_DEV.test(lvDevice), `device ${JSON.stringify(lvDevice)}`);
  mustBeOurs(logFile);
  return ['sh', '-c', 'log=$1; shift; exec "$@" </dev/null 2>>"$log"', 'cowherd-guestfish', logFile, 'guestfish', '--listen', '--ro', '--format=raw', '--add', lvDevice];
}

/** The PID from guestfish --listen's output, or null. */
export function parseGuestfishPid(stdout: string): number | null {
  const m = /GUESTFISH_PID=([0-9]+)/.exec(stdout);
  return m?.[1] && GUESTFISH_PID.test(m[1]) ? Number(m[1]) : null;
}

/**
 * One guestfish command for the server of `pid`. Every path is an appliance path: a file system's mount point
 * (/p1) followed by a guest path confined by parseGuestPath; inside the appliance a symlink resolves within the
 * guest's own tree, never the host's, and the backend lstat's every component before it reads anything.
 */
export type GuestfishCommand =
  | { cmd: 'list-filesystems' }
  | { cmd: 'vfs-label'; device: string }
  | { cmd: 'blockdev-getsize64'; device: string }
  | { cmd: 'mkmountpoint'; mountpoint: string }
  | { cmd: 'mount-ro'; device: string; mountpoint: string }
  | { cmd: 'mountpoints' }
  | { cmd: 'ls0'; dir: string }
  | { cmd: 'lstatns'; path: string }
  | { cmd: 'lstatnslist'; dir: string; names: readonly string[] }
  | { cmd: 'readlink'; path: string }
  | { cmd: 'readlinklist'; dir: string; names: readonly string[] }
  | { cmd: 'download'; file: string }
  | { cmd: 'pread'; file: string; count: number }
  | { cmd: 'checksum'; file: string }
  | { cmd: 'tar-out'; dir: string };

function path(p: string): string {
  must(guestPathOk(p), `guest path ${JSON.stringify(p)}`);
  return p;
}

function words(c: GuestfishCommand): string[] {
  switch (c.cmd) {
    case 'list-filesystems':
    case 'mountpoints':
      return [c.cmd];
    case 'vfs-label':
    case 'blockdev-getsize64':
      must(APPLIANCE_DEV.test(c.device), `appliance device ${JSON.stringify(c.device)}`);
      return [c.cmd, c.device];
    case 'mkmountpoint':
      must(APPLIANCE_MP.test(c.mountpoint), `mount point ${JSON.stringify(c.mountpoint)}`);
      return [c.cmd, c.mountpoint];
    case 'mount-ro':
      must(APPLIANCE_DEV.test(c.device), `appliance device ${JSON.stringify(c.device)}`);
      must(APPLIANCE_MP.test(c.mountpoint), `mount point ${JSON.stringify(c.mountpoint)}`);
      return [c.cmd, c.device, c.mountpoint];
    case 'ls0':
      // "-": the names, NUL-separated, on (the client's) stdout: no name can break the list.
      return [c.cmd, path(c.dir), '-'];
    case 'lstatns':
    case 'readlink':
    case 'checksum':
      return c.cmd === 'checksum' ? [c.cmd, 'sha256', path(c.file)] : [c.cmd, path(c.path)];
    case 'lstatnslist':
    case 'readlinklist':
      must(c.names.length > 0 && c.names.length <= GUESTFISH_LIST_MAX, `a list of ${c.names.length} names`);
      must(c.names.every(listSafeName), 'a name that cannot travel in a guestfish list argument');
      return [c.cmd, path(c.dir), c.names.join(' ')];
    case 'download':
      return [c.cmd, path(c.file), '-'];
    case 'pread':
      must(Number.isInteger(c.count) && c.count > 0 && c.count <= 2 * 1024 * 1024, `byte count ${c.count}`);
      return [c.cmd, path(c.file), String(c.count), '0'];
    case 'tar-out':
      // Links stay links, devices and FIFOs are stored, not opened (GNU tar inside the appliance); guest ids kept.
      return [c.cmd, path(c.dir), '-', 'compress:gzip', 'numericowner:true'];
  }
}

/**
 * The argv of one command sent to the server of `pid`, as `-cmd` (keep the server on error: see above). Every word
 * after the command name is checked once more here, whatever built it: no ":" (a second command), no NUL.
 */
export function guestfishRemote(pid: number, c: GuestfishCommand): string[] {
  must(GUESTFISH_PID.test(String(pid)), `guestfish pid ${pid}`);
  const [name = '', ...args] = words(c);
  must(args.every((w) => w !== ':' && !w.includes('\0')), 'a guestfish word that would start a second command');
  return ['guestfish', `--remote=${pid}`, '--', `-${name}`, ...args];
}

/**
 * `run` (launch the appliance) on the server of `pid`: without "-", so a server that cannot launch exits (and the
 * client exits 1). Its stdout goes to /dev/null: the appliance inherits the client's stdout, and a caller reading a
 * pipe would wait for it for as long as the appliance lives (guestfish(1), "REMOTE CONTROL RUN COMMAND HANGING").
 */
export function guestfishRun(pid: number): string[] {
  must(GUESTFISH_PID.test(String(pid)), `guestfish pid ${pid}`);
  return ['sh', '-c', 'exec "$@" >/dev/null', 'cowherd-guestfish', 'guestfish', `--remote=${pid}`, '--', 'run'];
}

/** End the server of `pid` (it closes the handle and the appliance with it). */
export function guestfishExit(pid: number): string[] {
  must(GUESTFISH_PID.test(String(pid)), `guestfish pid ${pid}`);
  return ['guestfish', `--remote=${pid}`, '--', 'exit'];
}

/** The end of a server's log (why a command failed). */
export function tailLog(logFile: string): string[] {
  mustBeOurs(logFile);
  return ['tail', '--bytes=2000', '--', logFile];
}

/** A process's command line, to make sure a PID from a marker is still the process Cowherd started. */
export function processArgs(pid: number): string[] {
  must(GUESTFISH_PID.test(String(pid)), `pid ${pid}`);
  return ['ps', '-o', 'args=', '-p', String(pid)];
}

export function killProcess(pid: number, signal: 'TERM' | 'KILL'): string[] {
  must(GUESTFISH_PID.test(String(pid)), `pid ${pid}`);
  return ['kill', '-s', signal, String(pid)];
}

/** Every entry under BROWSE_ROOT two levels deep, files too (a session's guestfish log), NUL-separated. */
export function listBrowseRootAll(): string[] {
  return ['find', BROWSE_ROOT, '-mindepth', '1', '-maxdepth', '2', '-printf', '%P\\0'];
}

/** Remove files Cowherd wrote in its own session directories (a guestfish log). */
export function removeFiles(files: readonly string[]): string[] {
  files.forEach(mustBeOurs);
  must(files.length > 0, 'no file');
  return ['rm', '-f', '--', ...files];
}

// ---- a private mount namespace for the mount backend ---------------------------------------------------------------
// Each mount session gets a long-lived "holder" process in a mount namespace of its own with private propagation
// (`unshare --mount --propagation private`), and every mount, umount, listing and read of that session runs inside
// it (`nsenter --target PID --mount --`): the guest file systems are invisible to every other process on the host
// (backup agents, indexers, udisks), and nothing mounted there propagates back. Loop devices are not namespaced:
// they are attached and detached on the host as before.

/**
 * The holder is checked before its PID is printed: the script waits until the background process really is in a mount
 * namespace other than the script's own (unshare has run), and fails with 5 when nsenter is missing, 3 when the
 * process died (no unshare, no privilege), 4 after 10 s. A fixed script; the holder's argv is positional.
 */
const HOLDER_SCRIPT =
  'command -v nsenter >/dev/null || exit 5; "$@" </dev/null >/dev/null 2>&1 & p=$!; i=0; ' +
  'while [ $i -lt 100 ]; do if [ "$(readlink /proc/$p/ns/mnt)" != "$(readlink /proc/$$/ns/mnt)" ]; then echo $p; exit 0; fi; ' +
  'kill -0 $p 2>/dev/null || exit 3; sleep 0.1; i=$((i+1)); done; kill $p; exit 4';

/** What a holder's command line reads (ps -o args=), to recognise one from its marker after a crash. */
export const HOLDER_ARGS = 'sleep infinity';

export function startNamespaceHolder(): string[] {
  return ['sh', '-c', HOLDER_SCRIPT, 'cowherd-holder', 'unshare', '--mount', '--propagation', 'private', '--', ...HOLDER_ARGS.split(' ')];
}

/** Run `argv` inside the mount namespace of the holder `pid`. */
export function inNamespace(pid: number, argv: readonly string[]): string[] {
  must(GUESTFISH_PID.test(String(pid)), `holder pid ${pid}`);
  must(argv.length > 0, 'no command');
  return ['nsenter', `--target=${pid}`, '--mount', '--', ...argv];
}
