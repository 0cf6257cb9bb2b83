import { Badge, type Tone } from '@/components/ui/badge';
import type { DomainState } from '@/lib/libvirt/parse';
import type { InventoryLv } from '@/lib/inventory/types';
import type { LvKind } from '@/lib/lvm/model';
import { KIND_LABELS } from './derive';

const KIND_TONES: Record<LvKind, Tone> = {
  plain: 'slate',
  origin: 'blue',
  snapshot: 'emerald',
  'thin-pool': 'violet',
  'thin-volume': 'violet',
  'thin-snapshot': 'emerald',
  hidden: 'slate',
  other: 'slate',
};

export function KindBadge({ kind }: { kind: LvKind }) {
  return <Badge tone={KIND_TONES[kind]}>{KIND_LABELS[kind]}</Badge>;
}

/** The states worth a word next to an LV's kind: merging, invalid, inactive, skip-activation. */
export function LvFlags({ lv }: { lv: InventoryLv }) {
  return (
    <>
      {lv.invalid && (
        <Badge tone="red" strong title="The COW area overflowed: the snapshot's contents are lost">
          invalid
        </Badge>
      )}
      {lv.mergeFailed && (
        <Badge tone="red" strong>
          merge failed
        </Badge>
      )}
      {lv.merging && !lv.mergeFailed && <Badge tone="amber">merging</Badge>}
      {!lv.active && lv.kind !== 'hidden' && <Badge tone="slate">inactive</Badge>}
      {lv.skipActivation && (
        <Badge tone="slate" title="Skip-activation flag (k): activate with lvchange -ay -K">
          skip activation
        </Badge>
      )}
      {lv.open && lv.kind !== 'hidden' && lv.kind !== 'thin-pool' && (
        <Badge tone="slate" title="The device is open (in use, e.g. by a running guest)">
          open
        </Badge>
      )}
    </>
  );
}

const STATE_TONES: Record<DomainState, Tone> = {
  running: 'green',
  idle: 'green',
  paused: 'amber',
  'in shutdown': 'amber',
  'shut off': 'slate',
  crashed: 'red',
  pmsuspended: 'amber',
  unknown: 'slate',
};

export function DomainStateBadge({ state }: { state: DomainState }) {
  return (
    <Badge tone={STATE_TONES[state]}>
      <span aria-hidden="true" className="size-1.5 rounded-full bg-current" />
      {state}
    </Badge>
  );
}
