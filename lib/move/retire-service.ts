import 'server-only';
import { findHost } from '@/lib/config/hosts';
import { runnerFor } from '@/lib/host';
import type { HostRunner } from '@/lib/host/types';
import { refreshInventory } from '@/lib/inventory/service';
import type { Inventory } from '@/lib/inventory/types';
import { DEFAULT_LIBVIRT_URI } from '@/lib/libvirt/commands';
import { dominfoArgv, dumpxmlMigratableArgv, qcow2InfoArgv } from './commands';
import { domainXmlFacts } from './domain-xml';
import { findGuest } from './facts';
import { parseDominfoAutostart, parseQemuImgVirtualSize, type RetireFacts, type RetireTargetFacts } from './retire';

// Issue 14: the fresh reads retire-moved-guest needs besides the source's inventory (read by planOperation): the old
// copy's autostart and NVRAM on the source, and the target's inventory with the size of each file disk of the moved
// guest there. Nothing is written anywhere.

async function out(runner: HostRunner, argv: string[]): Promise<string> {
  const r = await runner.run(argv, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${argv.slice(0, 4).join(' ')}: ${r.stderr.trim() || `exit ${r.exitCode ?? 'none'}`}`);
  return r.stdout;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function gatherRetireFacts(sourceId: string, inv: Inventory, params: { domain?: unknown; target?: unknown }): Promise<RetireFacts> {
  const facts: RetireFacts = { autostart: null, autostartError: null, nvram: null, xmlError: null, target: null };
  const source = findHost(sourceId);
  const ref = typeof params.domain === 'string' ? params.domain : '';
  const guest = findGuest(inv.domains, ref);
  if (!source || !guest?.uuid) {
    facts.autostartError = facts.xmlError = `no guest ${ref} with a UUID on ${sourceId}`;
  } else {
    const runner = runnerFor(source);
    const uri = source.libvirtUri ?? DEFAULT_LIBVIRT_URI;
    try {
      facts.autostart = parseDominfoAutostart(await out(runner, dominfoArgv(guest.uuid, uri)));
      if (facts.autostart === null) facts.autostartError = 'virsh dominfo printed no Autostart line';
    } catch (e) {
      facts.autostartError = message(e);
    }
    try {
      facts.nvram = domainXmlFacts(await out(runner, dumpxmlMigratableArgv(guest.uuid, uri))).nvram;
    } catch (e) {
      facts.xmlError = message(e);
    }
  }

  const targetId = typeof params.target === 'string' ? params.target : '';
  const target = targetId && targetId !== sourceId ? findHost(targetId) : undefined;
  if (!target) return facts;
  const t: RetireTargetFacts = { host: target.id, uri: target.libvirtUri ?? DEFAULT_LIBVIRT_URI, inv: null, error: null, fileSizes: {}, fileErrors: {} };
  facts.target = t;
  try {
    t.inv = await refreshInventory(target.id, 0);
  } catch (e) {
    t.error = `cannot read ${target.id}: ${message(e)}`;
    return facts;
  }
  // A disk moved as a qcow2 file: its virtual size, read on the target (the inventory maps only LVs).
  const there = guest?.uuid ? t.inv.domains.find((d) => d.uuid === guest.uuid) : undefined;
  const runner = runnerFor(target);
  for (const d of there?.disks ?? []) {
    if (!d.source || (d.vg && d.lv) || !guest?.disks.some((k) => k.target === d.target && k.vg && k.lv)) continue;
    try {
      const r = parseQemuImgVirtualSize(await out(runner, qcow2InfoArgv(d.source)));
      t.fileSizes[d.source] = r.ok ? r.bytes : null;
      if (!r.ok) t.fileErrors[d.source] = r.error;
    } catch (e) {
      t.fileSizes[d.source] = null;
      t.fileErrors[d.source] = message(e);
    }
  }
  return facts;
}
