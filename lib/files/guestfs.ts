import 'server-only';
import { randomBytes } from 'node:crypto';
import { findHost, type HostConfig } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { runnerFor, type HostRunner } from '@/lib/host';
import * as cmd from './commands';
import {
  guestfsFilesystems, modeType, parseGuestfishInt, parseGuestfishString, parseGuestfishTable, parseLs0, parseReadlinkList, parseStatns, parseStatnsList, statnsEntry, type Statns,
} from './guestfs-parse';
import { sortEntries, type EntryType, type FileEntry, type GuestFs, type SortKey } from './parse';
import { streamCommand, type ByteStream } from './stream';
import { unifiedDiff } from './text-diff';
import { DIFF_MAX_BYTES, type DiffResult, type Fail, type Listing, type Ok, type Which } from './types';
import { browsableVolume } from './volume';

/**
 * Browse sessions of the `libguestfs` backend: the same operations as the mount backend (lib/files/browse.ts), read
 * inside libguestfs' appliance VM instead of the host kernel. One guestfish server (`--listen`, one appliance) per
 * side: the snapshot's at the first request, the origin's at the first comparison. Each file system is mounted
 * read-only (`mount-ro`) on its own mount point in the appliance's root (/p1, /p2: `mkmountpoint`), so one handle
 * serves all of them at once.
 *
 * Markers, as for the mount backend: BROWSE_ROOT/<id>/G-<pid> names each server, so the start-up cleanup ends what a
 * crash left (after checking the PID is still a guestfish server). A session ends after COWHERD_BROWSE_IDLE_S idle
 * seconds, before a merge/remove/extend of its snapshot or origin (releaseVolume), and at start-up.
 *
 * The appliance boots in seconds with KVM and in minutes under emulation: the first request of a session waits for
 * it (LAUNCH_TIMEOUT_MS), the page says so.
 */

const LAUNCH_TIMEOUT_MS = 15 * 60_000;

interface Handle {
  pid: number;
  log: string;
  fs: GuestFs[];
  /** fs ids mounted in the appliance, or being mounted. */
  mounted: Map<string, Promise<Ok<object> | Fail>>;
}

interface Session {
  id: string;
  hostId: string;
  vg: string;
  lv: string;
  origin: string | null;
  snap: Handle | null;
  originHandle: Promise<Handle | Fail> | null;
  lastUsed: number;
  streams: Set<AbortController>;
  inflight: number;
  closed: boolean;
}

const sessions = new Map<string, Session>();
const opening = new Map<string, Promise<Ok<{ session: Session }> | Fail>>();
let reaper: ReturnType<typeof setInterval> | undefined;

const key = (hostId: string, vg: string, lv: string) => `${hostId}\0${vg}/${lv}`;
const fail = (status: number, error: string): Fail => ({ ok: false, status, error });
const idleMs = () => env().COWHERD_BROWSE_IDLE_S * 1000;

function startReaper(): void {
  if (reaper) return;
  const every = Math.max(1000, Math.min(30_000, Math.floor(idleMs() / 4)));
  reaper = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) {
      if (s.streams.size === 0 && s.inflight === 0 && now - s.lastUsed >= idleMs()) void closeSession(s).catch((e: unknown) => console.error('cowherd: closing a libguestfs browse session failed:', e));
    }
  }, every);
  reaper.unref();
}

/** One command to a handle; the output is the only success signal (see commands.ts on `-cmd`). */
function gf(r: HostRunner, h: Handle, c: cmd.GuestfishCommand) {
  return r.run(cmd.guestfishRemote(h.pid, c), { reject: false });
}

async function why(r: HostRunner, h: Handle): Promise<string> {
  const t = await r.run(cmd.tailLog(h.log), { reject: false });
  return t.stdout.trim().split('\n').slice(-2).join(' / ') || 'see the guestfish log';
}

