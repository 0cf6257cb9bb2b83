import { z } from 'zod';
import path from 'node:path';
import type { Inventory, InventoryDomain, InventoryLv } from '@/lib/inventory/types';
import { validateLvName, validateVgName } from '@/lib/lvm/names';
import { blockedBy, check } from './checks';
import type { Check, Plan, PlanResult, Step } from './types';

const MiB = 1024 * 1024;
const toMiB = (bytes: number) => Math.ceil(bytes / MiB);
const fmtMiB = (bytes: number) => `${toMiB(bytes)} MiB`;

// Names are checked by LVM's rules before anything else; zod refinements carry the rule's own message.
const lvName = z.string().superRefine((v, ctx) => {
  const e = validateLvName(v);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});
const vgName = z.string().superRefine((v, ctx) => {
  const e = validateVgName(v);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});

export const createSnapshotParams = z
  .object({
    vg: vgName,
    origin: lvName,
    /** Default: <origin>_snap_<YYYYMMDD-HHMM>. */
    name: lvName.optional(),
    /** COW area size for a classic snapshot (ignored for thin snapshots). Default: 20% of the origin. */
    sizeBytes: z.number().int().positive().max(2 ** 53).optional(),
    consistency: z.enum(['auto', 'freeze', 'suspend', 'none']).default('auto'),
    /** Run even when a non-blocking preflight check warns (lvm2 itself may still refuse). */
    force: z.boolean().default(false),
  })
  .strict();

export const extendSnapshotParams = z
  .object({ vg: vgName, snapshot: lvName, addBytes: z.number().int().positive().max(2 ** 53) })
  .strict();

export const removeSnapshotParams = z
  .object({ vg: vgName, snapshot: lvName, confirmName: z.string() })
  .strict();

const exportFile = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.qcow2$/, 'a file name of letters, digits, ".", "_" and "-" ending in .qcow2 (no directories)')
  .refine((f) => !f.includes('..'), 'must not contain ".."');

export const exportSnapshotParams = z
  .object({ vg: vgName, snapshot: lvName, file: exportFile, compress: z.boolean().default(false) })
  .strict();

export type CreateSnapshotParams = z.infer<typeof createSnapshotParams>;

export interface PlanContext {
  inv: Inventory;
  exportDir: string;
  now?: Date;
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

const findLv = (inv: Inventory, vg: string, name: string): InventoryLv | undefined =>
  inv.lvs.find((l) => l.vg === vg && l.name === name);

const isSnapshot = (lv: InventoryLv) => lv.kind === 'snapshot' || lv.kind === 'thin-snapshot';

export function planCreateSnapshot(ctx: PlanContext, p: CreateSnapshotParams): PlanResult {
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
    check('Origin can be snapshotted', !!origin && ['plain', 'origin', 'thin-volume', 'thin-snapshot'].includes(origin.kind), {
      ok: origin?.kind,
      bad: origin ? `${p.vg}/${p.origin} is a ${origin.kind} volume; only plain volumes, origins and thin volumes can be snapshotted` : undefined,
    }),
    check('Origin has no merging snapshot', !!origin && !inv.lvs.some((l) => l.vg === p.vg && l.origin === p.origin && l.merging) && !origin.attr.startsWith('O'), {
      bad: 'lvm2 refuses new snapshots of an origin with a merging snapshot',
    }),
    check('Snapshot name is valid', !nameError, { ok: name, bad: nameError ?? undefined }),
    check('Snapshot name is free', !findLv(inv, p.vg, name), { ok: `${p.vg}/${name}`, bad: `${p.vg}/${name} already exists` }),
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
  const protectIdx: { domain: string; mode: 'freeze' | 'suspend'; idx: number }[] = [];
  for (const d of running) {
    let mode: 'freeze' | 'suspend' | 'none' = p.consistency === 'auto' ? (d.agent ? 'freeze' : 'suspend') : p.consistency;
    if (mode === 'freeze' && !d.agent) {
      return { ok: false, error: `${d.name}: the guest agent does not answer, so its file systems cannot be frozen; choose suspend/resume or none`, preflight };
    }
    if (mode === 'none') { modes.push(`${d.name}: crash-consistent (no freeze, no suspend)`); continue; }
    protectIdx.push({ domain: d.name, mode, idx: steps.length });
    steps.push(mode === 'freeze'
      ? { kind: 'run', title: `Freeze the file systems of ${d.name}`, argv: ['virsh', 'domfsfreeze', d.name] }
      : { kind: 'run', title: `Suspend ${d.name}`, argv: ['virsh', 'suspend', d.name] });
    modes.push(mode === 'freeze' ? `${d.name}: file systems frozen by the guest agent` : `${d.name}: paused for the moment of the snapshot`);
    mode = 'none';
  }
  steps.push(thin
    ? { kind: 'run', title: `Create thin snapshot ${p.vg}/${name}`, argv: ['lvcreate', '-s', '-n', name, `${p.vg}/${p.origin}`] }
    : { kind: 'run', title: `Create snapshot ${p.vg}/${name}`, argv: ['lvcreate', '-s', '-L', `${toMiB(sizeBytes)}m`, '-n', name, `${p.vg}/${p.origin}`] });
  for (const pr of [...protectIdx].reverse()) {
    steps.push(pr.mode === 'freeze'
      ? { kind: 'run', title: `Thaw the file systems of ${pr.domain}`, argv: ['virsh', 'domfsthaw', pr.domain], cleanup: { after: pr.idx } }
      : { kind: 'run', title: `Resume ${pr.domain}`, argv: ['virsh', 'resume', pr.domain], cleanup: { after: pr.idx } });
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
      ...guests.map((d) => ({ title: `${d.name} is ${d.state} again`, check: { type: 'domain-state' as const, domain: d.name, states: [d.state] } })),
    ],
    destructive: false,
  };
  return { ok: true, plan };
}

