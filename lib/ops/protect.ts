import { lvchangeTagsArgv } from '@/lib/lvm/commands';
import { findLvIn, isSnapshot } from '@/lib/lvm/model';
import { PROTECTED_TAG } from '@/lib/policies/schema';
import { blockedBy, check } from './checks';
import type { PlanContext } from './plans';
import type { ProtectSnapshotParams } from './schemas';
import type { PlanResult } from './types';

/**
 * Mark a snapshot protected (or not) with the LVM tag `cowherd-protected`: snapshot policies never prune nor
 * expire a protected snapshot (issue 12). The tag lives in the VG's metadata, so it holds whatever Cowherd's
 * database says, and `lvs -o lv_tags` shows it to anyone on the host.
 */
export function planProtectSnapshot(ctx: PlanContext, p: ProtectSnapshotParams): PlanResult {
  const snap = findLvIn(ctx.inv.lvs, p.vg, p.snapshot);
  const has = snap?.tags.includes(PROTECTED_TAG) ?? false;
  const preflight = [
    check('Snapshot exists', !!snap, { ok: `${p.vg}/${p.snapshot}`, bad: `no logical volume ${p.vg}/${p.snapshot}` }),
    check('It is a snapshot', !!snap && isSnapshot(snap), { ok: snap?.kind, bad: snap ? `${p.vg}/${p.snapshot} is a ${snap.kind} volume` : undefined }),
    check(p.protected ? 'Not protected yet' : 'Protected now', p.protected ? !has : has, {
      bad: p.protected ? `${p.vg}/${p.snapshot} is already protected` : `${p.vg}/${p.snapshot} is not protected`,
    }),
  ];
  const b = blockedBy(preflight);
  if (b) return b;
  const argv = p.protected
    ? lvchangeTagsArgv({ vg: p.vg, lv: p.snapshot, add: [PROTECTED_TAG] })
    : lvchangeTagsArgv({ vg: p.vg, lv: p.snapshot, del: [PROTECTED_TAG] });
  return {
    ok: true,
    plan: {
      operation: 'protect-snapshot',
      host: ctx.inv.host,
      params: p,
      summary: p.protected ? `Protect ${p.vg}/${p.snapshot} from pruning by snapshot policies` : `Let snapshot policies prune ${p.vg}/${p.snapshot} again`,
      consequences: [p.protected ? 'Policies keep this snapshot until the protection is removed; it does not count toward their retention.' : 'If it carries a policy\'s tag, that policy\'s retention may remove it at its next run.'],
      lockKey: `${ctx.inv.host}:${p.vg}`,
      preflight,
      steps: [{ kind: 'run', role: 'other', title: `${p.protected ? 'Add' : 'Remove'} tag ${PROTECTED_TAG} on ${p.vg}/${p.snapshot}`, argv }],
      postChecks: [{ title: `lvs lists ${p.vg}/${p.snapshot}`, check: { type: 'lv-present', vg: p.vg, lv: p.snapshot } }],
      destructive: false,
    },
  };
}
