/**
 * move-guest and copy-guest as plans (issue 14), pure like lib/ops/plans.ts: the source's fresh inventory and the
 * facts of service.ts (the guest's migratable XML, a fresh read of the target) in, preflight checks and argv steps
 * out. Every disk goes through the Cowherd server as a raw stream (a 'pipe' step) and is checked by SHA-256 on
 * both sides; qcow2 files are converted on the target from a raw copy (qemu-img cannot write qcow2 to a pipe).
 *
 * The guest never runs on two hosts: a move shuts it down first and starts it on the target only after every disk
 * was verified and the XML defined. Until that start succeeds, a failure (or a crash of the server: the recovery
 * runs the same cleanups) takes the half-made guest off the target, removes the volumes and files the job made
 * there, and starts the guest again on the source if it was running. After the start nothing is undone: the
 * source is left defined, shut off, with autostart disabled.
 */
import { lvcreatePlainArgv, removeFileArgv, retryArgv, targetCheckArgv } from '@/lib/backup/commands';
import type { InventoryDomain } from '@/lib/inventory/types';
import { destroyArgv, domfsfreezeArgv, domfsthawArgv, resumeArgv, shutdownArgv, suspendArgv } from '@/lib/libvirt/commands';
import { lvcreateSnapshotArgv, lvremoveArgv } from '@/lib/lvm/commands';
import { findLvIn } from '@/lib/lvm/model';
import { validateLvName } from '@/lib/lvm/names';
import { blockedBy, check } from '@/lib/ops/checks';
import { absentCheckArgv, lvDevicePath } from '@/lib/ops/host-commands';
import { guestTarget, type PlanContext } from '@/lib/ops/plans';
import type { Check, GuestTarget, PlanResult, PostCheck, Step } from '@/lib/ops/types';
import { machineSupported } from './capabilities';
import {
  autostartDisableArgv,
  catArgv,
  ddReadArgv,
  ddWriteFileArgv,
  ddWriteLvArgv,
  ddWriteThinLvArgv,
  lvcreateThinArgv,
  defineFromXmlArgv,
  qcow2CompareArgv,
  qcow2ConvertArgv,
  sha256Argv,
  sha256CompareArgv,
  startOnArgv,
  startUnlessRunningArgv,
  stateIsArgv,
  teardownArgv,
  writeFileArgv,
} from './commands';
import { domainXmlDiff, domainXmlFacts, rewriteDomainXml, type DiskRewrite, type DomainXmlFacts } from './domain-xml';
import { findGuest, fmtMiB, qcow2FilePath, targetNvramPath, type MoveFacts, type TargetFacts } from './facts';
import type { DiskPlan, MoveReview } from './review';
import type { CopyGuestParams, DiskStorage, MoveGuestParams } from './schemas';

export type { DiskPlan, MoveReview } from './review';

export interface MovePlanContext extends PlanContext {
  hostIds?: string[];
  move?: MoveFacts;
}

const MiB = 1024 * 1024;
/** A copy of a large disk over ssh under emulation can take hours; the stream's own failure ends it sooner. */
const COPY_TIMEOUT_MS = 12 * 3600_000;

type Common = Pick<MoveGuestParams, 'domain' | 'target' | 'disks' | 'networks'>;

function diskPlans(inv: MovePlanContext['inv'], guest: InventoryDomain | undefined, xml: DomainXmlFacts, p: Common, t: TargetFacts, targetName: string): DiskPlan[] {
  return xml.disks.map((d): DiskPlan => {
    const base = { target: d.target, device: d.device };
    if (d.device === 'cdrom' || d.device === 'floppy') {
      return d.source
        ? { ...base, action: 'eject', what: `${d.target}: ${d.device} ${d.source} is not copied; the drive is left empty on ${t.host}` }
        : { ...base, action: 'eject', what: `${d.target}: empty ${d.device} drive, kept` };
    }
    const mapped = guest?.disks.find((k) => k.target === d.target);
    const lv = mapped?.vg && mapped.lv ? findLvIn(inv.lvs, mapped.vg, mapped.lv) : undefined;
    if (d.device !== 'disk' || !mapped?.vg || !mapped.lv || !lv) {
      return { ...base, action: 'refuse', what: `${d.target}: a ${d.type} ${d.device} (${d.source ?? 'no source'}) that is not a logical volume; Cowherd copies LV disks only: detach it or copy it by hand first` };
    }
    const source = { vg: mapped.vg, lv: mapped.lv, bytes: lv.sizeBytes };
    const want: DiskStorage = p.disks[d.target] ?? { type: 'lv', vg: mapped.vg };
    if (want.type === 'lv') {
      const name = want.name ?? mapped.lv;
      const pool = want.thinPool;
      return {
        ...base,
        action: 'copy-lv',
        source,
        lv: { vg: want.vg, name, ...(pool ? { thinPool: pool } : {}) },
        what: `${d.target}: ${lvDevicePath(mapped.vg, mapped.lv)} (${fmtMiB(source.bytes)}) -> new ${pool ? 'thin ' : ''}LV ${t.host}:${want.vg}/${name}${pool ? ` in the thin pool ${want.vg}/${pool}` : ''}`,
      };
    }
    const dir = want.dir ?? t.backupDir;
    const file = qcow2FilePath(dir, targetName, d.target);
    return { ...base, action: 'copy-qcow2', source, file: { dir, path: file }, what: `${d.target}: ${lvDevicePath(mapped.vg, mapped.lv)} (${fmtMiB(source.bytes)}) -> qcow2 file ${t.host}:${file}` };
  });
}

