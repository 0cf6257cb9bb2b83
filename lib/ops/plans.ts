import path from 'node:path';
import type { Inventory, InventoryDomain } from '@/lib/inventory/types';
import { DEFAULT_LIBVIRT_URI, domfsfreezeArgv, domfsthawArgv, resumeArgv, suspendArgv } from '@/lib/libvirt/commands';
import {
  lvchangeActivateArgv,
  lvchangeDeactivateArgv,
  lvcreateSnapshotArgv,
  lvcreateThinSnapshotArgv,
  lvextendArgv,
  lvremoveArgv,
} from '@/lib/lvm/commands';
import { canBeSnapshotted, findLvIn, isSnapshot } from '@/lib/lvm/model';
import { validateLvName } from '@/lib/lvm/names';
import { blockedBy, check } from './checks';
import { absentCheckArgv, lvDevicePath, mkdirArgv, qemuImgCompareArgv, qemuImgExportArgv } from './host-commands';
import type {
  CreateSnapshotParams,
  ExportSnapshotParams,
  ExtendSnapshotParams,
  RemoveSnapshotParams,
} from './schemas';
import type { Check, GuestTarget, Plan, PlanResult, Step } from './types';

// The parameter schemas live in ./schemas (browser-safe, shared with the wizards); re-exported for callers that
// still import them from here.
export {
  createSnapshotParams,
  exportSnapshotParams,
  extendSnapshotParams,
  removeSnapshotParams,
  type CreateSnapshotParams,
} from './schemas';

const MiB = 1024 * 1024;
const toMiB = (bytes: number) => Math.ceil(bytes / MiB);
const fmtMiB = (bytes: number) => `${toMiB(bytes)} MiB`;

export interface PlanContext {
  inv: Inventory;
  exportDir: string;
  /** The host's libvirt connection URI (config `libvirtUri`); every virsh step passes it. */
  libvirtUri?: string;
  now?: Date;
}

/** The guests a plan acts on, by UUID on the host's connection; null for a guest whose UUID is unknown. */
export function guestTarget(ctx: PlanContext, d: InventoryDomain): GuestTarget | null {
  return d.uuid ? { uuid: d.uuid, name: d.name, uri: ctx.libvirtUri ?? DEFAULT_LIBVIRT_URI } : null;
}

/**
 * A blocking check that every guest the plan acts on is known by its UUID: virsh is never given a bare name,
 * which it could resolve as another domain's ID (a guest named "3") or UUID.
 */
export function guestsKnownCheck(guests: InventoryDomain[]): Check {
  const unknown = guests.filter((d) => !d.uuid);
  return check('Guests are known by their UUID', unknown.length === 0, {
    ok: guests.length ? guests.map((d) => `${d.name}: ${d.uuid ?? ''}`).join(', ') : 'no guest to act on',
    bad: `virsh did not list the UUID of ${unknown.map((d) => JSON.stringify(d.name)).join(', ')}; Cowherd acts on guests only by UUID (reload and retry)`,
  });
}

