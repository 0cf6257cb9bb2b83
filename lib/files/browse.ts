import 'server-only';
import { randomBytes } from 'node:crypto';
import { config, findHost, type HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { runnerFor, type HostRunner } from '@/lib/host';
import { validateLvName, validateVgName } from '@/lib/lvm/names';
import * as cmd from './commands';
import { classify, fsIdOf, parseBlkidExport, parseFindmnt, parseListing, parseLosetupList, parseLsblk, sortEntries, statType, type EntryType, type FileEntry, type GuestFs, type SortKey } from './parse';

export type { SortKey } from './parse';
import { hostPaths } from './paths';
import * as gfs from './guestfs';
import { streamCommand, type ByteStream } from './stream';
import { DIFF_MAX_BYTES, type DiffResult, type Fail, type Isolation, type Listing, type Ok, type Which } from './types';
import { browsableVolume } from './volume';

export { DIFF_MAX_BYTES, type DiffResult, type Fail, type Listing, type Ok, type Which } from './types';

/**
 * Browse sessions of the `mount` backend: one per snapshot being browsed, holding its read-only loop device, the
 * file systems found on it and the ones mounted so far (lazily, on first use), plus the origin's when a comparison
 * asked for it. Everything lives under BROWSE_ROOT/<session id>, with an empty directory `L-loopN` per loop device
 * attached: after a crash, cleanupLeftovers finds the loops to detach from those names alone.
 *
 * A session ends (unmount, detach, remove its directories) after COWHERD_BROWSE_IDLE_S without use, before an
 * operation that changes its snapshot or origin (releaseVolume, called by lib/ops/jobs.ts), and at start-up for
 * anything a crash left.
 */

interface Side {
  loop: string;
  fs: GuestFs[];
  /** fs id -> its mount directory. */
  mounted: Map<string, string>;
}

interface Session {
  id: string;
  hostId: string;
  vg: string;
  lv: string;
  origin: string | null;
  snap: Side;
  originSide: Side | null;
  /** PID of the session's mount-namespace holder; null: unshare/nsenter missing, mounts in the host's namespace. */
  holder: number | null;
  lastUsed: number;
  /** Commands that set up or tear down run one at a time per session. */
  queue: Promise<unknown>;
  /** Downloads under way: ended first when the session must close. */
  streams: Set<AbortController>;
  /** Requests being served: the idle timeout never closes a session in the middle of one. */
  inflight: number;
  closed: boolean;
}

const sessions = new Map<string, Session>();
let reaper: ReturnType<typeof setInterval> | undefined;

const key = (hostId: string, vg: string, lv: string) => `${hostId}\0${vg}/${lv}`;
const fail = (status: number, error: string): Fail => ({ ok: false, status, error });

function idleMs(): number {
  return env().COWHERD_BROWSE_IDLE_S * 1000;
}

function serial<T>(s: Session, fn: () => Promise<T>): Promise<T> {
  const p = s.queue.then(fn, fn);
  s.queue = p.catch(() => undefined);
  return p;
}

function startReaper(): void {
  if (reaper) return;
  const every = Math.max(1000, Math.min(30_000, Math.floor(idleMs() / 4)));
  reaper = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) {
      if (s.streams.size === 0 && s.inflight === 0 && now - s.lastUsed >= idleMs()) void closeSession(s).catch((e: unknown) => console.error('cowherd: closing a browse session failed:', e));
    }
  }, every);
  reaper.unref();
}

/** Which backend a host browses with, or why browsing is off there. */
export function browseBackend(host: HostConfig): { ok: true; backend: 'mount' | 'libguestfs' } | Fail {
  if (!host.fileBrowse) {
    return fail(
      409,
      `browsing files is off for host ${host.id}: set "fileBrowse": "libguestfs" (safe: the guest file system is read inside libguestfs' appliance VM) or "mount" (trusted guests only: mounted read-only on the host kernel) in its entry of the hosts file, then restart Cowherd`,
    );
  }
  return { ok: true, backend: host.fileBrowse };
}

/** A command that touches the session's mounts, run inside its private namespace when it has one. */
function ns(s: Session, argv: string[]): string[] {
  return s.holder === null ? argv : cmd.inNamespace(s.holder, argv);
}

/**
 * The session's namespace holder (commands.ts), with its marker H-<pid> so a crash leaves something to find; null
 * (and a log line) where unshare or nsenter is missing: the mounts then live in the host's namespace, as the
 * session info says.
 */