/** The checks both modes share, on the fresh reads of both hosts. */
function sharedPreflight(ctx: MovePlanContext, p: Common, guest: InventoryDomain | undefined, targetName: string, mode: 'move' | 'copy') {
  const { inv } = ctx;
  const f = ctx.move;
  const t = f?.target ?? null;
  const preflight: Check[] = [
    check('The target is another configured host', p.target !== inv.host && (ctx.hostIds ?? []).includes(p.target) && t !== null, {
      ok: p.target,
      bad: p.target === inv.host ? `the guest is on ${inv.host} already: choose another host` : `not found: no configured host ${p.target}`,
    }),
    check('The guest exists on the source', !!guest, { ok: `${guest?.name ?? ''} on ${inv.host} (${guest?.state ?? ''})`, bad: `no guest ${p.domain} on ${inv.host}` }),
    check('The guest is known by its UUID', !!guest?.uuid, { ok: guest?.uuid, bad: `virsh did not list the UUID of ${p.domain}; reload and retry` }),
    check('The domain XML was read (virsh dumpxml --migratable)', !!f?.sourceXml, { ok: 'without security info: no VNC/SPICE passwords leave the host', bad: f?.sourceXmlError ?? 'not read' }),
    check('The target is reachable with libvirt', !!t?.inv && t.inv.libvirt === 'ok' && !!t.caps, {
      ok: `${t?.host ?? ''}: ${t?.inv?.domains.length ?? 0} guests, ${t?.inv?.vgs.length ?? 0} volume groups`,
      bad: t?.error ?? (t?.inv ? (t.inv.libvirtError ?? `libvirt on ${t.host} did not answer`) : `${p.target} could not be read`),
    }),
  ];
  let xml: DomainXmlFacts | null = null;
  if (f?.sourceXml) {
    try {
      xml = domainXmlFacts(f.sourceXml);
    } catch (e) {
      preflight.push(check('The domain XML can be read', false, { bad: (e as Error).message }));
    }
  }
  if (!xml || !t?.inv || !guest) return { preflight, xml: null, disks: [] as DiskPlan[], t: null };
  const tinv = t.inv;
  const sameName = tinv.domains.find((d) => d.name === targetName);
  preflight.push(check(`No guest named ${targetName} on ${t.host}`, !sameName, {
    ok: 'the name is free',
    bad: `${t.host} already has a guest named ${targetName} (${sameName?.state ?? ''})${mode === 'copy' ? ': choose another name' : ''}`,
  }));
  if (mode === 'move') {
    const sameUuid = tinv.domains.find((d) => d.uuid === guest.uuid);
    preflight.push(check(`No guest with UUID ${guest.uuid ?? ''} on ${t.host}`, !sameUuid, { ok: 'the UUID is free', bad: `${t.host} already has this UUID as ${sameUuid?.name ?? ''}` }));
  }

  const disks = diskPlans(ctx.inv, guest, xml, p, t, targetName);
  for (const target of Object.keys(p.disks)) {
    if (!xml.disks.some((d) => d.target === target)) preflight.push(check(`Disk ${target}`, false, { bad: `${guest.name} has no disk ${target}` }));
  }
  for (const d of disks) {
    if (d.action === 'refuse') preflight.push(check(`Disk ${d.target}`, false, { bad: d.what }));
    else if (d.action === 'eject') preflight.push(check(`Disk ${d.target}`, true, { ok: d.what }, false));
    else preflight.push(check(`Disk ${d.target}`, true, { ok: d.what }));
  }
  if (!disks.some((d) => d.source)) preflight.push(check('The guest has a disk to copy', false, { bad: `${guest.name} has no LV disk` }));

  // Space, per target VG (the sum of its new LVs) and per target directory (a raw copy and its qcow2: twice).
  const perVg = new Map<string, number>();
  const perDir = new Map<string, number>();
  const perPool = new Map<string, { vg: string; pool: string; need: number }>();
  for (const d of disks) {
    if (d.lv?.thinPool && d.source) {
      const k = `${d.lv.vg}/${d.lv.thinPool}`;
      perPool.set(k, { vg: d.lv.vg, pool: d.lv.thinPool, need: (perPool.get(k)?.need ?? 0) + d.source.bytes });
    } else if (d.lv && d.source) perVg.set(d.lv.vg, (perVg.get(d.lv.vg) ?? 0) + d.source.bytes);
    if (d.file && d.source) perDir.set(d.file.dir, (perDir.get(d.file.dir) ?? 0) + 2 * d.source.bytes);
  }
  for (const d of disks) {
    if (!d.lv) continue;
    const nameError = validateLvName(d.lv.name);
    const taken = findLvIn(tinv.lvs, d.lv.vg, d.lv.name);
    preflight.push(check(`Target LV ${t.host}:${d.lv.vg}/${d.lv.name} is free`, !nameError && !taken, {
      ok: 'no such LV yet',
      bad: nameError ?? `${t.host} already has ${d.lv.vg}/${d.lv.name}: choose another name`,
    }));
  }
  for (const [vgName, need] of perVg) {
    const vg = tinv.vgs.find((v) => v.name === vgName);
    preflight.push(check(`Enough free space in ${t.host}:${vgName}`, !!vg && vg.freeBytes >= need, {
      ok: `${fmtMiB(need)} needed, ${fmtMiB(vg?.freeBytes ?? 0)} free`,
      bad: vg ? `not enough space: ${fmtMiB(need)} needed, only ${fmtMiB(vg.freeBytes)} free in ${t.host}:${vgName}` : `${t.host} has no volume group ${vgName}`,
    }));
  }
  for (const c of thinPoolChecks(tinv, t.host, [...perPool.values()])) preflight.push(c);
  for (const [dir, need] of perDir) {
    const allowed = dir === t.backupDir || dir === t.exportDir;
    const avail = t.probe?.avail[dir];
    preflight.push(check(`Directory ${t.host}:${dir}`, allowed && avail !== undefined && avail >= need, {
      ok: `${fmtMiB(need)} needed at most (a raw copy and its qcow2), ${fmtMiB(avail ?? 0)} free`,
      bad: !allowed
        ? `${dir} is neither the backup directory (${t.backupDir}) nor the export directory (${t.exportDir}) of ${t.host}`
        : avail === undefined ? `the free space of ${dir} on ${t.host} could not be read` : `not enough space: ${fmtMiB(need)} needed, only ${fmtMiB(avail)} free in ${t.host}:${dir}`,
    }));
  }

  // Networks: each interface's bridge, network or device exists on the target, as it is or as mapped.
  for (const i of xml.interfaces) {
    if (!i.source) {
      preflight.push(check(`Interface ${i.mac ?? i.type}`, true, { ok: `${i.type} networking needs nothing on the target` }, false));
      continue;
    }
    const name = p.networks[i.source] ?? i.source;
    const mapped = name !== i.source ? ` (mapped from ${i.source})` : '';
    const present = i.type === 'network' ? (t.networks ?? []).includes(name) : (t.probe?.interfaces ?? []).includes(name);
    const kind = i.type === 'network' ? 'network' : i.type === 'bridge' ? 'bridge' : 'device';
    const choices = i.type === 'network' ? (t.networks ?? []) : (t.probe?.interfaces ?? []).filter((n) => n !== 'lo');
    preflight.push(check(`The ${kind} ${name} exists on ${t.host}`, present, {
      ok: `${i.type} interface ${i.mac ?? ''}${mapped}`,
      bad: `missing ${kind}: ${t.host} has no ${kind} ${name}${mapped}; map it to one of: ${choices.join(', ') || 'none'}`,
    }));
  }
  preflight.push(check(`The emulator exists on ${t.host}`, !xml.emulator || t.probe?.emulator === true, {
    ok: xml.emulator ?? 'libvirt chooses',
    bad: `${t.host} has no ${xml.emulator ?? ''}`,
  }));
  const m = t.caps ? machineSupported(t.caps, xml) : { ok: false, detail: 'virsh capabilities not read' };
  preflight.push(check(`The machine type is supported on ${t.host}`, m.ok, { ok: m.detail, bad: m.detail }));
  if (xml.cpuMode === 'host-passthrough' || xml.cpuMode === 'host-model') {
    preflight.push(check('CPU model', false, {
      bad: `the guest uses CPU mode ${xml.cpuMode}: it sees the host's CPU, and may not start (or behave differently) on a host with another CPU`,
    }, false));
  }
  if (xml.nvram) {
    const nv = targetNvramPath(xml.nvram, mode === 'copy' ? targetName : undefined);
    preflight.push(check('UEFI variables (NVRAM) are copied', t.probe?.nvramTaken === false, {
      ok: `${xml.nvram} -> ${t.host}:${nv}`,
      bad: `${t.host} already has a file at ${nv}`,
    }));
  }
  return { preflight, xml, disks, t };
}

