/**
 * Parsers for virsh output (libvirt 9.0, recorded in the lab: fixtures/README.md) and the disk -> LV mapping.
 * Pure. Malformed output throws VirshParseError (a bug or an unexpected libvirt); failed commands are the
 * caller's business: classify their stderr with classifyVirshError().
 */
import { childNamed, childrenNamed, parseXml } from './xml';

export class VirshParseError extends Error {
  override name = 'VirshParseError';
}

export type DomainState =
  | 'running'
  | 'idle'
  | 'paused'
  | 'in shutdown'
  | 'shut off'
  | 'crashed'
  | 'pmsuspended'
  | 'unknown';

/** libvirt's <disk type=...>; domblklist prints the same words. */
export type DiskType = 'block' | 'file' | 'volume' | 'network' | 'dir' | 'nvme' | 'vhostuser' | 'vhostvdpa';
/** libvirt's <disk device=...>. */
export type DiskDevice = 'disk' | 'cdrom' | 'floppy' | 'lun';

export interface DomainDisk {
  /** Guest device name: vda, sda, hdc. */
  target: string;
  /** The host path (block dev / file), the volume or network name as virsh shows it, or null (empty cdrom). */
  source: string | null;
  /** null when the source of the listing does not say (domstats). */
  type: DiskType | null;
  device: DiskDevice | null;
  /** The LV behind the disk, when its source is an LVM device path (mapDiskToLv). */
  vg: string | null;
  lv: string | null;
}

export interface Domain {
  name: string;
  state: DomainState;
  disks: DomainDisk[];
}

// --- states -------------------------------------------------------------------------------------------------

const STATE_WORDS: Record<string, DomainState> = {
  running: 'running',
  idle: 'idle',
  blocked: 'idle',
  paused: 'paused',
  'in shutdown': 'in shutdown',
  'shut off': 'shut off',
  crashed: 'crashed',
  pmsuspended: 'pmsuspended',
  'no state': 'unknown',
};

/** virDomainState numbers as domstats prints them (state.state=N). */
const STATE_CODES: readonly DomainState[] = [
  'unknown', // 0 VIR_DOMAIN_NOSTATE
  'running', // 1
  'idle', // 2 VIR_DOMAIN_BLOCKED, shown as "idle" by virsh
  'paused', // 3
  'in shutdown', // 4
  'shut off', // 5
  'crashed', // 6
  'pmsuspended', // 7
];

/** A state word as virsh prints it; anything unrecognised is 'unknown'. */
export function parseStateWord(word: string): DomainState {
  return STATE_WORDS[word.trim()] ?? 'unknown';
}

export function stateFromCode(code: number): DomainState {
  return STATE_CODES[code] ?? 'unknown';
}

// --- virsh list, domstate -----------------------------------------------------------------------------------

/** `virsh list --all --name`: one name per line, a blank line at the end. */
export function parseListNames(stdout: string): string[] {
  return stdout.split('\n').filter((line) => line.trim() !== '');
}

export interface ListedDomain {
  /** null for a domain that is not running ("-"). */
  id: number | null;
  name: string;
  state: DomainState;
}

const LIST_ROW = /^\s*(\d+|-)\s+(.+?)\s+(running|idle|blocked|paused|in shutdown|shut off|crashed|pmsuspended|no state)\s*$/;

/**
 * `virsh list --all`:
 * ```
 *  Id   Name    State
 * ------------------------
 *  1    web01   running
 *  -    db01    shut off
 * ```
 * The state is matched from the end because "shut off" has a space and names may have some too.
 */
export function parseListAll(stdout: string): ListedDomain[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s*Id\s+Name\s+State\s*$/.test(l));
  if (header === -1 || !/^-+$/.test(lines[header + 1]?.trim() ?? '')) {
    throw new VirshParseError(`virsh list --all: no "Id Name State" header in ${JSON.stringify(stdout.slice(0, 80))}`);
  }
  return lines.slice(header + 2).flatMap((line) => {
    if (line.trim() === '') return [];
    const m = LIST_ROW.exec(line);
    if (!m) throw new VirshParseError(`virsh list --all: unexpected row ${JSON.stringify(line)}`);
    const [, id = '-', name = '', state = ''] = m;
    return [{ id: id === '-' ? null : Number(id), name, state: parseStateWord(state) }];
  });
}

/** `virsh domstate NAME`: "running\n\n". */
export function parseDomstate(stdout: string): DomainState {
  const first = stdout.split('\n').find((l) => l.trim() !== '');
  if (first === undefined) throw new VirshParseError('virsh domstate: empty output');
  return parseStateWord(first.replace(/\s*\(.*\)\s*$/, '')); // "running (booted)" with --reason
}

// --- virsh domblklist --details -----------------------------------------------------------------------------