export function defaultSnapshotName(origin: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}`;
  return `${origin}_snap_${stamp}`;
}

/** Guests whose disks are this LV. */
export function guestsUsing(inv: Inventory, vg: string, lv: string): InventoryDomain[] {
  return inv.domains.filter((d) => d.disks.some((k) => k.vg === vg && k.lv === lv));
}

const findLv = (inv: Inventory, vg: string, name: string) => findLvIn(inv.lvs, vg, name);

/**
 * `tags` is not part of the API's schema (a user must not be able to forge a policy's mark on a manual snapshot):
 * only snapshot policies (lib/policies) pass it, to mark what they make.
 */
export function planCreateSnapshot(ctx: PlanContext, p: CreateSnapshotParams & { tags?: string[] }): PlanResult {
  const { inv } = ctx;
  const vg = inv.vgs.find((v) => v.name === p.vg);
  const origin = findLv(inv, p.vg, p.origin);
  const name = p.name ?? defaultSnapshotName(p.origin, ctx.now);
  const nameError = validateLvName(name);
  const thin = origin?.kind === 'thin-volume' || origin?.kind === 'thin-snapshot';
  const sizeBytes = thin ? 0 : (p.sizeBytes ?? Math.max(4 * MiB, Math.ceil((origin?.sizeBytes ?? 0) * 0.2)));
  const guests = origin ? guestsUsing(inv, p.vg, p.origin).filter((d) => d.state === 'running' || d.state === 'paused') : [];
  const running = guests.filter((d) => d.state === 'running');

  const preflight: Check[] = [
    check('Volume group exists', !!vg, { ok: `${p.vg}: ${fmtMiB(vg?.freeBytes ?? 0)} free`, bad: `no volume group ${p.vg}` }),
    check('Origin exists', !!origin, {
      ok: `${p.vg}/${p.origin}, ${fmtMiB(origin?.sizeBytes ?? 0)}, ${origin?.kind ?? ''}`,
      bad: `no logical volume ${p.vg}/${p.origin}`,
    }),
    // The kind only: a merging origin has its own check (and message) below.
    check('Origin can be snapshotted', !!origin && canBeSnapshotted({ kind: origin.kind, merging: false, attr: '' }), {
      ok: origin?.kind,
      bad: origin ? `${p.vg}/${p.origin} is a ${origin.kind} volume; only plain volumes, origins and thin volumes can be snapshotted` : undefined,
    }),
    check('Origin has no merging snapshot', !!origin && !inv.lvs.some((l) => l.vg === p.vg && l.origin === p.origin && l.merging) && !origin.attr.startsWith('O'), {
      bad: 'lvm2 refuses new snapshots of an origin with a merging snapshot',
    }),
    check('Snapshot name is valid', !nameError, { ok: name, bad: nameError ?? undefined }),
    check('Snapshot name is free', !findLv(inv, p.vg, name), { ok: `${p.vg}/${name}`, bad: `${p.vg}/${name} already exists` }),
    guestsKnownCheck(running),
  ];
  if (!thin && vg) {
    preflight.push(check('COW area fits in the free space', sizeBytes <= vg.freeBytes,
      { ok: `${fmtMiB(sizeBytes)} of ${fmtMiB(vg.freeBytes)} free in ${p.vg}`, bad: `${fmtMiB(sizeBytes)} asked, only ${fmtMiB(vg.freeBytes)} free in ${p.vg}` }, !p.force));
  }
  const b = blockedBy(preflight);
  if (b) return b;

  // Consistency for running guests: freeze/thaw through the agent, else suspend/resume, else crash-consistent.
  const steps: Step[] = [];
  const modes: string[] = [];
  const protectIdx: { guest: GuestTarget; mode: 'freeze' | 'suspend'; idx: number }[] = [];
  for (const d of running) {
    const g = guestTarget(ctx, d);
    if (!g) continue; // refused above (guestsKnownCheck)
    let mode: 'freeze' | 'suspend' | 'none' = p.consistency === 'auto' ? (d.agent ? 'freeze' : 'suspend') : p.consistency;
    if (mode === 'freeze' && !d.agent) {
      return { ok: false, error: `${d.name}: the guest agent does not answer, so its file systems cannot be frozen; choose suspend/resume or none`, preflight };
    }
    if (mode === 'none') { modes.push(`${d.name}: crash-consistent (no freeze, no suspend)`); continue; }
    protectIdx.push({ guest: g, mode, idx: steps.length });
    steps.push(mode === 'freeze'
      ? { kind: 'run', role: 'freeze', title: `Freeze the file systems of ${d.name}`, argv: domfsfreezeArgv({ uuid: g.uuid }, { uri: g.uri }) }
      : { kind: 'run', role: 'suspend', title: `Suspend ${d.name}`, argv: suspendArgv({ uuid: g.uuid }, { uri: g.uri }) });
    modes.push(mode === 'freeze' ? `${d.name}: file systems frozen by the guest agent` : `${d.name}: paused for the moment of the snapshot`);
    mode = 'none';
  }
  steps.push(thin
    ? { kind: 'run', role: 'snapshot', title: `Create thin snapshot ${p.vg}/${name}`, argv: lvcreateThinSnapshotArgv({ vg: p.vg, origin: p.origin, name, tags: p.tags }) }
    : { kind: 'run', role: 'snapshot', title: `Create snapshot ${p.vg}/${name}`, argv: lvcreateSnapshotArgv({ vg: p.vg, origin: p.origin, name, sizeBytes, tags: p.tags }) });
  for (const { guest: g, mode, idx } of [...protectIdx].reverse()) {
    const ref = { uuid: g.uuid };
    steps.push(mode === 'freeze'
      ? { kind: 'run', role: 'thaw', title: `Thaw the file systems of ${g.name}`, argv: domfsthawArgv(ref, { uri: g.uri }), cleanup: { after: idx } }
      : { kind: 'run', role: 'resume', title: `Resume ${g.name}`, argv: resumeArgv(ref, { uri: g.uri }), cleanup: { after: idx } });
  }
  const plan: Plan = {
    operation: 'create-snapshot',
    host: inv.host,
    params: { ...p, name, sizeBytes: thin ? undefined : sizeBytes },
    summary: thin
      ? `Create thin snapshot ${p.vg}/${name} of ${p.vg}/${p.origin}`
      : `Create snapshot ${p.vg}/${name} of ${p.vg}/${p.origin} with a ${fmtMiB(sizeBytes)} COW area`,
    consequences: [
      ...(thin
        ? ['A thin snapshot uses the pool\'s free space; it is created with the skip-activation flag (k).']
        : [`${fmtMiB(sizeBytes)} of ${p.vg}'s free space is set aside; when it fills up, the snapshot is lost.`]),
      ...modes,
    ],
    lockKey: `${inv.host}:${p.vg}`,
    preflight,
    steps,
    postChecks: [
      { title: `lvs lists ${p.vg}/${name} as a snapshot of ${p.origin}`, check: { type: 'lv-present', vg: p.vg, lv: name, origin: p.origin } },
      ...guests.map((d) => ({ title: `${d.name} is ${d.state} again`, check: { type: 'domain-state' as const, domain: d.name, ...(d.uuid ? { uuid: d.uuid } : {}), states: [d.state] } })),
    ],
    destructive: false,
  };
  return { ok: true, plan };
}

