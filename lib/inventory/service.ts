import 'server-only';
import { createHash } from 'node:crypto';
import { config } from '@/lib/config/hosts';
import { env } from '@/lib/env';
import { runnerFor } from '@/lib/host';
import { applyFill, knownLvs } from '@/lib/dm/apply';
import { dmStatusArgv } from '@/lib/dm/commands';
import { DmPollStream } from '@/lib/dm/poll-stream';
import { deviceSetKey, fillFromDm, parseDmsetupStatusVerbose, type DmDevice, type DmInfo } from '@/lib/dm/status';
import { collectFullRead, collectVolume, FullReadStream, runRead } from './collect';
import { CommandError, type HostRunner } from '@/lib/host/types';
import type { HostStatus, Inventory } from './types';

/** A device set the polls compare with: a poll with another key means something changed that only lvs can tell. */
interface DmBaseline {
  devices: DmDevice[];
  info: DmInfo[];
  /** deviceSetKey() of the devices. */
  key: string;
}

interface HostState {
  last?: Inventory;
  lastError?: { message: string; at: string };
  inflight?: Promise<Inventory>;
  /**
   * The device set the polls compare with: that of a poll started before the last full read; null when the host
   * has no usable dmsetup.
   */
  dm?: DmBaseline | null;
  /** The newest poll's device set, whether or not it matched (the next full read's baseline). */
  seen?: DmBaseline & { startedAt: number };
  /** When the last full read started (ms). */
  fullAt?: number;
  /** This host's share of the slow interval (slowIntervalFactor): hosts started together do not stay in step. */
  slowFactor?: number;
  /** When the last read asked for with ?fresh=1 started (epoch ms). */
  lastFreshStart?: number;
  /** The host's dm poll loop over one open ssh channel (ssh hosts only). */
  stream?: DmPollStream;
  /** The host's full-read loop over another open ssh channel (ssh hosts only). */
  fullStream?: FullReadStream;
  /** The newest published poll (device-mapper figures and when it started), for a full read that ends after it. */
  lastPoll?: { devices: DmDevice[]; info: DmInfo[]; startedAt: number };
}

/**
 * At most one ?fresh=1 read is started per host in this interval. Any viewer can ask for fresh reads, and each is
 * a root command on the host: without a limit a script in a loop would keep the host busy.
 */
export const FRESH_READ_INTERVAL_MS = 5000;

export type PollKind =
  | 'fast'
  | 'full: first read'
  | 'full: device set changed'
  | 'full: slow interval'
  | 'full: after an error'
  | 'full: no dmsetup'
  | 'full: joined a read in flight'
  /** The dm poll, with the slow interval's full read started beside it (not waited for). */
  | 'fast, full read started';

export interface InventoryView {
  /** The newest inventory read from the host (possibly older than the last failed attempt). */
  inventory: Inventory | null;
  reachable: boolean;
  error?: string;
  errorAt?: string;
}

const g = globalThis as { __cowherdInventory?: Map<string, HostState> };
const states: Map<string, HostState> = (g.__cowherdInventory ??= new Map<string, HostState>());

function state(hostId: string): HostState {
  let s = states.get(hostId);
  if (!s) states.set(hostId, (s = {}));
  return s;
}

