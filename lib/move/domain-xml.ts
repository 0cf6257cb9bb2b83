/**
 * Issue 14: the domain XML of a guest that moves or is copied to another host. Pure and browser-safe (the wizard's
 * review shows the diff): `virsh dumpxml --migratable` in (no VNC/SPICE passwords: --security-info is never
 * passed), facts and a rewritten XML out. Edited as a DOM (@xmldom/xmldom), never with regular expressions: the
 * XML is the guest's own and may hold any text in descriptions and metadata.
 */
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { createTwoFilesPatch } from 'diff';

export interface DomainXmlDisk {
  /** The guest's device name (vda, sda, hdc): what the user chooses storage for. */
  target: string;
  /** disk, cdrom, floppy or lun. */
  device: string;
  /** block, file, volume, network, dir. */
  type: string;
  /** The host path (dev or file attribute), the pool/volume for type volume, or null (an empty CD-ROM drive). */
  source: string | null;
  /** The driver's format (raw, qcow2), or null. */
  format: string | null;
  readonly: boolean;
}

export interface DomainXmlInterface {
  /** bridge, network, direct, user, ... */
  type: string;
  /** What it connects to: the bridge, network or (direct) host device name; null for user networking. */
  source: string | null;
  mac: string | null;
  model: string | null;
}

export interface DomainXmlFacts {
  name: string;
  uuid: string | null;
  /** The domain type (kvm, qemu). */
  virtType: string | null;
  arch: string | null;
  machine: string | null;
  emulator: string | null;
  cpuMode: string | null;
  /** UEFI variables file (os/nvram), or null. */
  nvram: string | null;
  /** Firmware (os/loader), or null. */
  loader: string | null;
  disks: DomainXmlDisk[];
  interfaces: DomainXmlInterface[];
}

/** Target storage of one disk in the rewritten XML. `eject` leaves a CD-ROM drive empty; `remove` drops the device. */
export type DiskRewrite =
  | { type: 'block'; dev: string }
  | { type: 'file'; file: string; format: 'qcow2' | 'raw' }
  | { type: 'eject' }
  | { type: 'remove' };

export interface RewriteSpec {
  /** By disk target name; disks not named keep their XML. */
  disks: Record<string, DiskRewrite>;
  /** A new emulator path (when the target's QEMU lives elsewhere). */
  emulator?: string;
  /** A new NVRAM path (the copied variables file). */
  nvram?: string;
  /** Network/bridge/device names to replace: { "br0": "br1" } (the source name of bridge, network and direct interfaces). */
  networks?: Record<string, string>;
  /** A copy: the new name; the UUID and every MAC address are removed, so libvirt makes new ones. */
  copy?: { name: string };
}

export class DomainXmlError extends Error {
  override name = 'DomainXmlError';
}

