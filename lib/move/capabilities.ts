/**
 * `virsh capabilities` of a target host, reduced to what a guest needs to start there (issue 14): per guest
 * architecture, its emulators, machine types (names and the canonical names they stand for) and domain types.
 * Pure; the XML is libvirt's, read as a DOM.
 */
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';

export interface CapsGuest {
  arch: string;
  osType: string;
  emulators: string[];
  machines: string[];
  domainTypes: string[];
}

const each = (el: Element, name: string): Element[] => {
  const out: Element[] = [];
  for (let n: Node | null = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1 && n.nodeName === name) out.push(n as Element);
  return out;
};

export function parseCapabilities(xml: string): CapsGuest[] {
  const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(`virsh capabilities: ${msg}`); } }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement;
  if (root?.nodeName !== 'capabilities') throw new Error('virsh capabilities: the root element is not <capabilities>');
  return each(root, 'guest').flatMap((g) =>
    each(g, 'arch').map((a) => {
      const emulators = new Set<string>();
      const machines = new Set<string>();
      const domainTypes = new Set<string>();
      const collect = (el: Element) => {
        for (const e of each(el, 'emulator')) if (e.textContent?.trim()) emulators.add(e.textContent.trim());
        for (const m of each(el, 'machine')) {
          if (m.textContent?.trim()) machines.add(m.textContent.trim());
          const canonical = m.getAttribute('canonical');
          if (canonical) machines.add(canonical);
        }
      };
      collect(a);
      for (const d of each(a, 'domain')) {
        const t = d.getAttribute('type');
        if (t) domainTypes.add(t);
        collect(d);
      }
      return {
        arch: a.getAttribute('name') ?? '',
        osType: each(g, 'os_type')[0]?.textContent?.trim() ?? '',
        emulators: [...emulators],
        machines: [...machines],
        domainTypes: [...domainTypes],
      };
    }),
  );
}

/** Whether the target can run a guest of this architecture, domain type and machine type; the reason when not. */
export function machineSupported(caps: CapsGuest[], want: { arch: string | null; virtType: string | null; machine: string | null }): { ok: boolean; detail: string } {
  const arch = caps.filter((c) => c.osType === 'hvm' && c.arch === (want.arch ?? 'x86_64'));
  if (arch.length === 0) return { ok: false, detail: `the target's QEMU has no ${want.arch ?? 'x86_64'} guests` };
  const typed = arch.filter((c) => c.domainTypes.includes(want.virtType ?? 'qemu'));
  if (typed.length === 0) return { ok: false, detail: `the target offers ${arch.flatMap((c) => c.domainTypes).join(', ') || 'no'} domains, not ${want.virtType ?? 'qemu'}` };
  if (!want.machine) return { ok: true, detail: `${want.arch ?? 'x86_64'}, ${want.virtType ?? 'qemu'}` };
  const ok = typed.some((c) => c.machines.includes(want.machine!));
  return ok
    ? { ok: true, detail: `${want.machine} (${want.arch ?? 'x86_64'}, ${want.virtType ?? 'qemu'})` }
    : { ok: false, detail: `machine type ${want.machine} is not supported by the target's QEMU (it has ${typed.flatMap((c) => c.machines).slice(0, 8).join(', ')}${typed.flatMap((c) => c.machines).length > 8 ? ', ...' : ''})` };
}