export interface BlockListDisk {
  type: string;
  device: string;
  target: string;
  /** null for "-" (an empty cdrom). A volume disk shows the volume name only, a network disk its name. */
  source: string | null;
}

/**
 * `virsh domblklist NAME --details`:
 * ```
 *  Type    Device   Target   Source
 * ----------------------------------------
 *  block   disk     vda      /dev/vg0/web
 *  file    cdrom    hdc      -
 * ```
 * The source is the rest of the line: file names may contain spaces ("/var/lib/libvirt/images/mix01 data.qcow2").
 */
export function parseDomblklist(stdout: string): BlockListDisk[] {
  const lines = stdout.split('\n');
  const header = lines.findIndex((l) => /^\s*Type\s+Device\s+Target\s+Source\s*$/.test(l));
  if (header === -1 || !/^-+$/.test(lines[header + 1]?.trim() ?? '')) {
    throw new VirshParseError(
      `virsh domblklist --details: no "Type Device Target Source" header in ${JSON.stringify(stdout.slice(0, 80))}`,
    );
  }
  return lines.slice(header + 2).flatMap((line) => {
    if (line.trim() === '') return [];
    const m = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(.*?)\s*$/.exec(line);
    if (!m) throw new VirshParseError(`virsh domblklist: unexpected row ${JSON.stringify(line)}`);
    const [, type = '', device = '', target = '', source = ''] = m;
    return [{ type, device, target, source: source === '-' || source === '' ? null : source }];
  });
}

// --- virsh domstats --state --block -------------------------------------------------------------------------

export interface DomstatsDomain {
  name: string;
  state: DomainState;
  stateCode: number;
  /** state.reason, whose meaning depends on the state (virDomainRunningReason, ...). */
  reasonCode: number;
  /** In block.N order; `path` is absent for empty cdroms, network disks and shut-off volume disks. */
  disks: { target: string; path: string | null }[];
}

/**
 * `virsh domstats --state --block`:
 * ```
 * Domain: 'web01'
 *   state.state=1
 *   state.reason=1
 *   block.count=1
 *   block.0.name=vda
 *   block.0.path=/dev/vg0/web
 *   ...
 * ```
 */
export function parseDomstats(stdout: string): DomstatsDomain[] {
  const domains: { name: string; fields: Map<string, string> }[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const head = /^Domain: '(.*)'$/.exec(line);
    if (head) {
      domains.push({ name: head[1] ?? '', fields: new Map() });
      continue;
    }
    const kv = /^\s+([\w.-]+)=(.*)$/.exec(line);
    const current = domains[domains.length - 1];
    if (!kv || !current) throw new VirshParseError(`virsh domstats: unexpected line ${JSON.stringify(line)}`);
    current.fields.set(kv[1] ?? '', kv[2] ?? '');
  }
  return domains.map(({ name, fields }) => {
    const int = (key: string): number => {
      const value = fields.get(key);
      if (value === undefined || !/^\d+$/.test(value)) {
        throw new VirshParseError(`virsh domstats: domain '${name}' has no integer ${key} (${JSON.stringify(value)})`);
      }
      return Number(value);
    };
    const stateCode = int('state.state');
    const blockCount = fields.has('block.count') ? int('block.count') : 0;
    const disks = Array.from({ length: blockCount }, (_, i) => {
      const target = fields.get(`block.${i}.name`);
      if (target === undefined) throw new VirshParseError(`virsh domstats: domain '${name}' has no block.${i}.name`);
      return { target, path: fields.get(`block.${i}.path`) ?? null };
    });
    return { name, state: stateFromCode(stateCode), stateCode, reasonCode: int('state.reason'), disks };
  });
}

// --- virsh dumpxml ------------------------------------------------------------------------------------------

export interface XmlDisk {
  type: string;
  device: string;
  target: string;
  bus: string | null;
  /**
   * Where the data is: source/@dev for type='block', source/@file for 'file', source/@dir for 'dir',
   * source/@name for 'network', "POOL/VOLUME" for 'volume'; null when there is no <source> (empty cdrom).
   */
  source: string | null;
  /** For type='volume'. */
  pool: string | null;
  volume: string | null;
  /** For type='network': nbd, rbd, iscsi, ... */
  protocol: string | null;
  /** driver/@type: raw, qcow2, ... */
  format: string | null;
  readonly: boolean;
}

export interface DomainXml {
  name: string;
  uuid: string | null;
  disks: XmlDisk[];
}

/**
 * The disks of `virsh dumpxml` output. Only each <disk>'s direct <source> counts: the <source> inside
 * <backingStore> (backing chain) or <mirror> (a block copy in progress) is not where the guest writes.
 */