/** Start a server for `device`, launch its appliance, list its file systems and make their mount points. */
async function startHandle(r: HostRunner, id: string, side: 's' | 'o', device: string): Promise<Handle> {
  const log = cmd.browseDir(id, `${side}-guestfish.log`);
  const out = await r.run(cmd.guestfishListen(device, log));
  const pid = cmd.parseGuestfishPid(out.stdout);
  if (pid === null) throw new Error(`guestfish --listen printed no PID: ${out.stdout.trim()} ${out.stderr.trim()}`);
  // The marker right away: from here on a crash leaves a server that the start-up cleanup can find.
  await r.run(cmd.mkdirPrivate([cmd.browseDir(id, `G-${pid}`)]));
  const h: Handle = { pid, log, fs: [], mounted: new Map() };
  try {
    const run = await r.run(cmd.guestfishRun(pid), { reject: false, timeoutMs: LAUNCH_TIMEOUT_MS });
    if (run.exitCode !== 0) throw new Error(`the libguestfs appliance did not start: ${await why(r, h)}`);
    const list = parseGuestfishTable((await gf(r, h, { cmd: 'list-filesystems' })).stdout);
    const sizes = new Map<string, number>();
    const labels = new Map<string, string>();
    for (const { key: dev, value: type } of list) {
      if (!/^\/dev\/sda[0-9]*$/.test(dev)) continue;
      const size = parseGuestfishInt((await gf(r, h, { cmd: 'blockdev-getsize64', device: dev })).stdout);
      if (size !== null) sizes.set(dev, size);
      if (type !== 'unknown') {
        const label = parseGuestfishString((await gf(r, h, { cmd: 'vfs-label', device: dev })).stdout);
        if (label) labels.set(dev, label);
      }
    }
    h.fs = guestfsFilesystems(list, sizes, labels);
    for (const f of h.fs.filter((x) => x.browsable)) await gf(r, h, { cmd: 'mkmountpoint', mountpoint: cmd.applianceDevice(f.id).mountpoint });
  } catch (e) {
    // The server is up but useless: end it here, the session never learns its PID.
    await stopHandle(r, pid);
    throw e;
  }
  return h;
}

/** End a server: `exit` closes its handle and appliance; a server that does not answer is killed. */
async function stopHandle(r: HostRunner, pid: number): Promise<void> {
  await r.run(cmd.guestfishExit(pid), { reject: false, timeoutMs: 60_000 });
  const ps = await r.run(cmd.processArgs(pid), { reject: false });
  if (ps.stdout.trim().startsWith('guestfish')) await r.run(cmd.killProcess(pid, 'TERM'), { reject: false });
}

async function openSession(host: HostConfig, vg: string, lv: string): Promise<Ok<{ session: Session }> | Fail> {
  const vol = await browsableVolume(host, vg, lv);
  if (!vol.ok) return vol;
  const r = runnerFor(host);
  const id = randomBytes(8).toString('hex');
  const s: Session = { id, hostId: host.id, vg, lv, origin: vol.origin, snap: null, originHandle: null, lastUsed: Date.now(), streams: new Set(), inflight: 0, closed: false };
  try {
    await r.run(cmd.mkdirPrivate([cmd.browseDir(id)]));
    s.snap = await startHandle(r, id, 's', vol.path);
  } catch (e) {
    await teardown(r, s).catch(() => undefined);
    return fail(502, `cannot open ${vg}/${lv} in the libguestfs appliance: ${(e as Error).message}`);
  }
  return { ok: true, session: s };
}

async function session(host: HostConfig, vg: string, lv: string): Promise<Ok<{ session: Session }> | Fail> {
  const k = key(host.id, vg, lv);
  const existing = sessions.get(k);
  if (existing && !existing.closed) {
    existing.lastUsed = Date.now();
    existing.inflight++;
    return { ok: true, session: existing };
  }
  let p = opening.get(k);
  if (!p) {
    p = openSession(host, vg, lv);
    opening.set(k, p);
  }
  const got = await p.finally(() => opening.delete(k));
  if (!got.ok) return got;
  sessions.set(k, got.session);
  got.session.inflight++;
  startReaper();
  return got;
}

async function withSession<T>(host: HostConfig, vg: string, lv: string, fn: (s: Session, snap: Handle) => Promise<T | Fail>): Promise<T | Fail> {
  const got = await session(host, vg, lv);
  if (!got.ok) return got;
  const s = got.session;
  try {
    if (!s.snap) return fail(409, 'the browse session was closed; try again');
    return await fn(s, s.snap);
  } finally {
    s.inflight = Math.max(0, s.inflight - 1);
    s.lastUsed = Date.now();
  }
}

