import 'server-only';
import { findHost } from '@/lib/config/hosts';
import { runnerFor } from '@/lib/host';
import type { HostRunner } from '@/lib/host/types';
import { refreshInventory } from '@/lib/inventory/service';
import type { Inventory } from '@/lib/inventory/types';
import { DEFAULT_LIBVIRT_URI } from '@/lib/libvirt/commands';
import { parseCapabilities } from './capabilities';
import { capabilitiesArgv, dumpxmlMigratableArgv, netListArgv, parseProbe, targetProbeArgv } from './commands';
import { domainXmlFacts } from './domain-xml';
import { findGuest, targetNvramPath, type MoveFacts, type TargetFacts } from './facts';

// Issue 14: the fresh reads a move or copy plan needs besides the source's inventory (read by planOperation):
// the guest's migratable XML on the source, and the target's inventory, capabilities, networks, interfaces,
// emulator, NVRAM path and free space. Nothing is written anywhere.

async function out(runner: HostRunner, argv: string[]): Promise<string> {
  const r = await runner.run(argv, { reject: false });
  if (r.exitCode !== 0) throw new Error(`${argv.slice(0, 4).join(' ')}: ${r.stderr.trim() || `exit ${r.exitCode ?? 'none'}`}`);
  return r.stdout;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function gatherMoveFacts(sourceId: string, inv: Inventory, params: { domain?: unknown; target?: unknown; name?: unknown }): Promise<MoveFacts> {
  const source = findHost(sourceId);
  const ref = typeof params.domain === 'string' ? params.domain : '';
  const guest = findGuest(inv.domains, ref);
  let sourceXml: string | null = null;
  let sourceXmlError: string | null = guest?.uuid ? null : `no guest ${ref} with a UUID on ${sourceId}`;
  if (source && guest?.uuid) {
    try {
      sourceXml = await out(runnerFor(source), dumpxmlMigratableArgv(guest.uuid, source.libvirtUri ?? DEFAULT_LIBVIRT_URI));
    } catch (e) {
      sourceXmlError = message(e);
    }
  }
  const targetId = typeof params.target === 'string' ? params.target : '';
  const target = targetId && targetId !== sourceId ? findHost(targetId) : undefined;
  if (!target) return { sourceXml, sourceXmlError, target: null };

  const t: TargetFacts = {
    host: target.id,
    uri: target.libvirtUri ?? DEFAULT_LIBVIRT_URI,
    backupDir: target.backupDir,
    exportDir: target.exportDir,
    inv: null,
    error: null,
    caps: null,
    networks: null,
    probe: null,
  };
  try {
    t.inv = await refreshInventory(target.id, 0);
  } catch (e) {
    t.error = `cannot read ${target.id}: ${message(e)}`;
    return { sourceXml, sourceXmlError, target: t };
  }
  const runner = runnerFor(target);
  try {
    t.caps = parseCapabilities(await out(runner, capabilitiesArgv(t.uri)));
    t.networks = (await out(runner, netListArgv(t.uri))).split('\n').map((l) => l.trim()).filter(Boolean);
  } catch (e) {
    t.error = `libvirt on ${target.id}: ${message(e)}`;
  }
  let emulator = '/usr/bin/qemu-system-x86_64';
  let nvram: string | null = null;
  if (sourceXml) {
    try {
      const x = domainXmlFacts(sourceXml);
      emulator = x.emulator ?? emulator;
      nvram = x.nvram ? targetNvramPath(x.nvram, typeof params.name === 'string' ? params.name : undefined) : null;
    } catch {
      // The plan reports an unreadable XML with its reason.
    }
  }
  try {
    t.probe = parseProbe(await out(runner, targetProbeArgv({ emulator, nvram, dirs: [...new Set([target.backupDir, target.exportDir])] })));
  } catch (e) {
    t.error = `cannot probe ${target.id}: ${message(e)}`;
  }
  return { sourceXml, sourceXmlError, target: t };
}
