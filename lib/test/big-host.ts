// A big host in the lab, for the benchmark (scripts/bench.ts) and the e2e test of a 1000-LV host
// (e2e/inventory.spec.ts): volume group vgbench on the lab's spare disk /dev/vdc with n one-extent LVs, some of them
// classic snapshots, and libvirt domains bench-* whose disks are those LVs.
//
// Creating a thousand LVs one lvcreate at a time takes the emulated lab far too long, so the LVs are written as LVM
// text metadata and restored with one vgcfgrestore. A classic snapshot is written the way lvm2 itself writes one
// (vgcfgbackup after `lvcreate -s`): the COW LV, linear and without VISIBLE, plus a visible "snapshotN" LV whose one
// segment has type "snapshot", the origin's extent count, chunk_size, origin and cow_store.
//
// Nothing here touches anything but VG vgbench, /dev/vdc and domains named bench-*; the lab is shared.
// Every function that acts on the lab takes `run(script, input?)`, which runs a bash script there as root and
// resolves to its standard output (rejecting when it fails).
import { randomBytes } from 'node:crypto';

export type LabRun = (script: string, input?: string) => Promise<string>;

export const BIG_VG = 'vgbench';
export const BIG_PV = '/dev/vdc';
export const BIG_DOMAIN_PREFIX = 'bench-';
/** COW chunk size of the snapshots, in 512-byte sectors (4 KiB, lvm2's default). */
export const SNAPSHOT_CHUNK_SECTORS = 8;
/** dm-snapshot reads a COW device whose first chunk is all zeros as a new, empty snapshot. */
const COW_HEADER_BYTES = SNAPSHOT_CHUNK_SECTORS * 512;

export interface BigHostOptions {
  /** Visible LVs in vgbench, each one extent: origins and plain LVs first, then the snapshots' COW LVs. */
  lvs: number;
  /** How many of the first LVs get one classic snapshot each (at most lvs / 2). Default 0. */
  snapshots?: number;
  /** libvirt domains bench-0 … (type qemu, defined, not started), bench-i's disk being the i-th LV. Default lvs / 5. */
  domains?: number;
}

export interface BigHostLayout {
  /** Linear LVs, lv0000 …; the first `snapshots` of them are origins. */
  volumes: { name: string; extent: number }[];
  /** COW LVs snap0000 …, the snapshot of lv0000 …. */
  snapshots: { name: string; origin: string; extent: number; hidden: string }[];
  domains: { name: string; disk: string }[];
}

const pad = (i: number) => String(i).padStart(4, '0');

/** Names and places of everything the big host holds (pure). */
export function bigHostLayout(opts: BigHostOptions): BigHostLayout {
  const n = opts.lvs;
  const k = opts.snapshots ?? 0;
  const d = opts.domains ?? Math.floor(n / 5);
  if (!Number.isInteger(n) || n < 0 || n > 9999) throw new Error(`lvs must be an integer from 0 to 9999, not ${n}`);
  if (!Number.isInteger(k) || k < 0 || 2 * k > n) throw new Error(`snapshots must be an integer from 0 to lvs / 2, not ${k}`);
  if (!Number.isInteger(d) || d < 0 || d > n - k) throw new Error(`domains must be an integer from 0 to ${n - k}, not ${d}`);
  const volumes = Array.from({ length: n - k }, (_, i) => ({ name: `lv${pad(i)}`, extent: i }));
  const snapshots = Array.from({ length: k }, (_, j) => ({ name: `snap${pad(j)}`, origin: `lv${pad(j)}`, extent: n - k + j, hidden: `snapshot${j}` }));
  const domains = Array.from({ length: d }, (_, i) => ({ name: `${BIG_DOMAIN_PREFIX}${i}`, disk: `/dev/${BIG_VG}/lv${pad(i)}` }));
  return { volumes, snapshots, domains };
}

/** An LVM id: 32 characters of [A-Za-z0-9] in groups of 6-4-4-4-4-4-6. */
export function lvmId(): string {
  const c = randomBytes(32).toString('base64').replace(/[^A-Za-z0-9]/g, 'x').slice(0, 32);
  return [c.slice(0, 6), c.slice(6, 10), c.slice(10, 14), c.slice(14, 18), c.slice(18, 22), c.slice(22, 26), c.slice(26, 32)].join('-');
}

function lvText(name: string, id: string, visible: boolean, now: number, segment: string[]): string {
  const t = (depth: number) => '\t'.repeat(depth);
  return [
    `${t(2)}${name} {`,
    `${t(3)}id = "${id}"`,
    `${t(3)}status = ["READ", "WRITE"${visible ? ', "VISIBLE"' : ''}]`,
    `${t(3)}flags = []`,
    `${t(3)}creation_time = ${now}`,
    `${t(3)}creation_host = "cowherd-lab"`,
    `${t(3)}segment_count = 1`,
    '',
    `${t(3)}segment1 {`,
    `${t(4)}start_extent = 0`,
    `${t(4)}extent_count = 1`,
    '',
    ...segment.map((line) => (line ? `${t(4)}${line}` : '')),
    `${t(3)}}`,
    `${t(2)}}`,
    '',
  ].join('\n');
}