/**
 * Thin target LVs: the pool exists, and its free data (size less data%) holds every disk streamed into it in full
 * (dd writes only the non-zero blocks, but nothing tells in advance how many that is: the copy must not be able to
 * fill the pool, which would stop every thin volume in it). Overcommit (more virtual size than the pool) and a
 * pool's metadata above 80% are warned about, not refused: thin pools are often overcommitted on purpose.
 */
export function thinPoolChecks(tinv: NonNullable<TargetFacts['inv']>, host: string, pools: { vg: string; pool: string; need: number }[]): Check[] {
  const out: Check[] = [];
  for (const { vg, pool, need } of pools) {
    const lv = findLvIn(tinv.lvs, vg, pool);
    const title = `Thin pool ${host}:${vg}/${pool}`;
    if (!lv || lv.kind !== 'thin-pool') {
      out.push(check(title, false, { bad: lv ? `${vg}/${pool} on ${host} is a ${lv.kind} volume, not a thin pool` : `${host} has no thin pool ${vg}/${pool}` }));
      continue;
    }
    if (lv.dataPercent === null) {
      out.push(check(title, false, { bad: `the data usage of ${vg}/${pool} on ${host} could not be read (is the pool active?)` }));
      continue;
    }
    const free = Math.floor(lv.sizeBytes * (1 - lv.dataPercent / 100));
    out.push(check(`Enough free space in the thin pool ${host}:${vg}/${pool}`, free >= need, {
      ok: `${fmtMiB(need)} at most (zero blocks stay unmapped), ${fmtMiB(free)} free (${lv.dataPercent.toFixed(2)}% of ${fmtMiB(lv.sizeBytes)} used)`,
      bad: `not enough space in the thin pool: the copy may write ${fmtMiB(need)}, only ${fmtMiB(free)} free in ${host}:${vg}/${pool} (${lv.dataPercent.toFixed(2)}% of ${fmtMiB(lv.sizeBytes)} used); a full pool stops every thin volume in it`,
    }));
    const virtual = tinv.lvs.filter((v) => v.vg === vg && v.pool === pool && (v.kind === 'thin-volume' || v.kind === 'thin-snapshot')).reduce((n, v) => n + v.sizeBytes, 0) + need;
    if (virtual > lv.sizeBytes) {
      out.push(check(`Overcommit of ${host}:${vg}/${pool}`, false, {
        bad: `the pool will be overcommitted: ${fmtMiB(virtual)} of thin volumes in a ${fmtMiB(lv.sizeBytes)} pool; watch its usage (alerts pool-warning, pool-critical) or grow it`,
      }, false));
    }
    if (lv.metadataPercent !== null && lv.metadataPercent >= 80) {
      out.push(check(`Metadata of ${host}:${vg}/${pool}`, false, { bad: `the pool's metadata is ${lv.metadataPercent.toFixed(2)}% full: a pool stops when its metadata fills` }, false));
    }
  }
  return out;
}