async function startHolder(r: HostRunner, id: string): Promise<number | null> {
  const h = await r.run(cmd.startNamespaceHolder(), { reject: false });
  const pid = Number(h.stdout.trim());
  if (h.exitCode !== 0 || !Number.isInteger(pid) || pid <= 0) {
    console.warn(`cowherd: ${r.hostId}: no private mount namespace for browsing (unshare/nsenter exit ${h.exitCode}); mounting in the host's namespace`);
    return null;
  }
  await r.run(cmd.mkdirPrivate([cmd.browseDir(id, `H-${pid}`)]));
  return pid;
}

async function attach(r: HostRunner, id: string, lvDevice: string): Promise<Side> {
  const loop = (await r.run(cmd.losetupAttach(lvDevice))).stdout.trim();
  // The marker first, before anything else can fail: a crash from here on leaves a name cleanup can find.
  await r.run(cmd.mkdirPrivate([cmd.browseDir(id, `L-${loop.slice('/dev/'.length)}`)]));
  const devs = parseLsblk((await r.run(cmd.lsblkPartitions(loop))).stdout);
  const parts = devs.filter((d) => d.type === 'part');
  const probe = parts.length > 0 ? parts : devs.filter((d) => d.path === loop);
  const fs: GuestFs[] = [];
  for (const d of probe) {
    const fid = fsIdOf(loop, d.path);
    if (!fid) continue;
    // Exit 2: nothing recognised (an empty or unknown partition), which is an answer, not a failure.
    const b = await r.run(cmd.blkidProbe(d.path), { reject: false });
    fs.push(classify(fid, d.sizeBytes, b.exitCode === 0 ? parseBlkidExport(b.stdout) : {}));
  }
  return { loop, fs, mounted: new Map() };
}

async function openSession(host: HostConfig, vg: string, lv: string): Promise<Ok<{ session: Session }> | Fail> {
  const vol = await browsableVolume(host, vg, lv);
  if (!vol.ok) return vol;
  const r = runnerFor(host);
  const id = randomBytes(8).toString('hex');
  const dir = cmd.browseDir(id);
  const s: Session = {
    id,
    hostId: host.id,
    vg,
    lv,
    origin: vol.origin,
    snap: { loop: '', fs: [], mounted: new Map() },
    originSide: null,
    holder: null,
    lastUsed: Date.now(),
    queue: Promise.resolve(),
    streams: new Set(),
    inflight: 0,
    closed: false,
  };
  try {
    await r.run(cmd.mkdirPrivate([dir]));
    s.holder = await startHolder(r, id);
    s.snap = await attach(r, id, vol.path);
  } catch (e) {
    await teardown(r, s).catch(() => undefined);
    return fail(502, `cannot open ${vg}/${lv} for browsing: ${(e as Error).message}`);
  }
  return { ok: true, session: s };
}

const opening = new Map<string, Promise<Ok<{ session: Session }> | Fail>>();

/** The browse session of a snapshot, opened (loop attached, file systems probed) on first use. */
export async function session(hostId: string, vg: string, lv: string): Promise<Ok<{ session: Session; host: HostConfig }> | Fail> {
  const host = findHost(hostId);
  if (!host) return fail(404, `unknown host ${hostId}`);
  const vgErr = validateVgName(vg) ?? validateLvName(lv, vg);
  if (vgErr) return fail(400, vgErr);
  const b = browseBackend(host);
  if (!b.ok) return b;
  // The libguestfs backend has sessions of its own (lib/files/guestfs.ts); every export below hands it its hosts.
  if (b.backend !== 'mount') return fail(500, 'not a mount-backend host');
  const k = key(hostId, vg, lv);
  const existing = sessions.get(k);
  if (existing && !existing.closed) {
    existing.lastUsed = Date.now();
    existing.inflight++;
    return { ok: true, session: existing, host };
  }
  let p = opening.get(k);
  if (!p) {
    p = openSession(host, vg, lv);
    opening.set(k, p);
  }
  const r = await p.finally(() => opening.delete(k));
  if (!r.ok) return r;
  sessions.set(k, r.session);
  r.session.inflight++;
  startReaper();
  return { ok: true, session: r.session, host };
}

/** The end of a request that session() counted: the idle clock starts again from now. */
function release(s: Session): void {
  s.inflight = Math.max(0, s.inflight - 1);
  s.lastUsed = Date.now();
}