async function teardown(r: HostRunner, s: Session): Promise<void> {
  const origin = s.originHandle ? await s.originHandle.catch(() => null) : null;
  const handles = [s.snap, origin && 'pid' in origin ? origin : null].filter((h): h is Handle => h !== null);
  for (const h of handles) await stopHandle(r, h.pid);
  const left = await r.run(cmd.listBrowseRootAll(), { reject: false });
  const mine = left.stdout.split('\0').filter((p) => p.startsWith(`${s.id}/`));
  const logs = mine.filter((p) => p.endsWith('.log')).map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  if (logs.length > 0) await r.run(cmd.removeFiles(logs), { reject: false });
  const dirs = mine.filter((p) => !p.endsWith('.log')).map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  await r.run(cmd.rmdirs([...dirs, cmd.browseDir(s.id)]), { reject: false });
}

async function closeSession(s: Session): Promise<void> {
  if (s.closed) return;
  s.closed = true;
  for (const a of s.streams) a.abort();
  const k = key(s.hostId, s.vg, s.lv);
  if (sessions.get(k) === s) sessions.delete(k);
  const host = findHost(s.hostId);
  if (host) await teardown(runnerFor(host), s);
}

/** End every libguestfs session that reads `vg/lv`, as the browsed snapshot or as its origin. */
export async function releaseVolume(hostId: string, vg: string, lv: string): Promise<void> {
  const hit = [...sessions.values()].filter((s) => s.hostId === hostId && s.vg === vg && (s.lv === lv || s.origin === lv));
  await Promise.all(hit.map((s) => closeSession(s)));
}

export function openSessions(): { hostId: string; vg: string; lv: string; idleS: number }[] {
  return [...sessions.values()].map((s) => ({ hostId: s.hostId, vg: s.vg, lv: s.lv, idleS: Math.round((Date.now() - s.lastUsed) / 1000) }));
}

/** At start-up: guestfish servers a crash left (by their G-<pid> markers, still guestfish), their logs and dirs. */
export async function cleanupLeftovers(host: HostConfig): Promise<{ stopped: number }> {
  const r = runnerFor(host);
  const entries = (await r.run(cmd.listBrowseRootAll(), { reject: false })).stdout.split('\0').filter((p) => p !== '');
  let stopped = 0;
  for (const p of entries) {
    const m = /^[a-f0-9]{16}\/G-([1-9][0-9]{0,9})$/.exec(p);
    if (!m?.[1]) continue;
    const pid = Number(m[1]);
    const ps = await r.run(cmd.processArgs(pid), { reject: false });
    if (!ps.stdout.trim().startsWith('guestfish --listen')) continue;
    await stopHandle(r, pid);
    stopped++;
  }
  const logs = entries.filter((p) => /^[a-f0-9]{16}\/[so]-guestfish\.log$/.test(p)).map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  if (logs.length > 0) await r.run(cmd.removeFiles(logs), { reject: false });
  const dirs = entries
    .filter((p) => /^[a-f0-9]{16}(\/[A-Za-z0-9][A-Za-z0-9.-]{0,40})?$/.test(p) && !p.endsWith('.log'))
    .sort((a, b) => b.length - a.length)
    .map((p) => `${cmd.BROWSE_ROOT}/${p}`);
  if (dirs.length > 0) await r.run(cmd.rmdirs(dirs), { reject: false });
  return { stopped };
}

// ---- reading ------------------------------------------------------------------------------------------------------

async function originHandle(host: HostConfig, s: Session): Promise<Handle | Fail> {
  if (!s.origin) return fail(409, `${s.vg}/${s.lv} is not a snapshot: there is no origin to compare with`);
  const origin = s.origin;
  s.originHandle ??= startHandle(runnerFor(host), s.id, 'o', `/dev/${s.vg}/${origin}`).catch((e: unknown) => {
    s.originHandle = null;
    return fail(502, `cannot open the origin ${s.vg}/${origin}: ${(e as Error).message}`);
  });
  return s.originHandle;
}