/** The target XML: each disk at its new place, CD-ROMs ejected, networks as mapped (copy: name, no UUID/MACs). */
function targetXml(sourceXml: string, xml: DomainXmlFacts, disks: DiskPlan[], networks: Record<string, string>, copyName?: string): string {
  const rewrite: Record<string, DiskRewrite> = {};
  for (const d of disks) {
    if (d.action === 'copy-lv' && d.lv) rewrite[d.target] = { type: 'block', dev: lvDevicePath(d.lv.vg, d.lv.name) };
    else if (d.action === 'copy-qcow2' && d.file) rewrite[d.target] = { type: 'file', file: d.file.path, format: 'qcow2' };
    else if (d.action === 'eject' && xml.disks.find((x) => x.target === d.target)?.source) rewrite[d.target] = { type: 'eject' };
  }
  return rewriteDomainXml(sourceXml, {
    disks: rewrite,
    networks,
    ...(xml.nvram ? { nvram: targetNvramPath(xml.nvram, copyName) } : {}),
    ...(copyName ? { copy: { name: copyName } } : {}),
  });
}

interface Undo {
  after: number;
  step: Step;
}

/**
 * The target side of the copy: volumes and files made, NVRAM copied, each disk streamed and verified, qcow2
 * converted. Returns the steps and the undo steps (run only when the job fails before it commits).
 */