/** Run `fn` on the snapshot's session, counted as in flight so the idle timeout waits for it. */
async function withSession<T>(hostId: string, vg: string, lv: string, fn: (host: HostConfig, s: Session) => Promise<T | Fail>): Promise<T | Fail> {
  const got = await session(hostId, vg, lv);
  if (!got.ok) return got;
  try {
    return await fn(got.host, got.session);
  } finally {
    release(got.session);
  }
}

async function teardown(r: HostRunner, s: Session): Promise<void> {
  const sides = [s.snap, s.originSide].filter((x): x is Side => x !== null);
  const errors: string[] = [];
  for (const side of sides) {
    for (const d of side.mounted.values()) {
      const u = await r.run(ns(s, cmd.umount(d)), { reject: false });
      if (u.exitCode !== 0 && !/not mounted/.test(u.stderr)) errors.push(u.stderr.trim());
    }
    side.mounted.clear();
  }
  // The namespace goes with its last process; anything still mounted in it is released with it.
  if (s.holder !== null) await r.run(cmd.killProcess(s.holder, 'KILL'), { reject: false });
  for (const side of sides) {
    if (side.loop) {
      const d = await r.run(cmd.losetupDetach(side.loop), { reject: false });
      if (d.exitCode !== 0) errors.push(d.stderr.trim());
    }
  }
  const dir = cmd.browseDir(s.id);
  const left = await r.run(cmd.listBrowseRoot(), { reject: false });
  const mine = left.stdout.split('\0').filter((p) => p.startsWith(`${s.id}/`)).map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  await r.run(cmd.rmdirs([...mine, dir]), { reject: false });
  if (errors.length > 0) throw new Error(errors.join('; '));
}

async function closeSession(s: Session): Promise<void> {
  if (s.closed) return;
  s.closed = true;
  for (const a of s.streams) a.abort();
  const k = key(s.hostId, s.vg, s.lv);
  if (sessions.get(k) === s) sessions.delete(k);
  const host = findHost(s.hostId);
  if (!host) return;
  await serial(s, () => teardown(runnerFor(host), s));
}

/**
 * End every browse session that holds `vg/lv`, as the browsed snapshot or as its origin: called before an operation
 * changes or removes it (a mounted origin would also be "open" and delay a merge).
 */
export async function releaseVolume(hostId: string, vg: string, lv: string): Promise<void> {
  const hit = [...sessions.values()].filter((s) => s.hostId === hostId && s.vg === vg && (s.lv === lv || s.origin === lv));
  await Promise.all([...hit.map((s) => closeSession(s)), gfs.releaseVolume(hostId, vg, lv)]);
}

/** Sessions open now (for tests and the status line): host, snapshot and seconds since last use. */
export function openSessions(): { hostId: string; vg: string; lv: string; idleS: number }[] {
  return [...sessions.values()].map((s) => ({ hostId: s.hostId, vg: s.vg, lv: s.lv, idleS: Math.round((Date.now() - s.lastUsed) / 1000) })).concat(gfs.openSessions());
}

/**
 * At start-up: whatever a previous Cowherd left under BROWSE_ROOT (a crash, SIGKILL) is unmounted, its loop devices
 * (named by the `L-loopN` markers, and only those backed by a /dev device) detached, and its directories removed.
 */
