/**
 * Parsers for the virsh output Cowherd reads (libvirt 9.0, recorded in the lab: fixtures/README.md) and the
 * disk -> LV mapping. Pure. Malformed output throws VirshParseError (a bug or an unexpected libvirt).
 * The inventory reads every domain with one `virsh domstats --state --block` (domainsFromDomstats); waits read
 * one domain's state (parseDomstate).
 */

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

export interface DomainDisk {
  /** Guest device name: vda, sda, hdc. */
  target: string;
  /** The host path (block device or file), or null where domstats gives none (empty cdrom, network disk). */
  source: string | null;
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

// --- virsh domstate ---------------------------------------------------------------------------------------

/** `virsh domstate NAME`: "running\n\n". */
export function parseDomstate(stdout: string): DomainState {
  const first = stdout.split('\n').find((l) => l.trim() !== '');
  if (first === undefined) throw new VirshParseError('virsh domstate: empty output');
  return parseStateWord(first.replace(/\s*\(.*\)\s*$/, '')); // "running (booted)" with --reason
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

/** Every domain from one `virsh domstats --state --block`, each disk mapped to its LV where it is one. */
export function domainsFromDomstats(stdout: string, vgNames?: readonly string[]): Domain[] {
  return parseDomstats(stdout).map((d) => ({
    name: d.name,
    state: d.state,
    disks: d.disks.map((disk) => {
      const lv = mapDiskToLv(disk.path, vgNames);
      return { target: disk.target, source: disk.path, vg: lv?.vg ?? null, lv: lv?.lv ?? null };
    }),
  }));
}