export function parseDomainXml(xml: string): DomainXml {
  const root = parseXml(xml);
  if (root.name !== 'domain') throw new VirshParseError(`dumpxml: root element is <${root.name}>, not <domain>`);
  const name = childNamed(root, 'name')?.text.trim();
  if (!name) throw new VirshParseError('dumpxml: <domain> has no <name>');
  const devices = childNamed(root, 'devices');
  const disks = (devices ? childrenNamed(devices, 'disk') : []).map((disk): XmlDisk => {
    const type = disk.attributes.type ?? 'file';
    const target = childNamed(disk, 'target')?.attributes.dev;
    if (!target) throw new VirshParseError(`dumpxml of ${name}: a <disk> without <target dev=...>`);
    const src = childNamed(disk, 'source')?.attributes;
    const pool = src?.pool ?? null;
    const volume = src?.volume ?? null;
    let source: string | null = null;
    if (src) {
      if (type === 'volume') source = pool !== null && volume !== null ? `${pool}/${volume}` : null;
      else if (type === 'network') source = src.name ?? null;
      else source = src.dev ?? src.file ?? src.dir ?? null;
    }
    return {
      type,
      device: disk.attributes.device ?? 'disk',
      target,
      bus: childNamed(disk, 'target')?.attributes.bus ?? null,
      source,
      pool: type === 'volume' ? pool : null,
      volume: type === 'volume' ? volume : null,
      protocol: type === 'network' ? (src?.protocol ?? null) : null,
      format: childNamed(disk, 'driver')?.attributes.type ?? null,
      readonly: childNamed(disk, 'readonly') !== undefined,
    };
  });
  return { name, uuid: childNamed(root, 'uuid')?.text.trim() ?? null, disks };
}

// --- disk -> LV ---------------------------------------------------------------------------------------------

/** /dev subdirectories that are not VGs, for the case where the caller cannot pass the VG names. */
const NOT_VGS = new Set([
  'block', 'bus', 'char', 'cpu', 'disk', 'dri', 'fd', 'hugepages', 'input', 'loop', 'mapper', 'md', 'mqueue',
  'net', 'pts', 'shm', 'snd', 'vfio', 'zvol',
]);
const LVM_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;

/**
 * Split a device-mapper name made by LVM ("VG-LV", with each "-" inside a name doubled) into its VG and LV.
 * Returns null when the name is not of that form, or has a layer suffix ("vg0-web-real", "vg1-pool-tpool").
 */
export function splitDmName(dmName: string): { vg: string; lv: string } | null {
  const parts: string[] = [''];
  for (let i = 0; i < dmName.length; i++) {
    const ch = dmName.charAt(i);
    if (ch === '-' && dmName.charAt(i + 1) === '-') {
      parts[parts.length - 1] += '-';
      i++;
    } else if (ch === '-') {
      parts.push('');
    } else {
      parts[parts.length - 1] += ch;
    }
  }
  if (parts.length !== 2) return null;
  const [vg = '', lv = ''] = parts;
  return vg !== '' && lv !== '' ? { vg, lv } : null;
}

/**
 * The LV behind a disk source path: "/dev/VG/LV" or "/dev/mapper/VG-LV" ("/dev/mapper/my--vg-my--lv" is
 * my-vg/my-lv). "/dev/dm-N", files, volume and network sources, and anything else give null: /dev/dm-N would
 * need the host's /sys/block/dm-N/dm/name. Pass `vgNames` (from vgs) whenever possible: then a path maps only
 * to an existing VG, so /dev/md/x or /dev/mapper/luks-x cannot be mistaken for an LV.
 */
export function mapDiskToLv(
  source: string | null | undefined,
  vgNames?: readonly string[],
): { vg: string; lv: string } | null {
  if (!source) return null;
  let found: { vg: string; lv: string } | null = null;
  const mapper = /^\/dev\/mapper\/([^/]+)$/.exec(source);
  const direct = /^\/dev\/([^/]+)\/([^/]+)$/.exec(source);
  if (mapper) found = splitDmName(mapper[1] ?? '');
  else if (direct && !NOT_VGS.has(direct[1] ?? '')) found = { vg: direct[1] ?? '', lv: direct[2] ?? '' };
  if (!found || !LVM_NAME.test(found.vg) || !LVM_NAME.test(found.lv)) return null;
  if (vgNames && !vgNames.includes(found.vg)) return null;
  return found;
}

// --- building Domain ----------------------------------------------------------------------------------------

const DISK_TYPES: readonly string[] = ['block', 'file', 'volume', 'network', 'dir', 'nvme', 'vhostuser', 'vhostvdpa'];
const DISK_DEVICES: readonly string[] = ['disk', 'cdrom', 'floppy', 'lun'];

function diskType(type: string): DiskType | null {
  return DISK_TYPES.includes(type) ? (type as DiskType) : null;
}

function diskDevice(device: string): DiskDevice | null {
  return DISK_DEVICES.includes(device) ? (device as DiskDevice) : null;
}