export async function cleanupLeftovers(host: HostConfig): Promise<{ unmounted: number; detached: number; holders: number }> {
  const r = runnerFor(host);
  // First the namespace holders (H-<pid> markers) that are still holders: unmount inside, then end them.
  let holders = 0;
  let unmountedInside = 0;
  const early = (await r.run(cmd.listBrowseRoot(), { reject: false })).stdout.split('\0');
  for (const p of early) {
    const pid = Number(/^[a-f0-9]{16}\/H-([1-9][0-9]{0,9})$/.exec(p)?.[1] ?? NaN);
    if (!Number.isInteger(pid)) continue;
    const ps = await r.run(cmd.processArgs(pid), { reject: false });
    if (ps.stdout.trim() !== cmd.HOLDER_ARGS) continue;
    const inside = parseFindmnt((await r.run(cmd.inNamespace(pid, cmd.findmntAll()), { reject: false })).stdout).filter((m) => m.target.startsWith(`${cmd.BROWSE_ROOT}/`));
    for (const m of inside.sort((a, b) => b.target.length - a.target.length)) {
      const u = await r.run(cmd.inNamespace(pid, cmd.umount(m.target)), { reject: false });
      if (u.exitCode === 0) unmountedInside++;
    }
    await r.run(cmd.killProcess(pid, 'KILL'), { reject: false });
    holders++;
  }
  const mounts = parseFindmnt((await r.run(cmd.findmntAll())).stdout).filter((m) => m.target.startsWith(`${cmd.BROWSE_ROOT}/`));
  let unmounted = unmountedInside;
  // Deepest first, so nothing is busy because of a mount below it.
  for (const m of mounts.sort((a, b) => b.target.length - a.target.length)) {
    const u = await r.run(cmd.umount(m.target), { reject: false });
    if (u.exitCode === 0) unmounted++;
  }
  const entries = (await r.run(cmd.listBrowseRoot(), { reject: false })).stdout.split('\0').filter((p) => p !== '');
  const loops = new Set(entries.map((p) => /^[a-f0-9]{16}\/L-(loop[0-9]{1,6})$/.exec(p)?.[1]).filter((x): x is string => !!x).map((n) => `/dev/${n}`));
  let detached = 0;
  if (loops.size > 0) {
    const attached = parseLosetupList((await r.run(cmd.losetupList(), { reject: false })).stdout);
    for (const l of attached) {
      if (loops.has(l.name) && l.backFile?.startsWith('/dev/')) {
        const d = await r.run(cmd.losetupDetach(l.name), { reject: false });
        if (d.exitCode === 0) detached++;
      }
    }
  }
  const dirs = entries
    .filter((p) => /^[a-f0-9]{16}(\/[A-Za-z0-9][A-Za-z0-9.-]{0,40})?$/.test(p))
    .sort((a, b) => b.length - a.length)
    .map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  if (dirs.length > 0) await r.run(cmd.rmdirs(dirs), { reject: false });
  return { unmounted, detached, holders };
}

/** cleanupLeftovers on every host that has browsing on (start-up; errors are logged, never fatal). */
export async function cleanupAllHosts(): Promise<void> {
  for (const h of config().hosts) {
    if (!h.fileBrowse) continue;
    try {
      if (h.fileBrowse === 'libguestfs') {
        const g = await gfs.cleanupLeftovers(h);
        if (g.stopped > 0) console.log(`cowherd: ${h.id}: stopped ${g.stopped} guestfish server(s) left by an earlier run`);
        continue;
      }
      const r = await cleanupLeftovers(h);
      if (r.unmounted + r.detached + r.holders > 0) console.log(`cowherd: ${h.id}: removed ${r.unmounted} mount(s), ${r.detached} loop device(s) and ${r.holders} namespace holder(s) left by an earlier run`);
    } catch (e) {
      console.error(`cowherd: ${h.id}: cleaning up browse mounts failed: ${(e as Error).message}`);
    }
  }
}

// ---- reading ------------------------------------------------------------------------------------------------------

async function ensureOrigin(host: HostConfig, s: Session): Promise<Side | Fail> {
  if (s.originSide) return s.originSide;
  if (!s.origin) return fail(409, `${s.vg}/${s.lv} is not a snapshot: there is no origin to compare with`);
  const origin = s.origin;
  return serial(s, async () => {
    if (s.originSide) return s.originSide;
    try {
      s.originSide = await attach(runnerFor(host), s.id, `/dev/${s.vg}/${origin}`);
      return s.originSide;
    } catch (e) {
      return fail(502, `cannot open the origin ${s.vg}/${origin}: ${(e as Error).message}`);
    }
  });
}

