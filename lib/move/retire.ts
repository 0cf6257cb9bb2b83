/**
 * retire-moved-guest (issue 14): the separate, confirmed step after a move, "Remove the old copy from <source>":
 * undefine the shut-off guest on the source host and remove the LVs that were its disks. Pure like plans.ts: the
 * source's fresh inventory and the facts of retire-service.ts (autostart and NVRAM on the source, a fresh read of
 * the target) in, preflight checks and argv steps out.
 *
 * The guest must never be lost: the plan refuses unless the target has a guest with the same UUID and name, with
 * every disk of the old copy present there at least as large as the source LV. Each LV it removes is a disk of that
 * guest only, closed, without snapshots (lvremove of an origin takes its snapshots with it). At run time the job
 * checks again that the guest is defined on the target and shut off on the source before it undefines anything,
 * and it undefines first: an orphaned LV is visible and harmless, a defined guest with a removed disk is not.
 */
import { z } from 'zod';
import type { Inventory } from '@/lib/inventory/types';
import { domstateArgv } from '@/lib/libvirt/commands';
import { lvremoveArgv } from '@/lib/lvm/commands';
import { findLvIn } from '@/lib/lvm/model';
import { blockedBy, check } from '@/lib/ops/checks';
import { lvDevicePath } from '@/lib/ops/host-commands';
import { guestTarget, type PlanContext } from '@/lib/ops/plans';
import type { Check, PlanResult, PostCheck, Step } from '@/lib/ops/types';
import { stateIsArgv, undefineArgv } from './commands';
import { findGuest, fmtMiB } from './facts';
import type { RetireMovedGuestParams } from './schemas';

/** The target host as the retire's preflight read it. */
export interface RetireTargetFacts {
  host: string;
  uri: string;
  /** A fresh inventory of the target, or null when it could not be read (`error` says why). */
  inv: Inventory | null;
  error: string | null;
  /** Virtual size of each file disk (by path) of the guest on the target (qemu-img info); null: not readable. */
  fileSizes: Record<string, number | null>;
  fileErrors: Record<string, string>;
}

/** What the retire plan knows besides the source's inventory; gathered by retire-service.ts right before planning. */
export interface RetireFacts {
  /** `virsh dominfo` on the source: is autostart on? null when it could not be read (`autostartError`). */
  autostart: boolean | null;
  autostartError: string | null;
  /** The source's NVRAM file from its domain XML, or null when it has none. */
  nvram: string | null;
  /** Why the domain XML could not be read (then `nvram` is unknown and the plan refuses). */
  xmlError: string | null;
  /** Null when the target is not a configured host. */
  target: RetireTargetFacts | null;
}

export interface RetirePlanContext extends PlanContext {
  hostIds?: string[];
  retire?: RetireFacts;
}

/** What the wizard's review shows: exactly what is removed (the plan stores it in params.retire). */
export interface RetireReview {
  guest: string;
  uuid: string;
  source: string;
  target: string;
  lvs: { vg: string; lv: string; bytes: number; disk: string }[];
  nvram: string | null;
  /** Disks that are not LVs of the source (CD-ROMs, files): left alone. */
  kept: string[];
}

/** `Autostart:       disable` in `virsh dominfo`: true, false, or null when the line is missing. */
export function parseDominfoAutostart(stdout: string): boolean | null {
  const m = /^Autostart:\s+(\S+)/m.exec(stdout);
  if (!m) return null;
  return m[1] === 'enable' ? true : m[1] === 'disable' ? false : null;
}

const qemuImgInfo = z.object({ 'virtual-size': z.number().int().nonnegative(), format: z.string() });

/** The virtual size of `qemu-img info --output=json`, or an error message. */
export function parseQemuImgVirtualSize(stdout: string): { ok: true; bytes: number } | { ok: false; error: string } {
  try {
    const r = qemuImgInfo.safeParse(JSON.parse(stdout));
    return r.success ? { ok: true, bytes: r.data['virtual-size'] } : { ok: false, error: `unexpected qemu-img info output: ${r.error.issues[0]?.message ?? ''}` };
  } catch {
    return { ok: false, error: 'qemu-img info did not print JSON' };
  }
}


