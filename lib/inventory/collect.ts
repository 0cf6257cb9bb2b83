import { CommandError, type HostRunner } from '@/lib/host/types';
import { DEFAULT_LIBVIRT_URI } from '@/lib/libvirt/commands';
import { domainsFromDomstats } from '@/lib/libvirt/parse';
import { lvsArgv, vgsArgv } from '@/lib/lvm/commands';
import { buildLvmModel } from '@/lib/lvm/model';
import { parseLvs, parseVgs } from '@/lib/lvm/reports';
import { RequestLoop } from '@/lib/host/request-loop';
import { inventoryLoopEnd, inventoryLoopRequest, inventoryLoopScript, inventoryScript, newNonce, parseAgents, parseUuidNames, splitSections, splitVirshBatch, type Section } from './batch';
import type { Inventory } from './types';

/** The default connection URI (scripts/bench.ts reads it from here). */
export const LIBVIRT_URI = DEFAULT_LIBVIRT_URI;

/** The one remote execution of an inventory read, on the host's libvirt connection (config `libvirtUri`). */
export function inventoryArgv(libvirtUri: string = DEFAULT_LIBVIRT_URI, agentUuids?: readonly string[], nonce = newNonce()): string[] {
  return ['sh', '-c', inventoryScript({ vgs: vgsArgv(), lvs: lvsArgv(), libvirtUri, agentUuids, nonce })];
}

/** The full read as a long-lived loop on the host (see inventoryLoopScript). */
export const INVENTORY_LOOP = inventoryLoopScript({ vgs: vgsArgv(), lvs: lvsArgv() });

/** The loop's argv: its libvirt URI and the hex id that names its section files. */
export function inventoryLoopArgv(libvirtUri: string = DEFAULT_LIBVIRT_URI, id = newNonce()): string[] {
  return ['sh', '-c', INVENTORY_LOOP, 'sh', libvirtUri, id];
}

/**
 * An ssh host's full reads over one open channel (INVENTORY_LOOP on a RequestLoop): the ssh session, the login
 * shell and the host helper are paid once an hour instead of at every read, and the section files are made once.
 * collectFullRead falls back to the one-shot script when the loop fails.
 */
export class FullReadStream {
  private readonly loop: RequestLoop;

  constructor(runner: HostRunner, libvirtUri: string = DEFAULT_LIBVIRT_URI, maxAgeMs = 3_600_000) {
    this.loop = new RequestLoop(runner, () => inventoryLoopArgv(libvirtUri), maxAgeMs);
  }

  /** One full read's framed answer (as the one-shot script prints it), with this nonce. */
  read(nonce: string, agentUuids: readonly string[] | undefined, timeoutMs: number): Promise<string> {
    return this.loop.request({ line: inventoryLoopRequest(nonce, agentUuids), end: inventoryLoopEnd(nonce), label: ['inventory'] }, timeoutMs);
  }

  close(): void {
    this.loop.close();
  }
}

export class InventoryError extends Error {
  override name = 'InventoryError';
}

function required(sections: Map<string, Section>, name: string): Section {
  const s = sections.get(name);
  if (!s) throw new InventoryError(`the host's answer has no ${name} section`);
  // lvm2 exits non-zero for a partial problem (one VG unreadable) but still reports the rest.
  if (s.exitCode !== 0 && s.stdout.trim() === '') {
    throw new InventoryError(`${name} failed (exit ${s.exitCode}): ${s.stderr.trim() || 'no output'}`);
  }
  return s;
}

export interface FullRead {
  inventory: Inventory;
}

/** Turn the output of the inventory script into an Inventory (pure: unit-tested on recorded output). */
export function parseInventory(host: string, stdout: string, durationMs: number, collectedAt = new Date()): Inventory {
  return parseFullRead(host, stdout, durationMs, collectedAt).inventory;
}

/** The inventory of a full read's answer (its nonce checked when given). */
export function parseFullRead(host: string, stdout: string, durationMs: number, collectedAt = new Date(), expectedNonce?: string): FullRead {
  const { nonce, sections } = splitSections(stdout, expectedNonce);
  const model = buildLvmModel(parseVgs(required(sections, 'vgs').stdout), parseLvs(required(sections, 'lvs').stdout));
  const vgNames = model.vgs.map((v) => v.name);
  let libvirt: Inventory['libvirt'] = 'ok';
  let libvirtError: string | undefined;
  let domains: Inventory['domains'] = [];
  const virsh = sections.get('virsh');
  const parts = virsh && virsh.exitCode === 0 ? splitVirshBatch(virsh.stdout, nonce) : null;
  const stats = parts?.get('domstats');
  if (sections.has('virsh-absent')) {
    libvirt = 'absent';
  } else if (stats === undefined) {
    // virsh connects before it runs the batch: when it cannot, it exits non-zero with nothing on stdout.
    libvirt = 'error';
    libvirtError = virsh?.stderr.trim() || 'virsh gave no answer';
  } else {
    const uuids = parseUuidNames(parts?.get('uuids') ?? '');
    // libvirt names are unique per connection, so name -> UUID is a function.
    const uuidOf = new Map([...uuids].map(([uuid, name]) => [name, uuid]));
    // The agents part of the batch; at the first read (no UUIDs known before it) a section of its own.
    const agents = parseAgents(parts?.get('agents') ?? sections.get('agents')?.stdout ?? '');
    domains = domainsFromDomstats(stats, vgNames).map((d) => {
      const uuid = uuidOf.get(d.name);
      return {
        name: d.name,
        ...(uuid ? { uuid } : {}),
        state: d.state,
        agent: uuid !== undefined && agents.has(uuid),
        disks: d.disks.map((k) => ({ target: k.target, source: k.source, vg: k.vg, lv: k.lv })),
      };
    });
  }
  const inventory: Inventory = {
    host,
    vgs: model.vgs,
    lvs: model.lvs,
    domains,
    libvirt,
    ...(libvirtError ? { libvirtError } : {}),
    collectedAt: collectedAt.toISOString(),
    fullReadAt: collectedAt.toISOString(),
    durationMs: Math.round(durationMs),
  };
  return { inventory };
}