function copySteps(
  source: string,
  t: TargetFacts,
  disks: DiskPlan[],
  read: (d: DiskPlan) => { vg: string; lv: string },
  nvram: { from: string; to: string } | null,
  base: number,
): { steps: Step[]; undo: Undo[]; always: Undo[] } {
  const steps: Step[] = [];
  const undo: Undo[] = [];
  const always: Undo[] = [];
  const at = () => base + steps.length;
  for (const d of disks) {
    if (d.action === 'copy-lv' && d.lv && d.source) {
      undo.push({
        after: at(),
        step: { kind: 'run', role: 'remove', host: t.host, title: `Remove the partial copy ${t.host}:${d.lv.vg}/${d.lv.name}`, argv: retryArgv(15, lvremoveArgv({ vg: d.lv.vg, lv: d.lv.name })) },
      });
      steps.push(
        d.lv.thinPool
          ? { kind: 'run', role: 'create', host: t.host, title: `Create the thin LV ${t.host}:${d.lv.vg}/${d.lv.name} (${fmtMiB(d.source.bytes)}) in ${d.lv.vg}/${d.lv.thinPool}`, argv: lvcreateThinArgv({ vg: d.lv.vg, pool: d.lv.thinPool, name: d.lv.name, sizeBytes: d.source.bytes }) }
          : { kind: 'run', role: 'create', host: t.host, title: `Create ${t.host}:${d.lv.vg}/${d.lv.name} (${fmtMiB(d.source.bytes)})`, argv: lvcreatePlainArgv({ vg: d.lv.vg, name: d.lv.name, sizeBytes: d.source.bytes }) },
      );
    } else if (d.action === 'copy-qcow2' && d.file && d.source) {
      steps.push({ kind: 'run', role: 'check', host: t.host, title: `Check ${t.host}:${d.file.dir} (writable, ${fmtMiB(2 * d.source.bytes)} free)`, argv: targetCheckArgv(d.file.dir, 2 * d.source.bytes) });
      for (const f of [d.file.path, `${d.file.path}.part`]) {
        undo.push({ after: at(), step: { kind: 'run', role: 'remove', host: t.host, title: `Remove ${t.host}:${f}`, argv: removeFileArgv(f) } });
        steps.push({ kind: 'run', role: 'check', host: t.host, title: `Check that ${t.host}:${f} does not exist yet`, argv: absentCheckArgv(f), failMessage: `${f} already exists on ${t.host}` });
      }
    }
  }
  if (nvram) {
    undo.push({ after: at(), step: { kind: 'run', role: 'remove', host: t.host, title: `Remove ${t.host}:${nvram.to}`, argv: removeFileArgv(nvram.to) } });
    steps.push({ kind: 'pipe', role: 'copy', title: `Copy the UEFI variables to ${t.host}:${nvram.to}`, from: { host: source, argv: catArgv(nvram.from) }, to: { host: t.host, argv: writeFileArgv(nvram.to) } });
  }
  for (const d of disks) {
    if (!d.source) continue;
    const from = read(d);
    const dest = d.lv ? lvDevicePath(d.lv.vg, d.lv.name) : `${d.file!.path}.part`;
    const bytes = d.source.bytes;
    steps.push({
      kind: 'pipe',
      role: 'copy',
      title: `Copy ${d.target} to ${t.host}:${dest}`,
      from: { host: source, argv: ddReadArgv(from) },
      to: { host: t.host, argv: d.lv ? (d.lv.thinPool ? ddWriteThinLvArgv : ddWriteLvArgv)({ vg: d.lv.vg, lv: d.lv.name }) : ddWriteFileArgv(dest) },
      bytes,
      timeoutMs: COPY_TIMEOUT_MS,
      failMessage: `the copy of ${d.target} failed`,
    });
    steps.push({
      kind: 'pipe',
      role: 'verify',
      title: `Verify ${d.target}: SHA-256 on ${source} and ${t.host}`,
      from: { host: source, argv: sha256Argv({ path: lvDevicePath(from.vg, from.lv), bytes }) },
      to: { host: t.host, argv: sha256CompareArgv({ path: dest, bytes }) },
      timeoutMs: COPY_TIMEOUT_MS,
      failMessage: `the copy of ${d.target} differs from the source`,
    });
    if (d.file) {
      const part = `${d.file.path}.part`;
      always.push({ after: steps.length + base, step: { kind: 'run', role: 'remove', host: t.host, title: `Remove the raw copy ${t.host}:${part}`, argv: removeFileArgv(part) } });
      steps.push(
        { kind: 'run', role: 'export', host: t.host, title: `Convert ${d.target} to qcow2 on ${t.host}`, argv: qcow2ConvertArgv(part, d.file.path), timeoutMs: COPY_TIMEOUT_MS, bytes },
        { kind: 'run', role: 'verify', host: t.host, title: `Verify ${d.file.path} against the raw copy (qemu-img compare)`, argv: qcow2CompareArgv(part, d.file.path), timeoutMs: COPY_TIMEOUT_MS, failMessage: 'the qcow2 file differs from the copy' },
      );
    }
  }
  return { steps, undo, always };
}