const linear = (extent: number) => ['type = "striped"', 'stripe_count = 1', '', 'stripes = [', `\t"pv0", ${extent}`, ']'];

/**
 * The LVM text metadata of vgbench holding the layout's LVs, from `base`, the vgcfgbackup of the empty VG (pure but
 * for the ids and the time, which can be given).
 */
export function bigHostMetadata(base: string, opts: BigHostOptions, gen: { id?: () => string; now?: number } = {}): string {
  const id = gen.id ?? lvmId;
  const now = gen.now ?? Math.floor(Date.now() / 1000);
  const { volumes, snapshots } = bigHostLayout(opts);
  const { peCount } = peGeometry(base);
  if (volumes.length + snapshots.length > peCount) throw new Error(`${volumes.length + snapshots.length} LVs do not fit in ${peCount} extents`);
  const lvs = [
    ...volumes.map((v) => lvText(v.name, id(), true, now, linear(v.extent))),
    ...snapshots.map((s) => lvText(s.name, id(), false, now, linear(s.extent))),
    ...snapshots.map((s) =>
      lvText(s.hidden, id(), true, now, ['type = "snapshot"', `chunk_size = ${SNAPSHOT_CHUNK_SECTORS}`, `origin = "${s.origin}"`, `cow_store = "${s.name}"`]),
    ),
  ].join('\n');
  const end = base.lastIndexOf('}');
  if (end < 0 || /^\s*logical_volumes\s*\{/m.test(base)) throw new Error('base metadata: not the backup of an empty VG');
  return `${base.slice(0, end)}\n\tlogical_volumes {\n\n${lvs}\n\t}\n${base.slice(end)}`;
}

/** pe_start and extent size (bytes) and extent count of the VG's one PV, from its text metadata. */
export function peGeometry(base: string): { peStartBytes: number; extentBytes: number; peCount: number } {
  const num = (re: RegExp, what: string) => {
    const m = re.exec(base);
    if (!m?.[1]) throw new Error(`base metadata: no ${what}`);
    return Number(m[1]);
  };
  return {
    peStartBytes: num(/^\s*pe_start = (\d+)/m, 'pe_start') * 512,
    extentBytes: num(/^\s*extent_size = (\d+)/m, 'extent_size') * 512,
    peCount: num(/^\s*pe_count = (\d+)/m, 'pe_count'),
  };
}

/** Byte offsets on the PV of the first chunk of every COW LV (pure). */
export function cowHeaderOffsets(base: string, opts: BigHostOptions): number[] {
  const { peStartBytes, extentBytes } = peGeometry(base);
  return bigHostLayout(opts).snapshots.map((s) => peStartBytes + s.extent * extentBytes);
}

/** One libvirt domain per line: qemu, 32 MiB, one virtio disk on an LV of vgbench (pure). */
export function bigHostDomainsXml(opts: BigHostOptions): string {
  return bigHostLayout(opts)
    .domains.map(
      (d) =>
        `<domain type='qemu'><name>${d.name}</name><memory unit='MiB'>32</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>` +
        `<devices><disk type='block' device='disk'><source dev='${d.disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
    )
    .map((line) => `${line}\n`)
    .join('');
}

// Every bench-* domain, stopped if running and undefined, in one virsh call (a process costs ~0.1 s on the lab).
const UNDEFINE_DOMAINS = [
  `names=$(virsh list --all --name | grep '^${BIG_DOMAIN_PREFIX}' || true)`,
  `running=$(virsh list --name | grep '^${BIG_DOMAIN_PREFIX}' || true)`,
  'cmds=""',
  'for d in $running; do cmds="$cmds destroy $d;"; done',
  'for d in $names; do cmds="$cmds undefine $d;"; done',
  'if [ -n "$cmds" ]; then virsh -q "$cmds" >/dev/null; fi',
  // virsh runs on after a failed command and returns the last one's status: check the outcome instead.
  `if virsh list --all --name | grep -q '^${BIG_DOMAIN_PREFIX}'; then echo 'some ${BIG_DOMAIN_PREFIX}* domains are still defined' >&2; exit 1; fi`,
].join('\n');

/**
 * Remove everything the big host consists of: the bench-* domains, VG vgbench and the PV label on /dev/vdc.
 * Safe to call when none of it exists.
 */
export async function removeBigHost(run: LabRun): Promise<void> {
  await run(
    [
      'set -e',
      UNDEFINE_DOMAINS,
      `if vgs ${BIG_VG} >/dev/null 2>&1; then`,
      // Deactivating is the slow part (each device-mapper device costs the emulated lab's kernel ~35 ms); vgremove
      // would then remove the LVs with one metadata commit each, as long again: restore the VG without LVs first.
      `  vgchange -an ${BIG_VG} >/dev/null`,
      `  if vgcfgbackup -f /tmp/${BIG_VG}-now.vg ${BIG_VG} >/dev/null &&`,
      `    perl -0pe 's/^\\tlogical_volumes \\{.*?^\\t\\}\\n//ms' /tmp/${BIG_VG}-now.vg >/tmp/${BIG_VG}-empty.vg; then`,
      `    vgcfgrestore -f /tmp/${BIG_VG}-empty.vg ${BIG_VG} >/dev/null || true`,
      '  fi',
      `  vgremove -y ${BIG_VG} >/dev/null`,
      'fi',
      `if pvs ${BIG_PV} >/dev/null 2>&1; then pvremove -y ${BIG_PV} >/dev/null; fi`,
    ].join('\n'),
  );
}

/**
 * Start from nothing: remove what a previous run left, create the empty VG vgbench on /dev/vdc (32 MiB of metadata
 * space, room for thousands of LVs) and return its text metadata, the base of bigHostMetadata.
 */
export async function createBigVg(run: LabRun): Promise<string> {
  await removeBigHost(run);
  return run(
    [
      'set -e',
      `pvcreate -y --metadatasize 32m ${BIG_PV} >/dev/null`,
      `vgcreate ${BIG_VG} ${BIG_PV} >/dev/null`,
      `vgcfgbackup -f /tmp/${BIG_VG}-base.vg ${BIG_VG} >/dev/null`,
      `cat /tmp/${BIG_VG}-base.vg`,
    ].join('\n'),
  );
}

export interface BuiltHost {
  /** Seconds from the start of buildBigHost until the last domain was defined. */
  seconds: number;
  lvs: number;
  snapshots: number;
  domains: number;
  /** COW LVs whose first chunk was not zero and was zeroed. */
  zeroedCowHeaders: number;
}

/**
 * Fill vgbench (created by createBigVg, whose text metadata is `base`) with the layout's LVs and snapshots, and
 * define the domains. Whatever an earlier build put there is replaced.
 */
export async function buildBigHost(run: LabRun, base: string, opts: BigHostOptions): Promise<BuiltHost> {
  const t0 = performance.now();
  const layout = bigHostLayout(opts);
  await run(['set -e', UNDEFINE_DOMAINS, `vgchange -an ${BIG_VG} >/dev/null`].join('\n'));

  // The COW LVs' first chunks must read as zeros, or dm-snapshot takes them for existing (or corrupt) snapshots.
  // lvcreate zeroes them; vgcfgrestore does not. One process checks and zeroes them all (the page cache of the PV
  // is dropped before, so earlier writes through device-mapper are seen, and flushed after).
  let zeroedCowHeaders = 0;
  if (layout.snapshots.length) {
    const out = await run(
      [
        'set -e',
        `blockdev --flushbufs ${BIG_PV}`,
        `perl -e 'use strict; use Fcntl; sysopen(my $f, "${BIG_PV}", O_RDWR) or die "${BIG_PV}: $!\\n"; my $z = "\\0" x ${COW_HEADER_BYTES}; my $n = 0;` +
          ` while (my $o = <STDIN>) { chomp $o; sysseek($f, $o, 0) or die "seek: $!\\n"; (sysread($f, my $b, ${COW_HEADER_BYTES}) // -1) == ${COW_HEADER_BYTES} or die "read: $!\\n";` +
          ` next if $b eq $z; sysseek($f, $o, 0) or die "seek: $!\\n"; (syswrite($f, $z) // -1) == ${COW_HEADER_BYTES} or die "write: $!\\n"; $n++ }` +
          ` close($f) or die "close: $!\\n"; print "$n\\n"'`,
        'sync',
        `blockdev --flushbufs ${BIG_PV}`,
      ].join('\n'),
      `${cowHeaderOffsets(base, opts).join('\n')}\n`,
    );
    zeroedCowHeaders = Number(out.trim());
  }

  await run(
    `set -e\ncat >/tmp/${BIG_VG}.vg\nvgcfgrestore -f /tmp/${BIG_VG}.vg ${BIG_VG} >/dev/null\nvgchange -ay ${BIG_VG} >/dev/null`,
    bigHostMetadata(base, opts),
  );

  if (layout.domains.length) {
    // The XML files are written by the shell itself, and defined by one virsh process.
    const out = await run(
      [
        'set -e',
        `dir=$(mktemp -d /tmp/${BIG_DOMAIN_PREFIX}xml.XXXXXX)`,
        'i=0; cmds=""',
        'while IFS= read -r line; do printf "%s" "$line" >"$dir/$i.xml"; cmds="$cmds define $dir/$i.xml;"; i=$((i + 1)); done',
        'virsh -q "$cmds" >/dev/null',
        'rm -r "$dir"',
        `virsh list --all --name | grep -c '^${BIG_DOMAIN_PREFIX}' || true`,
      ].join('\n'),
      bigHostDomainsXml(opts),
    );
    if (Number(out.trim()) !== layout.domains.length) throw new Error(`defined ${out.trim()} ${BIG_DOMAIN_PREFIX}* domains, expected ${layout.domains.length}`);
  }
  return {
    seconds: (performance.now() - t0) / 1000,
    lvs: layout.volumes.length + layout.snapshots.length,
    snapshots: layout.snapshots.length,
    domains: layout.domains.length,
    zeroedCowHeaders,
  };
}