/** Every domain from one `virsh domstats --state --block`; disk type and device are null (domstats omits them). */
export function domainsFromDomstats(stdout: string, vgNames?: readonly string[]): Domain[] {
  return parseDomstats(stdout).map((d) => ({
    name: d.name,
    state: d.state,
    disks: d.disks.map((disk) => {
      const lv = mapDiskToLv(disk.path, vgNames);
      return { target: disk.target, source: disk.path, type: null, device: null, vg: lv?.vg ?? null, lv: lv?.lv ?? null };
    }),
  }));
}

/** A domain from its state and `virsh domblklist --details`. */
export function domainFromBlockList(
  name: string,
  state: DomainState,
  disks: readonly BlockListDisk[],
  vgNames?: readonly string[],
): Domain {
  return {
    name,
    state,
    disks: disks.map((disk) => {
      // domblklist shows a volume disk's volume name only, which is not a path.
      const lv = disk.type === 'block' || disk.type === 'file' ? mapDiskToLv(disk.source, vgNames) : null;
      return {
        target: disk.target,
        source: disk.source,
        type: diskType(disk.type),
        device: diskDevice(disk.device),
        vg: lv?.vg ?? null,
        lv: lv?.lv ?? null,
      };
    }),
  };
}

/**
 * A domain from `virsh dumpxml` and its state. A type='volume' disk maps to an LV only through `poolToVg`
 * (libvirt pool name -> VG name, from `virsh pool-dumpxml`): a pool is often named after its VG, but not always,
 * and guessing would point snapshots at the wrong LV.
 */
export function domainFromXml(
  xml: string,
  state: DomainState,
  options: { vgNames?: readonly string[]; poolToVg?: Readonly<Record<string, string>> } = {},
): Domain {
  const parsed = parseDomainXml(xml);
  return {
    name: parsed.name,
    state,
    disks: parsed.disks.map((disk) => {
      let lv: { vg: string; lv: string } | null = null;
      if (disk.type === 'volume' && disk.pool !== null && disk.volume !== null) {
        const vg = options.poolToVg?.[disk.pool];
        if (vg !== undefined && (!options.vgNames || options.vgNames.includes(vg))) lv = { vg, lv: disk.volume };
      } else if (disk.type === 'block' || disk.type === 'file') {
        lv = mapDiskToLv(disk.source, options.vgNames);
      }
      return {
        target: disk.target,
        source: disk.source,
        type: diskType(disk.type),
        device: diskDevice(disk.device),
        vg: lv?.vg ?? null,
        lv: lv?.lv ?? null,
      };
    }),
  };
}

/** Fill in the type and device of a domstats-built domain's disks from domblklist or dumpxml, by target. */
export function withDiskDetails(
  domain: Domain,
  details: readonly { target: string; type: string; device: string }[],
): Domain {
  return {
    ...domain,
    disks: domain.disks.map((disk) => {
      const d = details.find((x) => x.target === disk.target);
      return d ? { ...disk, type: diskType(d.type), device: diskDevice(d.device) } : disk;
    }),
  };
}

// --- errors -------------------------------------------------------------------------------------------------

/**
 * The exact stderr of `virsh domfsfreeze web01` when the domain has no connected guest agent (libvirt 9.0, lab):
 * two lines, then exit code 1. `virsh qemu-agent-command` prints only the second line.
 */
export const FSFREEZE_NO_AGENT_STDERR =
  'error: Unable to freeze filesystems\nerror: Guest agent is not responding: QEMU guest agent is not connected\n';
export const AGENT_NOT_CONNECTED = 'QEMU guest agent is not connected';

export type VirshErrorKind =
  /** The agent channel is configured but nothing answers on it (no qemu-ga in the guest). */
  | 'agent-not-connected'
  /** The agent is connected but did not answer in time, or is busy. */
  | 'agent-unresponsive'
  /** The domain XML has no org.qemu.guest_agent.0 channel at all. */
  | 'agent-not-configured'
  | 'domain-not-running'
  | 'no-such-domain'
  | 'other';

/** Classify a failed virsh command by its stderr (libvirt 9 wording, recorded in fixtures/agent-and-errors.txt). */
export function classifyVirshError(stderr: string): VirshErrorKind {
  if (stderr.includes(AGENT_NOT_CONNECTED)) return 'agent-not-connected';
  if (/QEMU guest agent is not configured/i.test(stderr)) return 'agent-not-configured';
  if (/Guest agent is not responding|Guest agent not available for now|agent is busy/i.test(stderr)) {
    return 'agent-unresponsive';
  }
  if (/domain is not running/i.test(stderr)) return 'domain-not-running';
  if (/failed to get domain|Domain not found/i.test(stderr)) return 'no-such-domain';
  return 'other';
}