async function mountDir(host: HostConfig, s: Session, which: Which, fsId: string): Promise<Ok<{ dir: string }> | Fail> {
  const side = which === 'snapshot' ? s.snap : await ensureOrigin(host, s);
  if ('ok' in side) return side;
  const fs = side.fs.find((f) => f.id === fsId);
  if (!fs) return fail(404, `no file system ${fsId} on ${which === 'snapshot' ? `${s.vg}/${s.lv}` : `the origin ${s.vg}/${s.origin}`}`);
  if (!fs.browsable || !cmd.isMountable(fs.type ?? undefined)) return fail(409, `${fsId}: ${fs.note ?? 'cannot be browsed'}`);
  const type = fs.type as cmd.MountableType;
  const existing = side.mounted.get(fsId);
  if (existing) return { ok: true, dir: existing };
  return serial(s, async () => {
    const again = side.mounted.get(fsId);
    if (again) return { ok: true as const, dir: again };
    if (s.closed) return fail(409, 'the browse session was closed; try again');
    const r = runnerFor(host);
    const dir = cmd.browseDir(s.id, `${which === 'snapshot' ? 's' : 'o'}-${fsId}`);
    const dev = fsId === 'disk' ? side.loop : `${side.loop}${fsId}`;
    try {
      await r.run(cmd.mkdirPrivate([dir]));
      await r.run(ns(s, cmd.mountReadOnly(type, dev, dir)));
    } catch (e) {
      await r.run(cmd.rmdirs([dir]), { reject: false });
      return fail(502, `cannot mount ${fsId} (${type}) read-only: ${(e as Error).message}`);
    }
    side.mounted.set(fsId, dir);
    return { ok: true as const, dir };
  });
}

/** The host of a request when it browses with libguestfs (its operations live in lib/files/guestfs.ts). */
function guestfsHost(hostId: string): HostConfig | null {
  const h = findHost(hostId);
  return h?.fileBrowse === 'libguestfs' ? h : null;
}

function checkNames(vg: string, lv: string): Fail | null {
  const e = validateVgName(vg) ?? validateLvName(lv, vg);
  return e ? fail(400, e) : null;
}

export async function listFilesystems(hostId: string, vg: string, lv: string): Promise<Ok<{ filesystems: GuestFs[]; origin: string | null; backend: 'mount' | 'libguestfs'; isolation: Isolation }> | Fail> {
  const g = guestfsHost(hostId);
  if (g) {
    const bad = checkNames(vg, lv);
    if (bad) return bad;
    const r = await gfs.listFilesystems(g, vg, lv);
    return r.ok ? { ...r, backend: 'libguestfs', isolation: 'appliance' } : r;
  }
  return withSession(hostId, vg, lv, (_host, s) =>
    Promise.resolve({ ok: true as const, filesystems: s.snap.fs, origin: s.origin, backend: 'mount' as const, isolation: s.holder === null ? ('host-namespace' as const) : ('private-namespace' as const) }),
  );
}

interface Resolved {
  host: HostConfig;
  session: Session;
  dir: string;
  full: string;
  type: EntryType;
}

/**
 * The host path of `parts` in a mounted file system, after proving with one lstat of every component that none is a
 * symlink (nothing is ever followed) and that every parent is a directory. Missing: 404.
 */
async function resolve(host: HostConfig, s: Session, which: Which, fsId: string, parts: readonly string[]): Promise<Ok<Resolved> | Fail> {
  const m = await mountDir(host, s, which, fsId);
  if (!m.ok) return m;
  const { full, prefixes } = hostPaths(m.dir, parts);
  if (prefixes.length === 0) return { ok: true, host, session: s, dir: m.dir, full, type: 'dir' };
  const st = await runnerFor(host).run(ns(s, cmd.lstatTypes(prefixes)), { reject: false });
  const types = st.stdout.split('\n').filter((l) => l !== '').map(statType);
  if (st.exitCode !== 0 || types.length !== prefixes.length) return fail(404, `/${parts.join('/')}: no such file or directory in ${which === 'snapshot' ? 'the snapshot' : 'the origin'}`);
  for (let i = 0; i < types.length - 1; i++) {
    if (types[i] === 'link') return fail(409, `/${parts.slice(0, i + 1).join('/')} is a symbolic link: links are shown, never followed`);
    if (types[i] !== 'dir') return fail(404, `/${parts.slice(0, i + 1).join('/')} is not a directory`);
  }
  return { ok: true, host, session: s, dir: m.dir, full, type: types[types.length - 1] ?? 'unknown' };
}

