import type { Inventory, InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { destroyArgv, shutdownArgv, startArgv } from '@/lib/libvirt/commands';
import { lvconvertMergeArgv } from '@/lib/lvm/commands';
import { findLvIn, isSnapshot } from '@/lib/lvm/model';
import { guestsKnownCheck, guestsUsing, guestTarget, type PlanContext } from './plans';
import { blockedBy, check } from './checks';
import type { CompleteMergeParams, MergeSnapshotParams } from './schemas';
import type { Check, GuestTarget, Plan, PlanResult, PostCheck, Step } from './types';

// The parameter schemas live in ./schemas (browser-safe, shared with the wizards); re-exported for callers that
// still import them from here.
export { completeMergeParams, mergeSnapshotParams } from './schemas';

const MERGE_TIMEOUT_MS = 6 * 3600_000;
const active = (d: InventoryDomain) => d.state !== 'shut off' && d.state !== 'crashed';

/** The guests as the plan acts on them (by UUID); guestsKnownCheck has refused the plan if one has no UUID. */
const targets = (ctx: PlanContext, guests: InventoryDomain[]): GuestTarget[] =>
  guests.flatMap((d) => guestTarget(ctx, d) ?? []);

function shutdownSteps(guests: GuestTarget[], timeoutS: number, forceOff: boolean): Step[] {
  return guests.flatMap((g): Step[] => [
    { kind: 'run', role: 'shutdown', title: `Shut down ${g.name} (ACPI)`, argv: shutdownArgv({ uuid: g.uuid }, { uri: g.uri }) },
    {
      kind: 'wait',
      title: `Wait until ${g.name} is shut off`,
      wait: { type: 'domain-state', domain: g.name, guest: g, states: ['shut off'] },
      timeoutMs: timeoutS * 1000,
      pollMs: 1000,
      ...(forceOff
        ? { onTimeout: { title: `power ${g.name} off (virsh destroy)`, role: 'destroy' as const, argv: destroyArgv({ uuid: g.uuid }, { uri: g.uri }) } }
        : {}),
    },
  ]);
}

function startSteps(guests: GuestTarget[]): Step[] {
  return guests.map((g): Step => ({ kind: 'run', role: 'start', title: `Start ${g.name} again`, argv: startArgv({ uuid: g.uuid }, { uri: g.uri }) }));
}

const guestStatePostCheck = (g: GuestTarget, state: string): { title: string; check: PostCheck } => ({
  title: `${g.name} is ${state}`,
  check: { type: 'domain-state', domain: g.name, uuid: g.uuid, states: [state] },
});

function mergeWait(vg: string, snap: InventoryLv, origin: string): Step {
  return {
    kind: 'wait',
    title: `Wait until the merge of ${vg}/${snap.name} has finished`,
    wait: { type: 'merge-finished', vg, snapshot: snap.name, origin, drive: true },
    timeoutMs: MERGE_TIMEOUT_MS,
    pollMs: 1000,
  };
}

function commonPreflight(inv: Inventory, vg: string, snapName: string, snap: InventoryLv | undefined, origin: InventoryLv | undefined): Check[] {
  return [
    check('Snapshot exists', !!snap, { ok: `${vg}/${snapName} (${snap?.attr ?? ''})`, bad: `no logical volume ${vg}/${snapName}` }),
    check('It is a snapshot', !!snap && isSnapshot(snap), {
      ok: snap?.kind,
      bad: snap ? `${vg}/${snapName} is a ${snap.kind} volume, not a snapshot` : undefined,
    }),
    check('Snapshot is valid', !!snap && !snap.invalid, {
      bad: 'an invalid snapshot lost its data when its COW area filled up; it cannot be merged, only removed',
    }),
    check('Origin exists', !!origin, { ok: `${vg}/${origin?.name ?? ''} (${origin?.attr ?? ''})`, bad: `origin of ${vg}/${snapName} not found` }),
    check('Host inventory has libvirt', inv.libvirt !== 'error', { ok: 'virsh answered', bad: inv.libvirtError ?? 'virsh did not answer' }, false),
  ];
}

/** What the merge wizard's refusal says too: a failed merge is fixed by hand, never retried blindly. */
const mergeFailedAdvice = (vg: string, snap: string) =>
  `lvm2 marked the merge of ${vg}/${snap} as failed (attr m/M): keep its guests off, find the cause in the kernel log (dmesg) and fix it, then retry on the host with lvconvert --merge ${vg}/${snap}; do not remove the snapshot`;

function consequences(vg: string, snap: InventoryLv | undefined, origin: string): string[] {
  return [
    `Everything written to ${vg}/${origin} since the snapshot ${snap?.name ?? ''} was taken is lost: the volume goes back to the snapshot's state.`,
    `The snapshot ${vg}/${snap?.name ?? ''} disappears when the merge ends.`,
  ];
}

export function planMergeSnapshot(ctx: PlanContext, p: MergeSnapshotParams): PlanResult {
  const { inv } = ctx;
  const snap = findLvIn(inv.lvs, p.vg, p.snapshot);
  const originName = snap?.origin ?? '';
  const origin = findLvIn(inv.lvs, p.vg, originName);
  const guests = origin ? guestsUsing(inv, p.vg, originName) : [];
  const inUse = guests.filter(active);
  const preflight = [
    ...commonPreflight(inv, p.vg, p.snapshot, snap, origin),
    check('Snapshot is not merging already', !!snap && !snap.merging && !snap.mergeFailed, {
      bad: snap?.mergeFailed
        ? mergeFailedAdvice(p.vg, p.snapshot)
        : 'a merge is pending: use "Complete pending merge"',
    }),
  ];
  if (p.mode === 'now') {
    preflight.push(check('No guest uses the origin', inUse.length === 0, {
      ok: 'no running guest has it as a disk',
      bad: `${inUse.map((g) => `${g.name} is ${g.state}`).join(', ')}: shut it down first, or schedule the merge`,
    }));
    preflight.push(check('The origin is not open', !!origin && !origin.open, {
      ok: 'closed',
      bad: `${p.vg}/${originName} is open (mounted or used by a program); the merge would be deferred`,
    }));
  }
  if (p.mode === 'shutdown') {
    preflight.push(check('A guest to shut down uses the origin', inUse.length > 0, {
      ok: inUse.map((g) => g.name).join(', '),
      bad: 'no running guest uses it: merge now instead',
    }));
    preflight.push(guestsKnownCheck(inUse));
  }
  const b = blockedBy(preflight);
  if (b || !snap || !origin) return b ?? { ok: false, error: 'preflight failed', preflight };

  const merge: Step = {
    kind: 'run',
    role: 'merge',
    title: `Merge ${p.vg}/${p.snapshot} into ${p.vg}/${originName}`,
    argv: lvconvertMergeArgv({ vg: p.vg, snapshot: p.snapshot, intervalSeconds: 1 }),
    timeoutMs: MERGE_TIMEOUT_MS,
  };
  const gone: { title: string; check: PostCheck }[] = [
    { title: `lvs -a no longer lists ${p.vg}/${p.snapshot}`, check: { type: 'lv-absent', vg: p.vg, lv: p.snapshot } },
    { title: `${p.vg}/${originName} is a normal volume again`, check: { type: 'lv-not-merging', vg: p.vg, lv: originName } },
  ];
  const base = { host: inv.host, params: p, lockKey: `${inv.host}:${p.vg}`, preflight, destructive: true, consequences: consequences(p.vg, snap, originName) };

  if (p.mode === 'schedule') {
    const plan: Plan = {
      ...base,
      operation: 'merge-snapshot',
      summary: `Schedule the merge of ${p.vg}/${p.snapshot} into ${p.vg}/${originName}; it completes after ${inUse.map((g) => g.name).join(', ') || 'whatever holds the origin'} releases the volume`,
      consequences: [
        ...base.consequences,
        `lvm2 defers the merge while ${p.vg}/${originName} is open; until it completes, no new snapshot of ${originName} can be made.`,
        'Complete it later from Cowherd ("complete pending merge") after the guest has stopped.',
      ],
      steps: [{ kind: 'run', role: 'merge', title: `Schedule the merge of ${p.vg}/${p.snapshot}`, argv: lvconvertMergeArgv({ vg: p.vg, snapshot: p.snapshot }) }],
      postChecks: [
        { title: `${p.vg}/${p.snapshot} is marked for merging`, check: { type: 'lv-merging', vg: p.vg, lv: p.snapshot } },
      ],
    };
    return { ok: true, plan };
  }

  const acted = targets(ctx, inUse);
  const steps: Step[] = [];
  if (p.mode === 'shutdown') steps.push(...shutdownSteps(acted, p.shutdownTimeoutS, p.forceOff));
  steps.push(merge, mergeWait(p.vg, snap, originName));
  const restart = p.mode === 'shutdown' && p.startAgain ? acted : [];
  steps.push(...startSteps(restart));
  const plan: Plan = {
    ...base,
    operation: 'merge-snapshot',
    summary:
      p.mode === 'shutdown'
        ? `Shut down ${inUse.map((g) => g.name).join(', ')}, roll ${p.vg}/${originName} back to ${p.snapshot}${restart.length ? ', and start the guest again' : ''}`
        : `Roll ${p.vg}/${originName} back to ${p.snapshot} now (merge)`,
    consequences: [
      ...base.consequences,
      ...(p.mode === 'shutdown'
        ? [`${inUse.map((g) => g.name).join(', ')} will be shut down (ACPI, up to ${p.shutdownTimeoutS} s)${p.forceOff ? ', then powered off if it does not stop' : '; if it ignores the request the job stops without merging'}.`]
        : []),
    ],
    steps,
    postChecks: [
      ...gone,
      ...(p.mode === 'shutdown' ? acted.map((g) => guestStatePostCheck(g, p.startAgain ? 'running' : 'shut off')) : []),
    ],
    resumable: true,
  };
  return { ok: true, plan };
}

export function planCompleteMerge(ctx: PlanContext, p: CompleteMergeParams): PlanResult {
  const { inv } = ctx;
  const snap = findLvIn(inv.lvs, p.vg, p.snapshot);
  const originName = snap?.origin ?? '';
  const origin = findLvIn(inv.lvs, p.vg, originName);
  const inUse = origin ? guestsUsing(inv, p.vg, originName).filter(active) : [];
  const preflight = [
    ...commonPreflight(inv, p.vg, p.snapshot, snap, origin),
    check('A merge is pending', !!snap && (snap.merging || snap.mergeFailed), { bad: 'the snapshot is not merging: start a rollback instead' }),
    check('The merge has not failed', !!snap && !snap.mergeFailed, { bad: mergeFailedAdvice(p.vg, p.snapshot) }),
    check('No guest uses the origin', inUse.length === 0 || p.shutdown, {
      ok: inUse.length ? `${inUse.map((g) => g.name).join(', ')}: Cowherd shuts it down first` : 'no running guest has it as a disk',
      bad: `${inUse.map((g) => `${g.name} is ${g.state}`).join(', ')}: stop it first, or let Cowherd shut it down`,
    }),
    guestsKnownCheck(p.shutdown ? inUse : []),
  ];
  const b = blockedBy(preflight);
  if (b || !snap || !origin) return b ?? { ok: false, error: 'preflight failed', preflight };
  const acted = targets(ctx, p.shutdown ? inUse : []);
  const steps: Step[] = [];
  steps.push(...shutdownSteps(acted, p.shutdownTimeoutS, p.forceOff));
  steps.push(mergeWait(p.vg, snap, originName));
  const restart = p.shutdown && p.startAgain ? acted : [];
  steps.push(...startSteps(restart));
  return {
    ok: true,
    plan: {
      operation: 'complete-merge',
      host: inv.host,
      params: p,
      summary: `Complete the pending merge of ${p.vg}/${p.snapshot} into ${p.vg}/${originName}`,
      consequences: consequences(p.vg, snap, originName),
      lockKey: `${inv.host}:${p.vg}`,
      preflight,
      steps,
      postChecks: [
        { title: `lvs -a no longer lists ${p.vg}/${p.snapshot}`, check: { type: 'lv-absent', vg: p.vg, lv: p.snapshot } },
        { title: `${p.vg}/${originName} is a normal volume again`, check: { type: 'lv-not-merging', vg: p.vg, lv: originName } },
        ...restart.map((g) => guestStatePostCheck(g, 'running')),
      ],
      destructive: true,
      resumable: true,
    },
  };
}
