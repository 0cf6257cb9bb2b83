import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { buildLvmModel } from '@/lib/lvm/model';
import { parseLvs } from '@/lib/lvm/reports';
import type { Inventory } from './types';

// pollHost against recorded lab output: full reads are promises the test settles, a poll answers with the
// dmsetup text of the moment. What is checked is the order of things, which only the monitor decides.
const fixture = (f: string) => readFileSync(path.join(import.meta.dirname, '../dm/fixtures', f), 'utf8');
const DM = fixture('dmsetup-status-verbose-mixed.txt');
const model = buildLvmModel([], parseLvs(fixture('lvs-mixed.json')));
const inventoryAt = (at: number): Inventory => ({ host: 'lab', vgs: [], lvs: model.lvs, domains: [], libvirt: 'ok', collectedAt: new Date(at).toISOString(), durationMs: 1 });

const reads: { resolve: (r: { inventory: Inventory }) => void }[] = [];
/** The order of host reads: 'dm' (a poll) and 'full'. */
const calls: string[] = [];
let dmText = DM;
const settings = { COWHERD_COMMAND_TIMEOUT_S: 60, COWHERD_POLL_MS: 5000, COWHERD_INVENTORY_MS: 60_000 };
vi.mock('@/lib/config/hosts', () => ({ config: () => ({ hosts: [{ id: 'lab' }] }) }));
vi.mock('@/lib/host', () => ({ runnerFor: () => ({}) }));
vi.mock('@/lib/env', () => ({ env: () => settings }));
vi.mock('./collect', () => ({
  collectFullRead: () => {
    calls.push('full');
    return new Promise((resolve) => reads.push({ resolve }));
  },
  runRead: () => {
    calls.push('dm');
    return Promise.resolve({ stdout: dmText, stderr: '', exitCode: 0 });
  },
}));

const { pollHost, lastInventory } = await import('./service');
const flush = () => new Promise((r) => setTimeout(r, 0));
const snap = () => lastInventory('lab')?.lvs.find((l) => l.name === 'my-lv-snap');
const settled = async <T,>(p: Promise<T>) => {
  let done = false;
  void p.then(() => (done = true));
  await flush();
  return done;
};

beforeEach(async () => {
  reads.length = 0;
  calls.length = 0;
  dmText = DM;
  settings.COWHERD_INVENTORY_MS = 60_000;
  (globalThis as { __cowherdInventory?: Map<string, unknown> }).__cowherdInventory?.clear();
  // The first read of a host is a full one, waited for.
  const first = pollHost('lab');
  await flush();
  reads[0]?.resolve({ inventory: inventoryAt(Date.now()) });
  expect(await first).toBe('full: first read');
});

