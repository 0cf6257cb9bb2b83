import 'server-only';
import type { HostConfig } from '@/lib/config/hosts';
import { refreshInventory } from '@/lib/inventory/service';
import type { Fail, Ok } from './types';

const fail = (status: number, error: string): Fail => ({ ok: false, status, error });

/**
 * Whether `vg/lv` may be browsed, read from the host now (both backends): a snapshot (classic or thin, active, valid,
 * not merging), or a plain volume no guest uses. Its device path and, for a snapshot, its origin.
 */
export async function browsableVolume(host: HostConfig, vg: string, lv: string): Promise<Ok<{ path: string; origin: string | null }> | Fail> {
  const inv = await refreshInventory(host.id, 0).catch((e: unknown) => e as Error);
  if (inv instanceof Error) return fail(502, `cannot read ${host.id}: ${inv.message}`);
  const vol = inv.lvs.find((l) => l.vg === vg && l.name === lv && !l.hidden);
  if (!vol) return fail(404, `${vg}/${lv} does not exist on ${host.id}`);
  const isSnap = vol.kind === 'snapshot' || vol.kind === 'thin-snapshot';
  const users = inv.domains.filter((d) => d.disks.some((k) => k.vg === vg && k.lv === lv));
  if (!isSnap && vol.kind !== 'plain' && vol.kind !== 'thin-volume') return fail(409, `${vg}/${lv} is a ${vol.kind}; only snapshots and unused plain volumes can be browsed`);
  if (!isSnap && users.length > 0) return fail(409, `${vg}/${lv} is used by guest ${users.map((d) => d.name).join(', ')}: browse a snapshot of it instead`);
  if (vol.merging) return fail(409, `${vg}/${lv} is merging into its origin`);
  if (vol.invalid) return fail(409, `${vg}/${lv} is invalid (its COW area filled up): nothing can be read from it`);
  if (!vol.active || !vol.path) return fail(409, `${vg}/${lv} is not active${vol.skipActivation ? ' (thin snapshots skip activation: lvchange -ay -K)' : ''}`);
  return { ok: true, path: vol.path, origin: isSnap ? vol.origin : null };
}