async function mounted(host: HostConfig, h: Handle, label: string, fsId: string): Promise<Ok<{ base: string }> | Fail> {
  const fs = h.fs.find((f) => f.id === fsId);
  if (!fs) return fail(404, `no file system ${fsId} on ${label}`);
  if (!fs.browsable) return fail(409, `${fsId}: ${fs.note ?? 'cannot be browsed'}`);
  const { device, mountpoint } = cmd.applianceDevice(fsId);
  let p = h.mounted.get(fsId);
  if (!p) {
    const r = runnerFor(host);
    p = (async (): Promise<Ok<object> | Fail> => {
      await gf(r, h, { cmd: 'mount-ro', device, mountpoint });
      const mps = parseGuestfishTable((await gf(r, h, { cmd: 'mountpoints' })).stdout);
      if (mps.some((m) => m.key === device && m.value === mountpoint)) return { ok: true };
      h.mounted.delete(fsId);
      return fail(502, `cannot mount ${fsId} (${fs.type ?? '?'}) read-only in the appliance: ${await why(r, h)}`);
    })();
    h.mounted.set(fsId, p);
  }
  const m = await p;
  return m.ok ? { ok: true, base: mountpoint } : m;
}

interface Resolved {
  h: Handle;
  full: string;
  type: EntryType;
  st: Statns | null;
}

/** The appliance path of `parts`, after one lstat per component: no component is a link, every parent a directory. */
async function resolve(host: HostConfig, s: Session, which: Which, fsId: string, parts: readonly string[]): Promise<Ok<Resolved> | Fail> {
  const h = which === 'snapshot' ? s.snap : await originHandle(host, s);
  if (!h) return fail(409, 'the browse session was closed; try again');
  if ('ok' in h) return h;
  const m = await mounted(host, h, which === 'snapshot' ? `${s.vg}/${s.lv}` : `the origin ${s.vg}/${s.origin ?? ''}`, fsId);
  if (!m.ok) return m;
  const r = runnerFor(host);
  let full = m.base;
  let st: Statns | null = null;
  let type: EntryType = 'dir';
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 && type === 'link') return fail(409, `/${parts.slice(0, i).join('/')} is a symbolic link: links are shown, never followed`);
    if (i > 0 && type !== 'dir') return fail(404, `/${parts.slice(0, i).join('/')} is not a directory`);
    full = `${full}/${parts[i] ?? ''}`;
    st = parseStatns((await gf(r, h, { cmd: 'lstatns', path: full })).stdout);
    if (!st) return fail(404, `/${parts.join('/')}: no such file or directory in ${which === 'snapshot' ? 'the snapshot' : 'the origin'}`);
    type = modeType(st.mode);
  }
  return { ok: true, h, full, type, st };
}

/** Every entry of an appliance directory: names (ls0), lstat in batches, link targets. Nothing is followed. */
async function entriesOf(r: HostRunner, h: Handle, dir: string): Promise<FileEntry[]> {
  const names = parseLs0((await gf(r, h, { cmd: 'ls0', dir })).stdout);
  const stats = new Map<string, Statns>();
  const safe = names.filter(cmd.listSafeName);
  for (let i = 0; i < safe.length; i += cmd.GUESTFISH_LIST_MAX) {
    const batch = safe.slice(i, i + cmd.GUESTFISH_LIST_MAX);
    const list = parseStatnsList((await gf(r, h, { cmd: 'lstatnslist', dir, names: batch })).stdout, batch.length);
    batch.forEach((n, k) => {
      const st = list?.[k];
      if (st) stats.set(n, st);
    });
  }
  for (const n of names.filter((x) => !cmd.listSafeName(x) || !stats.has(x))) {
    if (stats.has(n)) continue;
    const st = parseStatns((await gf(r, h, { cmd: 'lstatns', path: `${dir}/${n}` })).stdout);
    if (st) stats.set(n, st);
  }
  const links = names.filter((n) => stats.get(n) && modeType(stats.get(n)?.mode ?? 0) === 'link');
  const targets = new Map<string, string>();
  const safeLinks = links.filter(cmd.listSafeName);
  for (let i = 0; i < safeLinks.length; i += cmd.GUESTFISH_LIST_MAX) {
    const batch = safeLinks.slice(i, i + cmd.GUESTFISH_LIST_MAX);
    const t = parseReadlinkList((await gf(r, h, { cmd: 'readlinklist', dir, names: batch })).stdout, batch.length);
    if (t) batch.forEach((n, k) => targets.set(n, t[k] ?? ''));
  }
  for (const n of links.filter((x) => !targets.has(x))) {
    targets.set(n, parseGuestfishString((await gf(r, h, { cmd: 'readlink', path: `${dir}/${n}` })).stdout) ?? '');
  }
  return names.flatMap((n) => {
    const st = stats.get(n);
    return st ? [statnsEntry(n, st, targets.get(n) ?? null)] : [];
  });
}