export async function listDirectory(
  hostId: string, vg: string, lv: string, which: Which, fsId: string, parts: readonly string[],
  page: { offset: number; limit: number; sort: SortKey; desc: boolean },
): Promise<Ok<{ listing: Listing }> | Fail> {
  const g = guestfsHost(hostId);
  if (g) return checkNames(vg, lv) ?? gfs.listDirectory(g, vg, lv, which, fsId, parts, page);
  return withSession(hostId, vg, lv, async (host, s) => {
  const r = await resolve(host, s, which, fsId, parts);
  if (!r.ok) return r;
  if (r.type === 'link') return fail(409, `/${parts.join('/')} is a symbolic link: links are shown, never followed`);
  if (r.type !== 'dir') return fail(409, `/${parts.join('/')} is not a directory`);
  const out = await runnerFor(r.host).run(ns(s, cmd.listDirectory(r.full)), { reject: false });
  if (out.exitCode !== 0 && out.stdout === '') return fail(502, `cannot list /${parts.join('/')}: ${out.stderr.trim()}`);
  const all = sortEntries(parseListing(out.stdout), page.sort, page.desc);
  return {
    ok: true,
    listing: { path: `/${parts.join('/')}`, entries: all.slice(page.offset, page.offset + page.limit), total: all.length, offset: page.offset, limit: page.limit },
  };
  });
}

/** Every entry of a directory (both sides of a comparison), unpaged. */
async function allEntries(r: Resolved): Promise<FileEntry[]> {
  const out = await runnerFor(r.host).run(ns(r.session, cmd.listDirectory(r.full)), { reject: false });
  return parseListing(out.stdout);
}

export interface FileStream extends ByteStream {
  sizeBytes: number | null;
}

function track(s: Session, stream: (signal: AbortSignal) => ByteStream): ByteStream {
  const a = new AbortController();
  s.streams.add(a);
  const st = stream(a.signal);
  void st.done.finally(() => {
    s.streams.delete(a);
    s.lastUsed = Date.now();
  });
  return st;
}

/** A regular file's bytes, streamed. Links, devices, FIFOs and sockets are refused without being opened. */
export async function readFile(hostId: string, vg: string, lv: string, which: Which, fsId: string, parts: readonly string[], maxBytes?: number): Promise<Ok<{ stream: ByteStream; name: string }> | Fail> {
  if (parts.length === 0) return fail(409, '/ is a directory');
  const g = guestfsHost(hostId);
  if (g) return checkNames(vg, lv) ?? gfs.readFile(g, vg, lv, which, fsId, parts, maxBytes);
  return withSession(hostId, vg, lv, async (host, s) => {
  const r = await resolve(host, s, which, fsId, parts);
  if (!r.ok) return r;
  if (r.type === 'link') return fail(409, `/${parts.join('/')} is a symbolic link: it is shown as a link and never followed, so it cannot be downloaded`);
  if (r.type === 'dir') return fail(409, `/${parts.join('/')} is a directory: download it as .tar.gz`);
  if (r.type !== 'file') return fail(409, `/${parts.join('/')} is a ${r.type === 'fifo' ? 'FIFO' : r.type === 'char' || r.type === 'block' ? 'device file' : r.type}: listed, never opened`);
  const argv = ns(s, maxBytes === undefined ? cmd.readFile(r.full) : cmd.readHead(r.full, maxBytes));
  return { ok: true as const, name: parts[parts.length - 1] ?? 'file', stream: track(r.session, (signal) => streamCommand(r.host, argv, signal)) };
  });
}

/** A directory (or the root) as a streamed .tar.gz; links stay links, special files are stored, not opened. */
export async function archiveDirectory(hostId: string, vg: string, lv: string, fsId: string, parts: readonly string[]): Promise<Ok<{ stream: ByteStream; name: string }> | Fail> {
  const g = guestfsHost(hostId);
  if (g) return checkNames(vg, lv) ?? gfs.archiveDirectory(g, vg, lv, fsId, parts);
  return withSession(hostId, vg, lv, async (host, s) => {
  const r = await resolve(host, s, 'snapshot', fsId, parts);
  if (!r.ok) return r;
  if (r.type === 'link') return fail(409, `/${parts.join('/')} is a symbolic link: links are never followed`);
  if (r.type !== 'dir') return fail(409, `/${parts.join('/')} is not a directory`);
  const rel = parts.length === 0 ? '.' : parts.join('/');
  const name = `${lv}-${fsId}${parts.length === 0 ? '' : `-${parts.join('-')}`}.tar.gz`.replace(/[^A-Za-z0-9._-]/g, '_');
  return { ok: true as const, name, stream: track(r.session, (signal) => streamCommand(r.host, ns(s, cmd.tarGz(r.dir, rel)), signal)) };
  });
}

/**
 * Compare a path of the snapshot with the same path in the origin now. A file: changed or not and a unified diff
 * for text (both sides up to DIFF_MAX_BYTES). A directory: entries added, removed and changed by type, size or
 * mtime (with `hash`, same-size files are compared by content too).
 */