const withCleanup = (u: Undo, extra: { onFailure?: boolean; unless?: number } = {}): Step => ({ ...u.step, cleanup: { after: u.after, ...extra } });

function reviewOf(mode: 'move' | 'copy', guest: InventoryDomain, targetName: string, t: TargetFacts, disks: DiskPlan[], before: string, after: string, source: string): MoveReview {
  return { mode, guest: guest.name, targetName, target: t.host, disks, targetXml: after, xmlDiff: domainXmlDiff(before, after, { from: `${source}: ${guest.name}`, to: `${t.host}: ${targetName}` }) };
}

export function planMoveGuest(ctx: MovePlanContext, p: MoveGuestParams): PlanResult {
  const { inv } = ctx;
  const guest = findGuest(inv.domains, p.domain);
  const name = guest?.name ?? p.domain;
  const shared = sharedPreflight(ctx, p, guest, name, 'move');
  const { preflight } = shared;
  const running = guest?.state === 'running';
  if (guest) {
    preflight.push(check('The guest is running or shut off', guest.state === 'running' || guest.state === 'shut off', {
      ok: guest.state,
      bad: `${guest.name} is ${guest.state}: resume or stop it first`,
    }));
  }
  preflight.push(check('The name was typed to confirm', p.confirmName === name, { ok: name, bad: `type "${name}" to confirm the move` }));
  const blocked = blockedBy(preflight);
  if (blocked) return blocked;
  const { xml, disks, t } = shared;
  const g: GuestTarget | null = guest ? guestTarget(ctx, guest) : null;
  if (!xml || !t || !guest || !g || !ctx.move?.sourceXml) return { ok: false, error: 'preflight failed', preflight };

  const after = targetXml(ctx.move.sourceXml, xml, disks, p.networks);
  const steps: Step[] = [];
  let shutdownAt = -1;
  if (running) {
    shutdownAt = steps.length;
    steps.push(
      { kind: 'run', role: 'shutdown', title: `Shut down ${name} on ${inv.host} (ACPI)`, argv: shutdownArgv({ uuid: g.uuid }, { uri: g.uri }) },
      {
        kind: 'wait',
        title: `Wait until ${name} is shut off`,
        wait: { type: 'domain-state', domain: name, guest: g, states: ['shut off'] },
        timeoutMs: p.shutdownTimeoutS * 1000,
        pollMs: 1000,
        ...(p.forceOff ? { onTimeout: { title: `power ${name} off (virsh destroy)`, role: 'destroy' as const, argv: destroyArgv({ uuid: g.uuid }, { uri: g.uri }) } } : {}),
      },
    );
  }
  const nvram = xml.nvram ? { from: xml.nvram, to: targetNvramPath(xml.nvram) } : null;
  const copy = copySteps(inv.host, t, disks, (d) => d.source!, nvram, steps.length);
  steps.push(...copy.steps);
  const defineAt = steps.length;
  steps.push({ kind: 'run', role: 'define', host: t.host, title: `Define ${name} on ${t.host} (same name, UUID and MAC addresses)`, argv: defineFromXmlArgv(after, t.uri) });
  const startTarget = running && p.start;
  const commitAt = steps.length;
  if (startTarget) {
    steps.push(
      { kind: 'run', role: 'start', host: t.host, title: `Start ${name} on ${t.host}`, argv: startOnArgv(g.uuid, t.uri) },
      { kind: 'run', role: 'check', host: t.host, title: `Check that ${name} runs on ${t.host}`, argv: stateIsArgv(g.uuid, t.uri, 'running') },
    );
  }
  steps.push({ kind: 'run', role: 'autostart', title: `Disable autostart of ${name} on ${inv.host} (it stays defined, shut off)`, argv: autostartDisableArgv(g.uuid, g.uri) });
  // Without a start on the target, the move commits when the source's autostart is off (the last step).
  const commit = startTarget ? commitAt : steps.length - 1;
  const undo = { onFailure: true, unless: commit };
  steps.push({ kind: 'run', role: 'undefine', host: t.host, title: `Take the half-made ${name} off ${t.host}`, argv: teardownArgv(g.uuid, t.uri), cleanup: { after: defineAt, ...undo } });
  for (const u of copy.always) steps.push(withCleanup(u));
  for (const u of copy.undo) steps.push(withCleanup(u, undo));
  if (running) {
    steps.push({ kind: 'run', role: 'start', title: `Start ${name} again on ${inv.host}`, argv: startUnlessRunningArgv(g.uuid, g.uri), cleanup: { after: shutdownAt, ...undo } });
  }
  const postChecks: { title: string; check: PostCheck }[] = [{ title: `${name} is shut off on ${inv.host}`, check: { type: 'domain-state', domain: name, uuid: g.uuid, states: ['shut off'] } }];
  const review = reviewOf('move', guest, name, t, disks, ctx.move.sourceXml, after, inv.host);
  return {
    ok: true,
    plan: {
      operation: 'move-guest',
      host: inv.host,
      params: { ...p, uuid: g.uuid, wasRunning: running, review },
      summary: `Move ${name} from ${inv.host} to ${t.host}${startTarget ? ' and start it there' : ''}`,
      consequences: [
        ...(running ? [`${name} is shut down on ${inv.host} (ACPI${p.forceOff ? `; powered off after ${p.shutdownTimeoutS} s if it does not stop` : `; the move stops if it is still running after ${p.shutdownTimeoutS} s`}) and is unavailable until it runs on ${t.host}.`] : []),
        ...disks.filter((d) => d.source).map((d) => `${d.what}: streamed through the Cowherd server, checked by SHA-256 on both hosts.`),
        ...disks.filter((d) => d.action === 'eject').map((d) => d.what),
        `${name} is defined on ${t.host} with the same name, UUID and MAC addresses${startTarget ? ' and started there' : ''}.`,
        `On ${inv.host}, ${name} stays defined but shut off with autostart disabled; its volumes are kept (remove them later, separately).`,
        `If anything fails before ${name} runs on ${t.host}, what was made there is removed${running ? ` and ${name} is started again on ${inv.host}` : ''}.`,
      ],
      lockKey: `${inv.host}:${disks.find((d) => d.source)?.source?.vg ?? 'move'}`,
      preflight,
      steps,
      postChecks,
      destructive: true,
    },
  };
}