function parse(xml: string): Document {
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new DomainXmlError(`not a domain XML: ${message}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    if (e instanceof DomainXmlError) throw e;
    throw new DomainXmlError(`not a domain XML: ${(e as Error).message}`);
  }
  if (doc.documentElement?.nodeName !== 'domain') throw new DomainXmlError('not a domain XML: the root element is not <domain>');
  return doc;
}

const ELEMENT_NODE = 1;

/** The direct children of `el` named `name` (never a grandchild: <disk> has a <source>, so has <backingStore>). */
function children(el: Element, name: string): Element[] {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === ELEMENT_NODE && n.nodeName === name) out.push(n as Element);
  }
  return out;
}
const child = (el: Element | null | undefined, name: string): Element | null => (el ? (children(el, name)[0] ?? null) : null);
const attr = (el: Element | null | undefined, name: string): string | null => (el?.hasAttribute(name) ? el.getAttribute(name) : null);
const text = (el: Element | null | undefined): string | null => {
  const t = el?.textContent?.trim();
  return t ? t : null;
};

/** Removes an element and the whitespace before it, so the serialised XML (and its diff) has no blank line. */
function removeElement(el: Element): void {
  const parent = el.parentNode;
  if (!parent) return;
  const prev = el.previousSibling;
  if (prev && prev.nodeType === 3 && /^\s*$/.test(prev.nodeValue ?? '')) parent.removeChild(prev);
  parent.removeChild(el);
}

function diskSource(disk: Element, type: string): string | null {
  const src = child(disk, 'source');
  if (!src) return null;
  if (type === 'volume') {
    const pool = attr(src, 'pool');
    const volume = attr(src, 'volume');
    return pool && volume ? `${pool}/${volume}` : null;
  }
  return attr(src, 'dev') ?? attr(src, 'file') ?? attr(src, 'dir') ?? attr(src, 'name');
}

function interfaceSource(iface: Element, type: string): string | null {
  const src = child(iface, 'source');
  if (!src) return null;
  if (type === 'bridge') return attr(src, 'bridge');
  if (type === 'network') return attr(src, 'network');
  if (type === 'direct') return attr(src, 'dev');
  return null;
}

export function domainXmlFacts(xml: string): DomainXmlFacts {
  const root = parse(xml).documentElement!;
  const os = child(root, 'os');
  const osType = child(os, 'type');
  const devices = child(root, 'devices');
  const disks = devices ? children(devices, 'disk') : [];
  const ifaces = devices ? children(devices, 'interface') : [];
  return {
    name: text(child(root, 'name')) ?? '',
    uuid: text(child(root, 'uuid')),
    virtType: attr(root, 'type'),
    arch: attr(osType, 'arch'),
    machine: attr(osType, 'machine'),
    emulator: text(child(devices, 'emulator')),
    cpuMode: attr(child(root, 'cpu'), 'mode'),
    nvram: text(child(os, 'nvram')),
    loader: text(child(os, 'loader')),
    disks: disks.map((d) => {
      const type = attr(d, 'type') ?? 'file';
      return {
        target: attr(child(d, 'target'), 'dev') ?? '',
        device: attr(d, 'device') ?? 'disk',
        type,
        source: diskSource(d, type),
        format: attr(child(d, 'driver'), 'type'),
        readonly: child(d, 'readonly') !== null,
      };
    }),
    interfaces: ifaces.map((i) => {
      const type = attr(i, 'type') ?? '';
      return { type, source: interfaceSource(i, type), mac: attr(child(i, 'mac'), 'address'), model: attr(child(i, 'model'), 'type') };
    }),
  };
}

/** Replaces a disk's <source> by one for `kind`, keeping its other children (target, address, boot order). */
function setDiskSource(doc: Document, disk: Element, kind: 'dev' | 'file', value: string): void {
  const old = child(disk, 'source');
  const src = doc.createElement('source');
  src.setAttribute(kind, value);
  if (old) disk.replaceChild(src, old);
  else disk.insertBefore(src, child(disk, 'target'));
  // A running guest's XML describes its current backing chain; the target's LV or file has none.
  for (const b of children(disk, 'backingStore')) removeElement(b);
}

export function rewriteDomainXml(xml: string, spec: RewriteSpec): string {
  const doc = parse(xml);
  const root = doc.documentElement!;
  const devices = child(root, 'devices');
  const disks = devices ? children(devices, 'disk') : [];
  const known = new Set(disks.map((d) => attr(child(d, 'target'), 'dev')));
  for (const target of Object.keys(spec.disks)) {
    if (!known.has(target)) throw new DomainXmlError(`the domain has no disk ${target}`);
  }
  for (const disk of disks) {
    const target = attr(child(disk, 'target'), 'dev') ?? '';
    const r = spec.disks[target];
    if (!r) continue;
    if (r.type === 'remove') {
      removeElement(disk);
    } else if (r.type === 'eject') {
      const src = child(disk, 'source');
      if (src) removeElement(src);
      for (const b of children(disk, 'backingStore')) removeElement(b);
    } else {
      disk.setAttribute('type', r.type);
      setDiskSource(doc, disk, r.type === 'block' ? 'dev' : 'file', r.type === 'block' ? r.dev : r.file);
      const driver = child(disk, 'driver');
      if (driver) driver.setAttribute('type', r.type === 'block' ? 'raw' : r.format);
      else {
        const d = doc.createElement('driver');
        d.setAttribute('name', 'qemu');
        d.setAttribute('type', r.type === 'block' ? 'raw' : r.format);
        disk.insertBefore(d, disk.firstChild);
      }
    }
  }
  if (spec.emulator !== undefined) {
    const em = child(devices, 'emulator');
    if (!em) throw new DomainXmlError('the domain names no emulator to replace');
    em.textContent = spec.emulator;
  }
  if (spec.nvram !== undefined) {
    const nv = child(child(root, 'os'), 'nvram');
    if (!nv) throw new DomainXmlError('the domain has no NVRAM file to replace');
    nv.textContent = spec.nvram;
  }
  const networks = spec.networks ?? {};
  for (const iface of devices ? children(devices, 'interface') : []) {
    const type = attr(iface, 'type') ?? '';
    const src = child(iface, 'source');
    const key = type === 'bridge' ? 'bridge' : type === 'network' ? 'network' : type === 'direct' ? 'dev' : null;
    const from = key ? attr(src, key) : null;
    const to = from !== null ? networks[from] : undefined;
    if (src && key && to !== undefined) src.setAttribute(key, to);
    if (spec.copy) for (const mac of children(iface, 'mac')) removeElement(mac);
  }
  if (spec.copy) {
    const name = child(root, 'name');
    if (!name) throw new DomainXmlError('the domain has no <name>');
    name.textContent = spec.copy.name;
    for (const u of children(root, 'uuid')) removeElement(u);
  }
  return new XMLSerializer().serializeToString(doc);
}

/** A unified diff of the source's and the target's XML, for the review step. Empty when nothing changed. */
export function domainXmlDiff(before: string, after: string, labels: { from: string; to: string }): string {
  // Both sides through the same serialiser: it writes attributes in double quotes, and only real changes should show.
  const a = new XMLSerializer().serializeToString(parse(before));
  const b = new XMLSerializer().serializeToString(parse(after));
  if (a === b) return '';
  const end = (s: string) => (s.endsWith('\n') ? s : `${s}\n`);
  // Without jsdiff's "=====" banner: the review shows the headers and hunks only.
  return createTwoFilesPatch(labels.from, labels.to, end(a), end(b), '', '', { context: 3 }).replace(/^=+\n/, '');
}