export async function diffPath(hostId: string, vg: string, lv: string, fsId: string, parts: readonly string[], hash = false): Promise<Ok<{ result: DiffResult }> | Fail> {
  const g = guestfsHost(hostId);
  if (g) return checkNames(vg, lv) ?? gfs.diffPath(g, vg, lv, fsId, parts, hash);
  return withSession(hostId, vg, lv, (host, s) => diffIn(host, s, fsId, parts, hash));
}

async function diffIn(host: HostConfig, s: Session, fsId: string, parts: readonly string[], hash: boolean): Promise<Ok<{ result: DiffResult }> | Fail> {
  const a = await resolve(host, s, 'snapshot', fsId, parts);
  if (!a.ok) return a;
  const path = `/${parts.join('/')}`;
  const b = await resolve(host, s, 'origin', fsId, parts);
  if (!b.ok && b.status !== 404) return b;
  const run = runnerFor(a.host);
  if (a.type === 'dir') {
    if (!b.ok || b.type !== 'dir') return { ok: true, result: { kind: 'dir', path, added: [], removed: await allEntries(a), changed: [], unchanged: 0, byContent: hash } };
    const [sa, sb] = await Promise.all([allEntries(a), allEntries(b)]);
    const mb = new Map(sb.map((e) => [e.name, e]));
    const ma = new Map(sa.map((e) => [e.name, e]));
    const changed: { name: string; snapshot: FileEntry; origin: FileEntry; contentChanged: boolean | null }[] = [];
    let unchanged = 0;
    for (const e of sa) {
      const o = mb.get(e.name);
      if (!o) continue;
      const meta = e.type !== o.type || e.sizeBytes !== o.sizeBytes || e.mtime !== o.mtime || e.target !== o.target;
      let content: boolean | null = null;
      if (hash && e.type === 'file' && o.type === 'file' && e.sizeBytes === o.sizeBytes) {
        const c = await run.run(ns(s, cmd.compareFiles(`${a.full}/${e.name}`, `${b.full}/${e.name}`)), { reject: false });
        content = c.exitCode === 1 ? true : c.exitCode === 0 ? false : null;
      }
      if (meta || content === true) changed.push({ name: e.name, snapshot: e, origin: o, contentChanged: content });
      else unchanged++;
    }
    return {
      ok: true,
      result: {
        kind: 'dir',
        path,
        added: sb.filter((e) => !ma.has(e.name)),
        removed: sa.filter((e) => !mb.has(e.name)),
        changed,
        byContent: hash,
        unchanged,
      },
    };
  }
  if (!b.ok) return { ok: true, result: { kind: 'file', path, status: 'removed', diff: null, binary: false, note: 'not in the origin now' } };
  if (a.type !== b.type) return { ok: true, result: { kind: 'file', path, status: 'type-changed', diff: null, binary: false, note: `${a.type} in the snapshot, ${b.type} in the origin` } };
  if (a.type !== 'file') return { ok: true, result: { kind: 'file', path, status: 'same', diff: null, binary: false, note: `a ${a.type}: not opened, not compared` } };
  const c = await run.run(ns(s, cmd.compareFiles(a.full, b.full)), { reject: false });
  if (c.exitCode === 0) return { ok: true, result: { kind: 'file', path, status: 'same', diff: null, binary: false, note: null } };
  if (c.exitCode !== 1) return fail(502, `cannot compare ${path}: ${c.stderr.trim()}`);
  const sizes = parseListing(
    (await run.run(ns(s, cmd.describeEntries([a.full, b.full])), { reject: false })).stdout,
  );
  if (sizes.some((e) => e.sizeBytes > DIFF_MAX_BYTES)) {
    return { ok: true, result: { kind: 'file', path, status: 'changed', diff: null, binary: false, note: `larger than ${DIFF_MAX_BYTES} bytes: compared byte for byte, no text diff` } };
  }
  const d = await run.run(ns(s, cmd.diffFiles(a.full, b.full, `snapshot:${path}`, `origin:${path}`)), { reject: false });
  const binary = /^Binary files .* differ$/m.test(d.stdout) && !d.stdout.startsWith('---');
  return { ok: true, result: { kind: 'file', path, status: 'changed', diff: binary ? null : d.stdout, binary, note: binary ? 'binary files differ' : null } };
}