export function planExtendSnapshot(ctx: PlanContext, p: ExtendSnapshotParams): PlanResult {
  const { inv } = ctx;
  const vg = inv.vgs.find((v) => v.name === p.vg);
  const snap = findLv(inv, p.vg, p.snapshot);
  const preflight: Check[] = [
    check('Snapshot exists', !!snap, { ok: `${p.vg}/${p.snapshot}, ${fmtMiB(snap?.sizeBytes ?? 0)}`, bad: `no logical volume ${p.vg}/${p.snapshot}` }),
    check('It is a classic (COW) snapshot', snap?.kind === 'snapshot', {
      bad: snap?.kind === 'thin-snapshot' ? 'thin snapshots have no COW area of their own; grow the pool instead' : snap ? `${p.vg}/${p.snapshot} is a ${snap.kind} volume` : undefined,
    }),
    check('Snapshot is valid', !!snap && !snap.invalid, { bad: 'an invalid snapshot is lost; growing it does not bring it back' }),
    check('Snapshot is not merging', !!snap && !snap.merging, { bad: 'a merging snapshot shrinks by itself; there is nothing to grow' }),
    check('The growth fits in the free space', !!vg && p.addBytes <= vg.freeBytes, {
      ok: `+${fmtMiB(p.addBytes)} of ${fmtMiB(vg?.freeBytes ?? 0)} free`,
      bad: vg ? `+${fmtMiB(p.addBytes)} asked, only ${fmtMiB(vg.freeBytes)} free` : `no volume group ${p.vg}`,
    }),
  ];
  const b = blockedBy(preflight);
  if (b) return b;
  const newSize = (snap?.sizeBytes ?? 0) + p.addBytes;
  return {
    ok: true,
    plan: {
      operation: 'extend-snapshot',
      host: inv.host,
      params: p,
      summary: `Grow the COW area of ${p.vg}/${p.snapshot} by ${fmtMiB(p.addBytes)} to about ${fmtMiB(newSize)}`,
      consequences: [`${fmtMiB(p.addBytes)} more of ${p.vg}'s free space is set aside for the snapshot.`],
      lockKey: `${inv.host}:${p.vg}`,
      preflight,
      steps: [{ kind: 'run', role: 'extend', title: `Extend ${p.vg}/${p.snapshot}`, argv: lvextendArgv({ vg: p.vg, lv: p.snapshot, addBytes: p.addBytes }) }],
      postChecks: [{ title: `${p.vg}/${p.snapshot} is at least ${fmtMiB(newSize - MiB)}`, check: { type: 'lv-size-at-least', vg: p.vg, lv: p.snapshot, bytes: newSize - MiB } }],
      destructive: false,
    },
  };
}

export function planRemoveSnapshot(ctx: PlanContext, p: RemoveSnapshotParams): PlanResult {
  const { inv } = ctx;
  const snap = findLv(inv, p.vg, p.snapshot);
  const preflight: Check[] = [
    check('Snapshot exists', !!snap, { ok: `${p.vg}/${p.snapshot} (${snap?.attr ?? ''})`, bad: `no logical volume ${p.vg}/${p.snapshot}` }),
    check('It is a snapshot', !!snap && isSnapshot(snap), {
      ok: snap?.kind,
      bad: snap ? `${p.vg}/${p.snapshot} is a ${snap.kind} volume; Cowherd removes only snapshots` : undefined,
    }),
    check('Snapshot is not merging', !!snap && !snap.merging && !snap.mergeFailed, { bad: 'a snapshot that is being merged cannot be removed' }),
    check('The name was typed to confirm', p.confirmName === p.snapshot, { bad: `type "${p.snapshot}" to confirm` }),
  ];
  const b = blockedBy(preflight);
  if (b) return b;
  return {
    ok: true,
    plan: {
      operation: 'remove-snapshot',
      host: inv.host,
      params: p,
      summary: `Remove snapshot ${p.vg}/${p.snapshot} and keep the changes made to ${snap?.origin ?? 'its origin'}`,
      consequences: [
        `The origin ${p.vg}/${snap?.origin ?? '?'} keeps everything written since the snapshot; there is no way back to the snapshot's state afterwards.`,
        ...(snap?.kind === 'snapshot' ? [`${fmtMiB(snap.sizeBytes)} return to ${p.vg}'s free space.`] : []),
      ],
      lockKey: `${inv.host}:${p.vg}`,
      preflight,
      steps: [{ kind: 'run', role: 'remove', title: `Remove ${p.vg}/${p.snapshot}`, argv: lvremoveArgv({ vg: p.vg, lv: p.snapshot }) }],
      postChecks: [{ title: `lvs -a no longer lists ${p.vg}/${p.snapshot}`, check: { type: 'lv-absent', vg: p.vg, lv: p.snapshot } }],
      destructive: true,
    },
  };
}