const listeners = new Set<(inv: Inventory) => void>();
/** Called with every successful refresh (the COW sampler and alerting listen). */
export function onInventory(fn: (inv: Inventory) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/**
 * Read a host now. Concurrent callers share one remote execution; a result younger than `maxAgeMs` is reused
 * (pages and the sampler poll the same hosts). Decisions that can lose data pass maxAgeMs = 0.
 */
export async function refreshInventory(hostId: string, maxAgeMs = 1000): Promise<Inventory> {
  const host = config().hosts.find((h) => h.id === hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  const s = state(hostId);
  if (maxAgeMs > 0 && s.last && !s.lastError && Date.now() - Date.parse(s.last.collectedAt) < maxAgeMs) return s.last;
  if (s.inflight && maxAgeMs > 0) return s.inflight;
  // The agent channels of the guests that ran at the last read are read alongside the rest (see batch.ts).
  const agentUuids = s.last?.domains.filter((d) => d.state === 'running' || d.state === 'paused').flatMap((d) => (d.uuid ? [d.uuid] : []));
  const runner = runnerFor(host);
  const stream = runner.transport === 'ssh' ? (s.fullStream ??= new FullReadStream(runner, host.libvirtUri)) : undefined;
  const p = (async () => {
    // The device set the next polls compare with: the newest poll's, taken BEFORE the read starts (see below).
    const baseline = s.seen ?? (await baselinePoll(s, runner));
    const started = Date.now();
    const { inventory } = await collectFullRead(hostId, runner, readTimeoutMs(), host.libvirtUri, agentUuids, stream);
    s.dm = baseline;
    s.fullAt = started;
    const next = withNewerPoll(inventory, s.dm, s.lastPoll, started);
    publish(s, next);
    return next;
  })()
    .catch((e: unknown) => {
      s.lastError = { message: (e as Error).message, at: new Date().toISOString() };
      throw e;
    })
    .finally(() => {
      if (s.inflight === p) s.inflight = undefined;
    });
  s.inflight = p;
  return p;
}

/**
 * The baseline of a full read when no poll was seen yet (the first read of a host, or one without a usable
 * dmsetup): one poll now, before the read. Null when dmsetup cannot be read (the host is then read in full).
 *
 * Why a poll from BEFORE the read, not one of the same moment: the full read runs vgs, lvs and virsh only (what
 * its floor runs; `dmsetup status -v` beside them cost ~15 % of a read at 1000 LVs under emulation). Whatever changed
 * after the baseline poll started, before or after lvs looked, makes the next poll's device set differ from it, so
 * the next poll reads in full again: a change is never missed, at worst read twice (a change made just before a
 * read, such as a job's own, is seen by that read and again by the read the next poll starts).
 */
async function baselinePoll(s: HostState, runner: HostRunner): Promise<DmBaseline | null> {
  try {
    const startedAt = Date.now();
    const p = await readDm(s, runner, true);
    s.seen = { devices: p.devices, info: p.info, key: deviceSetKey(p.devices, p.info), startedAt };
    return s.seen;
  } catch {
    return null;
  }
}

/**
 * A poll that started after a full read did and was published meanwhile has the newer fill: the read keeps it, so
 * the figures (COW history, alerts) never step back to what lvs saw at the start of a long read. When that poll saw
 * the same device set as the read, the figures are the poll's and so is their time (collectedAt): a read that took
 * seconds on a busy host does not make the host's figures look that much older than they are. (With another device
 * set the poll's time is not claimed: the next poll reads in full anyway.)
 */
export function withNewerPoll(inventory: Inventory, dm: DmBaseline | null, poll: HostState['lastPoll'], started: number): Inventory {
  if (!poll || poll.startedAt <= started) return inventory;
  const sameSet = dm !== null && deviceSetKey(poll.devices, poll.info) === dm.key;
  const at = sameSet ? new Date(poll.startedAt).toISOString() : inventory.collectedAt;
  return { ...applyFill(inventory, fillFromDm(poll.devices, poll.info, knownLvs(inventory)), at), durationMs: inventory.durationMs };
}

const readTimeoutMs = () => Math.min(env().COWHERD_COMMAND_TIMEOUT_S * 1000, 60_000);

function publish(s: HostState, inv: Inventory): void {
  s.last = inv;
  s.lastError = undefined;
  for (const fn of listeners) {
    try {
      fn(inv);
    } catch (e) {
      console.error('inventory listener failed', e);
    }
  }
}

/**
 * The slow interval of a host, as a factor of COWHERD_INVENTORY_MS between 0.8 and 1, fixed per host id (a hash).
 * Hosts that the monitor starts at the same moment would otherwise read in full at the same moment every minute,
 * and many hosts behind one link, or one Cowherd with many hosts, would see a burst of full reads each minute; with
 * distinct periods the full reads spread out (as Prometheus spreads its scrapes by target).
 */
export function slowIntervalFactor(hostId: string): number {
  return 0.8 + 0.2 * (createHash('sha256').update(hostId).digest().readUInt32BE(0) / 0xffffffff);
}

/**
 * One poll of a host, at the cost of `dmsetup status -v` (no lvm2 lock, no device scan, no metadata read): the fill
 * of every snapshot, thin pool and thin volume, folded into the last full inventory and published to the listeners
 * (COW history, alerts, auto-extend). The full inventory (vgs, lvs, virsh) is read instead when there is none yet,
 * when the device set changed since it was read (an LV appeared, vanished or was resized: only lvm2 can name it),
 * and after a failed read. At the slow interval (COWHERD_INVENTORY_MS), for changes dm cannot see (a guest defined
 * or started, a tag), a full read is started beside the poll and not waited for. Jobs read in full after every
 * operation (refreshInventory with maxAge 0).
 */
export async function pollHost(hostId: string): Promise<PollKind> {
  const host = config().hosts.find((h) => h.id === hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  const s = state(hostId);
  const full = async (kind: PollKind): Promise<PollKind> => {
    await (s.inflight ?? refreshInventory(hostId, 0));
    return kind;
  };
  if (!s.last) return full('full: first read');
  if (s.lastError) return full('full: after an error');
  if (s.dm === null) return full('full: no dmsetup');
  s.slowFactor ??= slowIntervalFactor(hostId);
  // The slow interval's full read runs beside the polls, not instead of one: while lvs waits for a VG lock (an
  // lvcreate holds it) or a big or busy host takes seconds to list everything, the fill figures stay as fresh as
  // device-mapper makes them. Only a changed device set (below) has to wait for lvm2 to name the devices.
  let kind: PollKind = 'fast';
  if (!s.inflight && Date.now() - (s.fullAt ?? 0) >= env().COWHERD_INVENTORY_MS * s.slowFactor) {
    s.fullAt = Date.now(); // not again at the next poll while this one runs
    refreshInventory(hostId, 0).catch(() => undefined); // a failure is kept in the host's state (banner, alerts)
    kind = 'fast, full read started';
  }

  const started = new Date();
  const t0 = performance.now();
  let poll: DmRead;
  try {
    // With -v (every device's UUID afresh) when the slow interval comes round; plain `dmsetup status` otherwise.
    poll = await readDm(s, runnerFor(host), kind !== 'fast');
  } catch (e) {
    s.lastError = { message: (e as Error).message, at: new Date().toISOString() };
    throw e;
  }
  const key = deviceSetKey(poll.devices, poll.info);
  s.seen = { devices: poll.devices, info: poll.info, key, startedAt: started.getTime() };
  if (!s.dm || key !== s.dm.key) return full(s.inflight ? 'full: joined a read in flight' : 'full: device set changed');
  const base = s.last;
  // A full read that finished while this poll ran is at least as fresh: keep it.
  if (!base || Date.parse(base.collectedAt) > started.getTime()) return kind;
  const inv = applyFill(base, fillFromDm(poll.devices, poll.info, knownLvs(base)), started.toISOString());
  inv.durationMs = Math.round(performance.now() - t0);
  s.lastPoll = { devices: poll.devices, info: poll.info, startedAt: started.getTime() };
  publish(s, inv);
  return kind;
}

type DmRead = { devices: DmDevice[]; info: DmInfo[] };

/**
 * Device-mapper's view of a host: on an ssh host through its poll loop (one process start per poll instead of a
 * session, a shell, the helper and dmsetup; plain `dmsetup status` with the UUIDs of the last verbose poll unless
 * `verbose`: see DmPollStream.read); when the loop fails, `dmsetup status -v` once, so a broken loop costs one slower
 * poll and never a figure. A local host runs the command (as cheap as the loop).
 */
async function readDm(s: HostState, runner: HostRunner, verbose = false): Promise<DmRead> {
  if (runner.transport === 'ssh') {
    s.stream ??= new DmPollStream(runner);
    try {
      return await s.stream.read(readTimeoutMs(), { verbose });
    } catch (e) {
      s.stream.close();
      s.stream = undefined;
      // A host that did not answer in time would not answer the one-shot command sooner.
      if (e instanceof CommandError && e.failure === 'timeout') throw e;
    }
  }
  return parseDmsetupStatusVerbose((await runRead(runner, dmStatusArgv(), readTimeoutMs())).stdout);
}

/**
 * What pages and the API show: the monitor keeps every host's inventory within one poll interval of fresh, so a
 * reader takes that unless it is older than two intervals (the monitor stalled or is not running, e.g. in a
 * script); then it reads the host itself. Never throws: a host that stopped answering keeps its last good inventory.
 */
export const pageMaxAgeMs = (): number => 2 * env().COWHERD_POLL_MS;

/**
 * A read asked for by a client (GET /api/hosts/:host/inventory?fresh=1): it joins the read in flight if there is
 * one, starts a new full read if none was started for a client in the last FRESH_READ_INTERVAL_MS, and otherwise
 * gets what an ordinary reader gets (the monitor's figures).
 */
export async function freshInventoryForClient(hostId: string, now: number = Date.now()): Promise<Inventory> {
  const s = state(hostId);
  if (s.inflight) return s.inflight;
  if (s.lastFreshStart !== undefined && now - s.lastFreshStart < FRESH_READ_INTERVAL_MS) return refreshInventory(hostId, pageMaxAgeMs());
  s.lastFreshStart = now;
  return refreshInventory(hostId, 0);
}

export async function inventoryView(hostId: string, maxAgeMs: number | 'fresh-for-client' = pageMaxAgeMs()): Promise<InventoryView> {
  try {
    const inv = maxAgeMs === 'fresh-for-client' ? await freshInventoryForClient(hostId) : await refreshInventory(hostId, maxAgeMs);
    return { inventory: inv, reachable: true };
  } catch (e) {
    const s = state(hostId);
    return { inventory: s.last ?? null, reachable: false, error: (e as Error).message, errorAt: s.lastError?.at };
  }
}

export async function hostStatuses(): Promise<HostStatus[]> {
  return Promise.all(
    config().hosts.map(async (h) => {
      const v = await inventoryView(h.id);
      return { id: h.id, name: h.name, reachable: v.reachable, ...(v.error ? { error: v.error } : {}) };
    }),
  );
}

/** The last known inventory without touching the host (for metrics and alerts between polls). */
export function lastInventory(hostId: string): Inventory | undefined {
  return states.get(hostId)?.last;
}

/** One VG and one of its LVs, read now and not shared or published (see collectVolume). */
export async function readVolume(hostId: string, vg: string, lv: string): Promise<Inventory> {
  const host = config().hosts.find((h) => h.id === hostId);
  if (!host) throw new Error(`unknown host ${hostId}`);
  return collectVolume(hostId, runnerFor(host), vg, lv, readTimeoutMs());
}