export async function listFilesystems(host: HostConfig, vg: string, lv: string): Promise<Ok<{ filesystems: GuestFs[]; origin: string | null }> | Fail> {
  return withSession(host, vg, lv, (s, snap) => Promise.resolve({ ok: true as const, filesystems: snap.fs, origin: s.origin }));
}

export async function listDirectory(
  host: HostConfig, vg: string, lv: string, which: Which, fsId: string, parts: readonly string[],
  page: { offset: number; limit: number; sort: SortKey; desc: boolean },
): Promise<Ok<{ listing: Listing }> | Fail> {
  return withSession(host, vg, lv, async (s) => {
    const d = await resolve(host, s, which, fsId, parts);
    if (!d.ok) return d;
    if (d.type === 'link') return fail(409, `/${parts.join('/')} is a symbolic link: links are shown, never followed`);
    if (d.type !== 'dir') return fail(409, `/${parts.join('/')} is not a directory`);
    const all = sortEntries(await entriesOf(runnerFor(host), d.h, d.full), page.sort, page.desc);
    return { ok: true, listing: { path: `/${parts.join('/')}`, entries: all.slice(page.offset, page.offset + page.limit), total: all.length, offset: page.offset, limit: page.limit } };
  });
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

function notReadable(parts: readonly string[], type: EntryType): Fail | null {
  const p = `/${parts.join('/')}`;
  if (type === 'link') return fail(409, `${p} is a symbolic link: it is shown as a link and never followed, so it cannot be downloaded`);
  if (type === 'dir') return fail(409, `${p} is a directory: download it as .tar.gz`);
  if (type !== 'file') return fail(409, `${p} is a ${type === 'fifo' ? 'FIFO' : type === 'char' || type === 'block' ? 'device file' : type}: listed, never opened`);
  return null;
}

/** A regular file's bytes streamed from the appliance (`download FILE -`; a preview: `pread`). */
export async function readFile(host: HostConfig, vg: string, lv: string, which: Which, fsId: string, parts: readonly string[], maxBytes?: number): Promise<Ok<{ stream: ByteStream; name: string }> | Fail> {
  if (parts.length === 0) return fail(409, '/ is a directory');
  return withSession(host, vg, lv, async (s) => {
    const d = await resolve(host, s, which, fsId, parts);
    if (!d.ok) return d;
    const no = notReadable(parts, d.type);
    if (no) return no;
    const argv = cmd.guestfishRemote(d.h.pid, maxBytes === undefined ? { cmd: 'download', file: d.full } : { cmd: 'pread', file: d.full, count: maxBytes });
    return { ok: true as const, name: parts[parts.length - 1] ?? 'file', stream: track(s, (signal) => streamCommand(host, argv, signal)) };
  });
}

/** A directory as a streamed .tar.gz made inside the appliance (`tar-out DIR - compress:gzip`). */
export async function archiveDirectory(host: HostConfig, vg: string, lv: string, fsId: string, parts: readonly string[]): Promise<Ok<{ stream: ByteStream; name: string }> | Fail> {
  return withSession(host, vg, lv, async (s) => {
    const d = await resolve(host, s, 'snapshot', fsId, parts);
    if (!d.ok) return d;
    if (d.type === 'link') return fail(409, `/${parts.join('/')} is a symbolic link: links are never followed`);
    if (d.type !== 'dir') return fail(409, `/${parts.join('/')} is not a directory`);
    const name = `${lv}-${fsId}${parts.length === 0 ? '' : `-${parts.join('-')}`}.tar.gz`.replace(/[^A-Za-z0-9._-]/g, '_');
    const argv = cmd.guestfishRemote(d.h.pid, { cmd: 'tar-out', dir: d.full });
    return { ok: true as const, name, stream: track(s, (signal) => streamCommand(host, argv, signal)) };
  });
}

async function checksum(r: HostRunner, h: Handle, file: string): Promise<string | null> {
  const c = parseGuestfishString((await gf(r, h, { cmd: 'checksum', file })).stdout);
  return c && /^[0-9a-f]{64}$/.test(c) ? c : null;
}

/** Same answers as the mount backend's diffPath; contents compared by SHA-256 inside each appliance. */
export async function diffPath(host: HostConfig, vg: string, lv: string, fsId: string, parts: readonly string[], hash = false): Promise<Ok<{ result: DiffResult }> | Fail> {
  return withSession(host, vg, lv, async (s) => {
    const path = `/${parts.join('/')}`;
    const a = await resolve(host, s, 'snapshot', fsId, parts);
    if (!a.ok) return a;
    const b = await resolve(host, s, 'origin', fsId, parts);
    if (!b.ok && b.status !== 404) return b;
    const r = runnerFor(host);
    if (a.type === 'dir') {
      const sa = await entriesOf(r, a.h, a.full);
      if (!b.ok || b.type !== 'dir') return { ok: true, result: { kind: 'dir', path, added: [], removed: sa, changed: [], unchanged: 0, byContent: hash } };
      const sb = await entriesOf(r, b.h, b.full);
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
          const [ha, hb] = [await checksum(r, a.h, `${a.full}/${e.name}`), await checksum(r, b.h, `${b.full}/${e.name}`)];
          content = ha && hb ? ha !== hb : null;
        }
        if (meta || content === true) changed.push({ name: e.name, snapshot: e, origin: o, contentChanged: content });
        else unchanged++;
      }
      return { ok: true, result: { kind: 'dir', path, added: sb.filter((e) => !ma.has(e.name)), removed: sa.filter((e) => !mb.has(e.name)), changed, byContent: hash, unchanged } };
    }
    if (!b.ok) return { ok: true, result: { kind: 'file', path, status: 'removed', diff: null, binary: false, note: 'not in the origin now' } };
    if (a.type !== b.type) return { ok: true, result: { kind: 'file', path, status: 'type-changed', diff: null, binary: false, note: `${a.type} in the snapshot, ${b.type} in the origin` } };
    if (a.type !== 'file') return { ok: true, result: { kind: 'file', path, status: 'same', diff: null, binary: false, note: `a ${a.type}: not opened, not compared` } };
    const [ha, hb] = [await checksum(r, a.h, a.full), await checksum(r, b.h, b.full)];
    if (!ha || !hb) return fail(502, `cannot compare ${path}: ${await why(r, ha ? b.h : a.h)}`);
    if (ha === hb) return { ok: true, result: { kind: 'file', path, status: 'same', diff: null, binary: false, note: null } };
    if ((a.st?.size ?? 0) > DIFF_MAX_BYTES || (b.st?.size ?? 0) > DIFF_MAX_BYTES) {
      return { ok: true, result: { kind: 'file', path, status: 'changed', diff: null, binary: false, note: `larger than ${DIFF_MAX_BYTES} bytes: compared by checksum, no text diff` } };
    }
    const [ta, tb] = [(await r.run(cmd.guestfishRemote(a.h.pid, { cmd: 'download', file: a.full }), { reject: false })).stdout, (await r.run(cmd.guestfishRemote(b.h.pid, { cmd: 'download', file: b.full }), { reject: false })).stdout];
    if (ta.includes('\0') || tb.includes('\0')) return { ok: true, result: { kind: 'file', path, status: 'changed', diff: null, binary: true, note: 'binary files differ' } };
    const diff = unifiedDiff(ta, tb, `snapshot:${path}`, `origin:${path}`);
    return { ok: true, result: { kind: 'file', path, status: 'changed', diff, binary: false, note: diff === null ? 'too many changed lines for a text diff' : null } };
  });
}

/** Whether a session of this snapshot is open now (tests). */
export function hasSession(hostId: string, vg: string, lv: string): boolean {
  return sessions.has(key(hostId, vg, lv));
}