describe('pollHost', () => {
  it('between full reads, publishes the device-mapper figures', async () => {
    dmText = DM.replace('snapshot 6184/16384 40', 'snapshot 12000/16384 40');
    expect(await pollHost('lab')).toBe('fast');
    expect(reads).toHaveLength(1);
    expect(snap()?.cowPercent).toBe(73.24);
  });

  it("does not wait for the slow interval's full read: the fill keeps moving while lvs is slow", async () => {
    settings.COWHERD_INVENTORY_MS = 0; // the slow interval is due
    dmText = DM.replace('snapshot 6184/16384 40', 'snapshot 12000/16384 40');
    const p = pollHost('lab');
    expect(await settled(p)).toBe(true);
    expect(await p).toBe('fast, full read started');
    expect(reads).toHaveLength(2); // started, still running
    expect(snap()?.cowPercent).toBe(73.24);
    // While it runs, the next polls neither start another nor wait for it.
    dmText = DM.replace('snapshot 6184/16384 40', 'snapshot 13000/16384 40');
    expect(await pollHost('lab')).toBe('fast');
    expect(reads).toHaveLength(2);
    expect(snap()?.cowPercent).toBe(79.35);
    // It ends with what lvs saw when it started (6184/16384 = 37.74 %): the newer poll's fill is kept.
    reads[1]?.resolve({ inventory: inventoryAt(Date.now()) });
    await flush();
    expect(snap()?.cowPercent).toBe(79.35);
  });

  it("a long full read takes the time of the newer poll whose fill it keeps: the host's figures never look older", async () => {
    settings.COWHERD_INVENTORY_MS = 0;
    const readStart = Date.now();
    expect(await pollHost('lab')).toBe('fast, full read started');
    await new Promise((r) => setTimeout(r, 20));
    dmText = DM.replace('snapshot 6184/16384 40', 'snapshot 13000/16384 40');
    const before = Date.now();
    expect(await pollHost('lab')).toBe('fast');
    const pollAt = Date.parse(lastInventory('lab')!.collectedAt);
    expect(pollAt).toBeGreaterThanOrEqual(before);
    // The read ends (seconds later on a busy host) with what lvs saw at its start, stamped with that start.
    reads[1]?.resolve({ inventory: { ...inventoryAt(readStart), fullReadAt: new Date(readStart).toISOString() } });
    await flush();
    expect(snap()?.cowPercent).toBe(79.35);
    expect(Date.parse(lastInventory('lab')!.collectedAt)).toBe(pollAt);
    expect(lastInventory('lab')!.fullReadAt).toBe(new Date(readStart).toISOString());
  });

  it('a full read whose baseline is another device set than the newer poll keeps its own time', async () => {
    const readStart = Date.now();
    // A poll sees a resized device: the read it starts has that set as its baseline.
    dmText = DM.replace('0 32768 snapshot 6184/16384 40', '0 65536 snapshot 6184/32768 40');
    const changed = pollHost('lab');
    await flush();
    expect(reads).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 20));
    // The device is back as it was before the read ends: a poll of the old set is published meanwhile.
    dmText = DM;
    expect(await pollHost('lab')).toBe('fast');
    reads[1]?.resolve({ inventory: inventoryAt(readStart) });
    expect(await changed).toBe('full: device set changed');
    expect(Date.parse(lastInventory('lab')!.collectedAt)).toBe(readStart);
  });

  it('waits for a full read when the device set changed (only lvm2 can name a new device)', async () => {
    settings.COWHERD_INVENTORY_MS = 0;
    dmText = DM;
    expect(await pollHost('lab')).toBe('fast, full read started');
    dmText = DM.replace('0 32768 snapshot 6184/16384 40', '0 65536 snapshot 6184/32768 40'); // resized
    const p = pollHost('lab');
    expect(await settled(p)).toBe(false);
    expect(reads).toHaveLength(2); // joined the read in flight, no third one
    reads[1]?.resolve({ inventory: inventoryAt(Date.now()) });
    expect(await p).toBe('full: joined a read in flight');
  });
});

// Cowherd's own full reads have no dm section (vgs, lvs and virsh only): the device set the polls compare with is
// that of a poll started before the read.
describe('pollHost with full reads without a dm section', () => {
  const firstRead = async () => {
    (globalThis as { __cowherdInventory?: Map<string, unknown> }).__cowherdInventory?.clear();
    calls.length = 0;
    reads.length = 0;
    const first = pollHost('lab');
    await flush();
    reads[0]?.resolve({ inventory: inventoryAt(Date.now()) });
    expect(await first).toBe('full: first read');
  };

  it('the first read of a host is preceded by a poll, whose device set the next polls compare with', async () => {
    await firstRead();
    expect(calls).toEqual(['dm', 'full']);
    dmText = DM.replace('snapshot 6184/16384 40', 'snapshot 12000/16384 40');
    expect(await pollHost('lab')).toBe('fast');
    expect(snap()?.cowPercent).toBe(73.24);
    expect(calls).toEqual(['dm', 'full', 'dm']);
  });

  it('a changed device set is read in full once, with the poll that saw it as the new baseline', async () => {
    await firstRead();
    dmText = DM.replace('0 32768 snapshot 6184/16384 40', '0 65536 snapshot 6184/32768 40'); // resized
    const p = pollHost('lab');
    await flush();
    reads[1]?.resolve({ inventory: inventoryAt(Date.now()) });
    expect(await p).toBe('full: device set changed');
    // The same set at the next polls: no more full reads.
    expect(await pollHost('lab')).toBe('fast');
    expect(await pollHost('lab')).toBe('fast');
    expect(calls).toEqual(['dm', 'full', 'dm', 'full', 'dm', 'dm']);
  });

  it('a change after the baseline poll, even one the read already saw, is read again: never missed', async () => {
    await firstRead();
    settings.COWHERD_INVENTORY_MS = 0;
    expect(await pollHost('lab')).toBe('fast, full read started');
    // The device set changes while that read runs (lvs may or may not have seen it).
    dmText = DM.replace('0 32768 snapshot 6184/16384 40', '0 65536 snapshot 6184/32768 40');
    reads[1]?.resolve({ inventory: inventoryAt(Date.now()) });
    await flush();
    settings.COWHERD_INVENTORY_MS = 60_000;
    const p = pollHost('lab');
    await flush();
    expect(reads).toHaveLength(3);
    reads[2]?.resolve({ inventory: inventoryAt(Date.now()) });
    expect(await p).toBe('full: device set changed');
  });
});