export function planCopyGuest(ctx: MovePlanContext, p: CopyGuestParams): PlanResult {
  const { inv } = ctx;
  const guest = findGuest(inv.domains, p.domain);
  const shared = sharedPreflight(ctx, p, guest, p.name, 'copy');
  const { preflight } = shared;
  const active = guest?.state === 'running' || guest?.state === 'paused';
  const mode = guest?.state !== 'running' || p.consistency === 'none' ? 'none' : p.consistency === 'auto' ? (guest.agent ? 'freeze' : 'suspend') : p.consistency;
  // The snapshots the copy reads from, 20% of each volume (at least 4 MiB) as create-snapshot's default.
  const stamp = (ctx.now ?? new Date()).toISOString().replace(/[-:]/g, '').slice(0, 13).replace('T', '-');
  const snaps = shared.disks.filter((d) => d.source).map((d) => ({ d, name: `${d.source!.lv}_copy_${stamp}`, bytes: Math.max(4 * MiB, Math.ceil(d.source!.bytes * 0.2)) }));
  if (guest) {
    const perVg = new Map<string, number>();
    for (const s of snaps) perVg.set(s.d.source!.vg, (perVg.get(s.d.source!.vg) ?? 0) + s.bytes);
    for (const [vgName, need] of perVg) {
      const vg = inv.vgs.find((v) => v.name === vgName);
      preflight.push(check(`Room for the snapshots in ${inv.host}:${vgName}`, !!vg && vg.freeBytes >= need, {
        ok: `${fmtMiB(need)} of ${fmtMiB(vg?.freeBytes ?? 0)} free`,
        bad: `not enough space for the snapshots: ${fmtMiB(need)} needed, ${fmtMiB(vg?.freeBytes ?? 0)} free in ${inv.host}:${vgName}`,
      }));
    }
    for (const s of snaps) {
      const nameError = validateLvName(s.name);
      preflight.push(check(`Snapshot ${s.d.source!.vg}/${s.name}`, !nameError && !findLvIn(inv.lvs, s.d.source!.vg, s.name), { ok: 'name free', bad: nameError ?? 'already exists' }));
    }
  }
  const blocked = blockedBy(preflight);
  if (blocked) return blocked;
  const { xml, disks, t } = shared;
  const g = guest ? guestTarget(ctx, guest) : null;
  if (!xml || !t || !guest || !g || !ctx.move?.sourceXml) return { ok: false, error: 'preflight failed', preflight };

  const after = targetXml(ctx.move.sourceXml, xml, disks, p.networks, p.name);
  const steps: Step[] = [];
  let protectAt = -1;
  if (mode !== 'none') {
    protectAt = steps.length;
    steps.push(mode === 'freeze'
      ? { kind: 'run', role: 'freeze', title: `Freeze the file systems of ${guest.name}`, argv: domfsfreezeArgv({ uuid: g.uuid }, { uri: g.uri }) }
      : { kind: 'run', role: 'suspend', title: `Suspend ${guest.name}`, argv: suspendArgv({ uuid: g.uuid }, { uri: g.uri }) });
  }
  const snapAt = new Map<string, number>();
  for (const s of snaps) {
    snapAt.set(s.d.target, steps.length);
    steps.push({ kind: 'run', role: 'snapshot', title: `Snapshot ${s.d.source!.vg}/${s.d.source!.lv} as ${s.name}`, argv: lvcreateSnapshotArgv({ vg: s.d.source!.vg, origin: s.d.source!.lv, name: s.name, sizeBytes: s.bytes }) });
  }
  if (protectAt >= 0) {
    steps.push(mode === 'freeze'
      ? { kind: 'run', role: 'thaw', title: `Thaw the file systems of ${guest.name}`, argv: domfsthawArgv({ uuid: g.uuid }, { uri: g.uri }), cleanup: { after: protectAt } }
      : { kind: 'run', role: 'resume', title: `Resume ${guest.name}`, argv: resumeArgv({ uuid: g.uuid }, { uri: g.uri }), cleanup: { after: protectAt } });
  }
  const nvram = xml.nvram ? { from: xml.nvram, to: targetNvramPath(xml.nvram, p.name) } : null;
  const copy = copySteps(inv.host, t, disks, (d) => ({ vg: d.source!.vg, lv: snaps.find((s) => s.d === d)!.name }), nvram, steps.length);
  steps.push(...copy.steps);
  const defineAt = steps.length;
  steps.push({ kind: 'run', role: 'define', host: t.host, title: `Define ${p.name} on ${t.host} (new UUID and MAC addresses, not started)`, argv: defineFromXmlArgv(after, t.uri) });
  for (const u of copy.always) steps.push(withCleanup(u));
  for (const s of snaps) {
    steps.push({ kind: 'run', role: 'remove', title: `Remove the snapshot ${s.d.source!.vg}/${s.name}`, argv: retryArgv(15, lvremoveArgv({ vg: s.d.source!.vg, lv: s.name })), cleanup: { after: snapAt.get(s.d.target)! } });
  }
  for (const u of copy.undo) steps.push(withCleanup(u, { onFailure: true, unless: defineAt }));
  const review = reviewOf('copy', guest, p.name, t, disks, ctx.move.sourceXml, after, inv.host);
  return {
    ok: true,
    plan: {
      operation: 'copy-guest',
      host: inv.host,
      params: { ...p, uuid: g.uuid, review },
      summary: `Copy ${guest.name} from ${inv.host} to ${t.host} as ${p.name} (not started)`,
      consequences: [
        ...(mode === 'freeze' ? [`${guest.name}'s file systems are frozen by the guest agent for the moment of the snapshots.`] : []),
        ...(mode === 'suspend' ? [`${guest.name} is paused for the moment of the snapshots (crash-consistent copy).`] : []),
        ...(mode === 'none' && guest.state === 'running' ? [`${guest.name} keeps running: the copy is crash-consistent.`] : []),
        ...snaps.map((s) => `A ${fmtMiB(s.bytes)} snapshot ${s.d.source!.vg}/${s.name} is read and removed afterwards.`),
        ...disks.filter((d) => d.source).map((d) => `${d.what}: streamed through the Cowherd server, checked by SHA-256 on both hosts.`),
        ...disks.filter((d) => d.action === 'eject').map((d) => d.what),
        `${p.name} is defined on ${t.host} with a new UUID and new MAC addresses, and is not started.`,
      ],
      lockKey: `${inv.host}:${disks.find((d) => d.source)?.source?.vg ?? 'copy'}`,
      preflight,
      steps,
      postChecks: [
        ...snaps.map((s) => ({ title: `the snapshot ${s.d.source!.vg}/${s.name} is removed`, check: { type: 'lv-absent' as const, vg: s.d.source!.vg, lv: s.name } })),
        ...(active ? [{ title: `${guest.name} is ${guest.state} on ${inv.host}`, check: { type: 'domain-state' as const, domain: guest.name, uuid: g.uuid, states: [guest.state] } }] : []),
      ],
      destructive: false,
    },
  };
}