export function planExtendSnapshot(ctx: PlanContext, p: z.infer<typeof extendSnapshotParams>): PlanResult {
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
      steps: [{ kind: 'run', title: `Extend ${p.vg}/${p.snapshot}`, argv: ['lvextend', '-L', `+${toMiB(p.addBytes)}m`, `${p.vg}/${p.snapshot}`] }],
      postChecks: [{ title: `${p.vg}/${p.snapshot} is at least ${fmtMiB(newSize - MiB)}`, check: { type: 'lv-size-at-least', vg: p.vg, lv: p.snapshot, bytes: newSize - MiB } }],
      destructive: false,
    },
  };
}

export function planRemoveSnapshot(ctx: PlanContext, p: z.infer<typeof removeSnapshotParams>): PlanResult {
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
      steps: [{ kind: 'run', title: `Remove ${p.vg}/${p.snapshot}`, argv: ['lvremove', '-y', `${p.vg}/${p.snapshot}`] }],
      postChecks: [{ title: `lvs -a no longer lists ${p.vg}/${p.snapshot}`, check: { type: 'lv-absent', vg: p.vg, lv: p.snapshot } }],
      destructive: true,
    },
  };
}

export function planExportSnapshot(ctx: PlanContext, p: z.infer<typeof exportSnapshotParams>): PlanResult {
  const { inv } = ctx;
  const snap = findLv(inv, p.vg, p.snapshot);
  const target = path.posix.join(ctx.exportDir, p.file);
  const inside = path.posix.dirname(target) === path.posix.normalize(ctx.exportDir);
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
  const dev = `/dev/${p.vg}/${p.snapshot}`;
  const steps: Step[] = [
    { kind: 'run', title: `Create the export directory ${ctx.exportDir}`, argv: ['mkdir', '-p', ctx.exportDir] },
    { kind: 'run', title: `Check that ${target} does not exist yet`, argv: ['test', '!', '-e', target], failMessage: `${target} already exists; choose another file name` },
  ];
  let activatedAt = -1;
  if (snap && !snap.active) {
    activatedAt = steps.length;
    steps.push({ kind: 'run', title: `Activate ${p.vg}/${p.snapshot} for the export`, argv: ['lvchange', '-ay', ...(snap.skipActivation ? ['-K'] : []), `${p.vg}/${p.snapshot}`] });
  }
  steps.push(
    { kind: 'run', title: `Convert ${dev} to qcow2`, argv: ['qemu-img', 'convert', '-p', '-f', 'raw', '-O', 'qcow2', ...(p.compress ? ['-c'] : []), dev, target], progress: 'qemu-img', timeoutMs: 6 * 3600_000 },
    { kind: 'run', title: 'Verify the export against the snapshot', argv: ['qemu-img', 'compare', '-f', 'raw', '-F', 'qcow2', dev, target], timeoutMs: 6 * 3600_000, failMessage: 'the exported image differs from the snapshot' },
  );
  if (activatedAt >= 0) {
    steps.push({ kind: 'run', title: `Deactivate ${p.vg}/${p.snapshot} again`, argv: ['lvchange', '-an', `${p.vg}/${p.snapshot}`], cleanup: { after: activatedAt } });
  }
  return {
    ok: true,
    plan: {
      operation: 'export-snapshot',
      host: inv.host,
      params: p,
      summary: `Export ${p.vg}/${p.snapshot} to ${target} (qcow2${p.compress ? ', compressed' : ''})`,
      consequences: [`Reads the whole snapshot (${fmtMiB(size)}, the size of its origin) and writes ${target} on host ${inv.host}.`],
      lockKey: `${inv.host}:${p.vg}`,
      preflight,
      steps,
      postChecks: [{ title: `${target} exists`, check: { type: 'file-present', path: target } }],
      destructive: false,
    },
  };
}