export function planExportSnapshot(ctx: PlanContext, p: ExportSnapshotParams): PlanResult {
  const { inv } = ctx;
  const snap = findLv(inv, p.vg, p.snapshot);
  const exportDir = path.posix.normalize(ctx.exportDir).replace(/(.)\/$/, '$1');
  const target = path.posix.join(exportDir, p.file);
  const inside = path.posix.dirname(target) === exportDir;
  // What qemu-img reads: a snapshot's device is as large as its origin (the LV's own size is its COW area).
  const size = findLv(inv, p.vg, snap?.origin ?? '')?.sizeBytes ?? snap?.sizeBytes ?? 0;
  const preflight: Check[] = [
    check('Snapshot exists', !!snap, { ok: `${p.vg}/${p.snapshot}, ${fmtMiB(size)}`, bad: `no logical volume ${p.vg}/${p.snapshot}` }),
    check('It is a snapshot', !!snap && isSnapshot(snap), { ok: snap?.kind, bad: snap ? `${p.vg}/${p.snapshot} is a ${snap.kind} volume` : undefined }),
    check('Snapshot is valid', !!snap && !snap.invalid, { bad: 'an invalid snapshot has no data to export' }),
    check('Snapshot is not merging', !!snap && !snap.merging, { bad: 'a merging snapshot changes while it is read' }),
    check('The file goes into the export directory', inside, { ok: target, bad: `${target} is outside ${ctx.exportDir}` }),
  ];
  const b = blockedBy(preflight);
  if (b) return b;
  const dev = lvDevicePath(p.vg, p.snapshot);
  const steps: Step[] = [
    { kind: 'run', role: 'mkdir', title: `Create the export directory ${exportDir}`, argv: mkdirArgv(exportDir) },
    {
      kind: 'run',
      role: 'check',
      title: `Check that ${target} does not exist yet (not even as a symbolic link)`,
      argv: absentCheckArgv(target),
      failMessage: `${target} already exists (or is a symbolic link); choose another file name`,
    },
  ];
  let activatedAt = -1;
  if (snap && !snap.active) {
    activatedAt = steps.length;
    steps.push({ kind: 'run', role: 'activate', title: `Activate ${p.vg}/${p.snapshot} for the export`, argv: lvchangeActivateArgv({ vg: p.vg, lv: p.snapshot, ignoreSkip: snap.skipActivation }) });
  }
  const image = { vg: p.vg, lv: p.snapshot, file: target };
  steps.push(
    // umask 077: the image holds a whole guest disk, so it is created readable by its owner only (0600).
    { kind: 'run', role: 'export', title: `Convert ${dev} to qcow2 (file mode 0600)`, argv: qemuImgExportArgv({ ...image, compress: p.compress }), timeoutMs: 6 * 3600_000 },
    { kind: 'run', role: 'verify', title: 'Verify the export against the snapshot', argv: qemuImgCompareArgv(image), timeoutMs: 6 * 3600_000, failMessage: 'the exported image differs from the snapshot' },
  );
  if (activatedAt >= 0) {
    steps.push({ kind: 'run', role: 'deactivate', title: `Deactivate ${p.vg}/${p.snapshot} again`, argv: lvchangeDeactivateArgv({ vg: p.vg, lv: p.snapshot }), cleanup: { after: activatedAt } });
  }
  return {
    ok: true,
    plan: {
      operation: 'export-snapshot',
      host: inv.host,
      params: p,
      summary: `Export ${p.vg}/${p.snapshot} to ${target} (qcow2${p.compress ? ', compressed' : ''})`,
      consequences: [`Reads the whole snapshot (${fmtMiB(size)}, the size of its origin) and writes ${target} on host ${inv.host}, readable by its owner only (mode 0600).`],
      lockKey: `${inv.host}:${p.vg}`,
      preflight,
      steps,
      postChecks: [{ title: `${target} exists`, check: { type: 'file-present', path: target } }],
      destructive: false,
    },
  };
}