/**
 * Why a read of a host failed, in the words a banner shows: ssh's own message for a host that does not answer
 * ("ssh: connect to host 10.0.0.5 port 22: Connection refused"), never the long inventory script itself.
 */
export function inventoryFailure(e: CommandError, timeoutMs: number): string {
  const stderr = e.stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-2).join(' / ');
  switch (e.failure) {
    case 'unreachable':
      return stderr || 'the host does not answer over ssh';
    case 'timeout':
      return `no answer within ${Math.round(timeoutMs / 1000)} s${stderr ? ` (${stderr})` : ''}`;
    case 'not-found':
      return `${e.argv[0] ?? 'the command'} is not installed where Cowherd runs`;
    case 'killed':
      return 'the read was killed before it finished';
    default:
      return `the inventory read failed with exit code ${e.exitCode}${stderr ? `: ${stderr}` : ''}`;
  }
}

/** One refresh of a host's inventory: one remote execution of vgs, lvs and virsh. */
export async function collectInventory(
  hostId: string,
  runner: HostRunner,
  timeoutMs = 60_000,
  libvirtUri: string = DEFAULT_LIBVIRT_URI,
): Promise<Inventory> {
  return (await collectFullRead(hostId, runner, timeoutMs, libvirtUri)).inventory;
}

/** A full read: one remote execution of vgs, lvs and virsh (on the host's loop when there is one). */
export async function collectFullRead(
  hostId: string,
  runner: HostRunner,
  timeoutMs = 60_000,
  libvirtUri: string = DEFAULT_LIBVIRT_URI,
  /** The domains that ran at the last read (see BatchSpec.agentUuids). */
  agentUuids?: readonly string[],
  /** The host's full-read loop (ssh hosts): tried first; when it fails, the one-shot script runs. */
  stream?: FullReadStream,
): Promise<FullRead> {
  const started = new Date();
  const t0 = performance.now();
  const nonce = newNonce();
  let stdout: string | undefined;
  if (stream) {
    try {
      stdout = await stream.read(nonce, agentUuids, timeoutMs);
    } catch (e) {
      stream.close();
      // A host that did not answer in time would not answer the one-shot script sooner.
      if (e instanceof CommandError && e.failure === 'timeout') throw new CommandError({ ...e, message: inventoryFailure(e, timeoutMs) });
    }
  }
  stdout ??= (await runRead(runner, inventoryArgv(libvirtUri, agentUuids, nonce), timeoutMs)).stdout;
  // collectedAt is when the read started: the data is at least that fresh.
  return parseFullRead(hostId, stdout, performance.now() - t0, started, nonce);
}

/** Run a read; a failure says why in the words a banner shows (inventoryFailure), never the script itself. */
export async function runRead(runner: HostRunner, argv: string[], timeoutMs: number) {
  try {
    return await runner.run(argv, { timeoutMs });
  } catch (e) {
    throw e instanceof CommandError ? new CommandError({ ...e, message: inventoryFailure(e, timeoutMs) }) : e;
  }
}

/** The one remote execution of a one-volume read (collectVolume); a builder so the host helper's verbs cover it. */
export function collectVolumeArgv(vg: string, lv: string, nonce = newNonce()): string[] {
  return ['sh', '-c', inventoryScript({ vgs: vgsArgv({ vg }), lvs: lvsArgv({ vg, lv }), libvirtUri: null, nonce })];
}

/**
 * A narrow read for an operation that needs one volume and its VG only (the extension of a filling snapshot, where
 * seconds count): `vgs VG` and `lvs -a VG/LV` at the same time in one remote execution, no virsh, no other VG.
 * The result is NOT a host inventory (one VG, one LV, no guests): it feeds that operation's plan and nothing else.
 */
export async function collectVolume(hostId: string, runner: HostRunner, vg: string, lv: string, timeoutMs = 60_000): Promise<Inventory> {
  const started = new Date();
  const t0 = performance.now();
  const nonce = newNonce();
  const r = await runRead(runner, collectVolumeArgv(vg, lv, nonce), timeoutMs);
  const { sections } = splitSections(r.stdout, nonce);
  const vgs = sections.get('vgs');
  const lvs = sections.get('lvs');
  // lvs exits 5 for a volume that does not exist: that is an empty answer (the plan says "no such snapshot").
  const model = buildLvmModel(
    vgs && vgs.exitCode === 0 ? parseVgs(vgs.stdout) : [],
    lvs && lvs.exitCode === 0 ? parseLvs(lvs.stdout) : [],
  );
  return {
    host: hostId,
    vgs: model.vgs,
    lvs: model.lvs,
    domains: [],
    libvirt: 'ok',
    collectedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
  };
}