export function planRetireMovedGuest(ctx: RetirePlanContext, p: RetireMovedGuestParams): PlanResult {
  const { inv } = ctx;
  const f = ctx.retire;
  const t = f?.target ?? null;
  const guest = findGuest(inv.domains, p.domain);
  const name = guest?.name ?? p.domain;
  const preflight: Check[] = [
    check('The target is another configured host', p.target !== inv.host && (ctx.hostIds ?? []).includes(p.target) && t !== null, {
      ok: p.target,
      bad: p.target === inv.host ? `${name} is to be removed from ${inv.host}: the target must be the host it was moved to` : `not found: no configured host ${p.target}`,
    }),
    check(`The guest exists on ${inv.host}`, !!guest, { ok: `${name} (${guest?.state ?? ''})`, bad: `no guest ${p.domain} on ${inv.host}` }),
  ];
  if (!guest) return blockedBy(preflight) ?? { ok: false, error: 'preflight failed', preflight };
  preflight.push(check('The guest is known by its UUID', !!guest.uuid, { ok: guest.uuid, bad: `virsh did not list the UUID of ${name}; reload and retry` }));
  preflight.push(check(`${name} is shut off on ${inv.host}`, guest.state === 'shut off', {
    ok: 'shut off',
    bad: `${name} is ${guest.state} on ${inv.host}: only a shut-off old copy can be removed (a moved guest runs on ${p.target} only)`,
  }));
  preflight.push(check(`Autostart of ${name} is disabled on ${inv.host}`, f?.autostart === false, {
    ok: 'virsh dominfo: Autostart: disable',
    bad: f?.autostart === true ? `autostart is enabled on ${inv.host}: this is not the old copy a move leaves behind (a move disables it); disable it first if it is` : (f?.autostartError ?? 'virsh dominfo was not read'),
  }));
  preflight.push(check('The domain XML was read (NVRAM)', !!f && f.xmlError === null, { ok: f?.nvram ? `UEFI variables ${f.nvram} are removed with it` : 'no NVRAM file', bad: f?.xmlError ?? 'not read' }));

  // The guest on the target: same UUID, same name; read afresh.
  const tinv = t?.inv ?? null;
  preflight.push(check(`${p.target} is reachable with libvirt`, !!tinv && tinv.libvirt === 'ok', {
    ok: `${tinv?.domains.length ?? 0} guests on ${p.target}`,
    bad: t?.error ?? (tinv ? (tinv.libvirtError ?? `libvirt on ${p.target} did not answer`) : `${p.target} could not be read`),
  }));
  const there = tinv && guest.uuid ? tinv.domains.find((d) => d.uuid === guest.uuid) : undefined;
  if (tinv && tinv.libvirt === 'ok') {
    const sameName = tinv.domains.find((d) => d.name === name);
    preflight.push(check(`${name} is defined on ${p.target} with the same UUID`, !!there && there.name === name, {
      ok: `${name} (${guest.uuid ?? ''}) is ${there?.state ?? ''} on ${p.target}`,
      bad: there
        ? `UUID differs in name: ${p.target} has UUID ${guest.uuid ?? ''} as ${there.name}, not ${name}`
        : sameName
          ? `UUID differs: ${p.target} has a guest named ${name} with UUID ${sameName.uuid ?? 'unknown'}, not ${guest.uuid ?? ''}: it is another guest, so this copy is not moved`
          : `not defined on ${p.target}: ${name} (${guest.uuid ?? ''}) is not there, so removing it here would lose the guest`,
    }));
  }

  // The LVs to remove: the guest's disks that are LVs of the source.
  const lvs: RetireReview['lvs'] = [];
  const kept: string[] = [];
  for (const d of guest.disks) {
    const lv = d.vg && d.lv ? findLvIn(inv.lvs, d.vg, d.lv) : undefined;
    if (!d.vg || !d.lv || !lv) {
      const what = `${d.target}: ${d.source ?? 'empty'} (not an LV of ${inv.host}: left as it is)`;
      kept.push(what);
      preflight.push(check(`Disk ${d.target} is kept`, true, { ok: what }, false));
      continue;
    }
    lvs.push({ vg: d.vg, lv: d.lv, bytes: lv.sizeBytes, disk: d.target });
    const key = `${d.vg}/${d.lv}`;
    preflight.push(check(`${key} is not open`, !lv.open, { ok: `attr ${lv.attr}`, bad: `${inv.host}:${key} is open (attr ${lv.attr}): a process or a guest uses it` }));
    const snaps = inv.lvs.filter((s) => s.vg === d.vg && s.origin === d.lv).map((s) => s.name);
    preflight.push(check(`${key} has no snapshots`, snaps.length === 0, {
      ok: 'none',
      bad: `${key} has snapshots: ${snaps.join(', ')}; lvremove would remove them with it: remove or merge them first`,
    }));
    const others = inv.domains.filter((o) => o !== guest && o.disks.some((k) => k.vg === d.vg && k.lv === d.lv)).map((o) => o.name);
    preflight.push(check(`${key} is used by no other guest`, others.length === 0, { ok: `only ${name}`, bad: `${key} is also a disk of ${others.join(', ')} on ${inv.host}` }));
    if (there) {
      const td = there.disks.find((k) => k.target === d.target);
      const tlv = td?.vg && td.lv ? findLvIn(tinv?.lvs ?? [], td.vg, td.lv) : undefined;
      const fileBytes = td?.source && !tlv ? t?.fileSizes[td.source] : undefined;
      const size = tlv?.sizeBytes ?? fileBytes ?? null;
      const where = tlv ? `${p.target}:${tlv.vg}/${tlv.name}` : `${p.target}:${td?.source ?? ''}`;
      preflight.push(check(`Disk ${d.target} is on ${p.target}`, !!td && size !== null && size >= lv.sizeBytes, {
        ok: `${where} (${fmtMiB(size ?? 0)}; ${key} is ${fmtMiB(lv.sizeBytes)})`,
        bad: !td
          ? `${name} on ${p.target} has no disk ${d.target}: the copy of ${key} is not there`
          : size === null
            ? `the size of ${where} could not be read${td.source && t?.fileErrors[td.source] ? `: ${t.fileErrors[td.source]}` : ''}`
            : `${where} has ${fmtMiB(size)}, less than ${key} (${fmtMiB(lv.sizeBytes)}): it is not a whole copy`,
      }));
    }
  }
  preflight.push(check('The name was typed to confirm', p.confirmName === name, { ok: name, bad: `type "${name}" to confirm the removal` }));

  const blocked = blockedBy(preflight);
  if (blocked) return blocked;
  const g = guestTarget(ctx, guest);
  if (!g || !t || !f) return { ok: false, error: 'preflight failed', preflight };

  const nvram = f.nvram;
  const steps: Step[] = [
    { kind: 'run', role: 'check', host: t.host, title: `Check that ${name} is still defined on ${t.host}`, argv: domstateArgv({ uuid: g.uuid }, { uri: t.uri }), failMessage: `${name} is not defined on ${t.host} (any more): nothing is removed` },
    { kind: 'run', role: 'check', title: `Check that ${name} is shut off on ${inv.host}`, argv: stateIsArgv(g.uuid, g.uri, 'shut off'), failMessage: `${name} is not shut off on ${inv.host}: nothing is removed` },
    { kind: 'run', role: 'undefine', title: `Undefine ${name} on ${inv.host}${nvram ? ' with its UEFI variables' : ''}`, argv: undefineArgv(g.uuid, g.uri, { nvram: !!nvram }) },
    ...lvs.map((l): Step => ({ kind: 'run', role: 'remove', title: `Remove ${inv.host}:${l.vg}/${l.lv} (${fmtMiB(l.bytes)})`, argv: lvremoveArgv({ vg: l.vg, lv: l.lv }) })),
  ];
  const postChecks: { title: string; check: PostCheck }[] = [
    { title: `${name} is no longer defined on ${inv.host}`, check: { type: 'domain-absent', domain: name, uuid: g.uuid } },
    ...lvs.map((l) => ({ title: `${l.vg}/${l.lv} is removed`, check: { type: 'lv-absent' as const, vg: l.vg, lv: l.lv } })),
  ];
  const review: RetireReview = { guest: name, uuid: g.uuid, source: inv.host, target: t.host, lvs, nvram, kept };
  return {
    ok: true,
    plan: {
      operation: 'retire-moved-guest',
      host: inv.host,
      params: { ...p, uuid: g.uuid, retire: review },
      summary: `Remove the old copy of ${name} from ${inv.host} (it runs from ${t.host} now)`,
      consequences: [
        `${name} is undefined on ${inv.host}${nvram ? `, with its UEFI variables ${nvram}` : ''}; ${name} on ${t.host} is not touched.`,
        ...lvs.map((l) => `${lvDevicePath(l.vg, l.lv)} (${fmtMiB(l.bytes)}, disk ${l.disk}) is removed for good; its space returns to ${inv.host}:${l.vg}.`),
        ...kept,
      ],
      lockKey: `${inv.host}:${lvs[0]?.vg ?? 'retire'}`,
      preflight,
      steps,
      postChecks,
      destructive: true,
    },
  };
}
