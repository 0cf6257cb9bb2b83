import type { Inventory } from '@/lib/inventory/types';
import { findLvIn } from '@/lib/lvm/model';
import type { PostCheck } from './types';

const MiB = 1024 * 1024;

/** Decide a post-check on a fresh inventory of the host. */
export function evaluatePostCheck(inv: Inventory, c: PostCheck): { ok: boolean; detail?: string } {
  const find = (vg: string, lv: string) => findLvIn(inv.lvs, vg, lv);
  switch (c.type) {
    case 'lv-present': {
      const lv = find(c.vg, c.lv);
      if (!lv) return { ok: false, detail: `lvs does not list ${c.vg}/${c.lv}` };
      if (c.origin && lv.origin !== c.origin) return { ok: false, detail: `origin is ${lv.origin ?? 'none'}, not ${c.origin}` };
      return { ok: true, detail: `${lv.attr}` };
    }
    case 'lv-absent': {
      const lv = find(c.vg, c.lv);
      return lv ? { ok: false, detail: `lvs still lists ${c.vg}/${c.lv} (${lv.attr})` } : { ok: true, detail: 'gone from lvs -a' };
    }
    case 'lv-size-at-least': {
      const lv = find(c.vg, c.lv);
      if (!lv) return { ok: false, detail: `lvs does not list ${c.vg}/${c.lv}` };
      const detail = `${(lv.sizeBytes / MiB).toFixed(0)} MiB`;
      return { ok: lv.sizeBytes >= c.bytes, detail };
    }
    case 'lv-not-merging': {
      const lv = find(c.vg, c.lv);
      if (!lv) return { ok: false, detail: `lvs does not list ${c.vg}/${c.lv}` };
      return lv.merging || lv.attr.startsWith('O') ? { ok: false, detail: `attr ${lv.attr}: still merging` } : { ok: true, detail: `attr ${lv.attr}` };
    }
    case 'lv-merging': {
      const lv = find(c.vg, c.lv);
      if (!lv) return { ok: false, detail: `lvs does not list ${c.vg}/${c.lv}` };
      return lv.merging ? { ok: true, detail: `attr ${lv.attr}: merge pending` } : { ok: false, detail: `attr ${lv.attr}: not merging` };
    }
    case 'domain-state': {
      // By UUID (the guest the plan acted on, even if renamed since); jobs stored before UUIDs: by name.
      const d = c.uuid ? inv.domains.find((x) => x.uuid === c.uuid) : inv.domains.find((x) => x.name === c.domain);
      if (!d) return { ok: false, detail: `virsh does not list ${c.domain}` };
      return { ok: c.states.includes(d.state), detail: d.state };
    }
    case 'domain-absent': {
      const d = inv.domains.find((x) => x.uuid === c.uuid);
      if (inv.libvirt !== 'ok') return { ok: false, detail: `libvirt did not answer: ${inv.libvirtError ?? inv.libvirt}` };
      return d ? { ok: false, detail: `virsh still lists ${d.name} (${d.state})` } : { ok: true, detail: 'gone from virsh list --all' };
    }
    case 'file-present':
      return { ok: false, detail: 'checked on the host, not in the inventory' };
  }
}
