/**
 * Test support for the host helper (issue 16): every argv Cowherd can send to a host, from the builders themselves
 * and from plans made on the inventories recorded in the lab (lib/inventory/fixtures). verbs.test.ts sends each
 * through toVerbLine and the generated helper and expects the very same argv back; the lab test runs some for real.
 *
 * BUILDERS lists every exported function of the command modules with samples; EXEMPT the exports that build no
 * argv. A new export in one of those modules fails verbs.test.ts until it is in one of them (and so has a verb).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as backupCmd from '@/lib/backup/commands';
import type { BackupRecord } from '@/lib/backup/schemas';
import * as dmCmd from '@/lib/dm/commands';
import * as filesCmd from '@/lib/files/commands';
import { collectVolumeArgv, inventoryArgv, parseInventory } from '@/lib/inventory/collect';
import * as virshCmd from '@/lib/libvirt/commands';
import * as lvmCmd from '@/lib/lvm/commands';
import * as hostCmd from '@/lib/ops/host-commands';
import { parseOperation } from '@/lib/ops/registry';
import type { Inventory } from '@/lib/inventory/types';
import type { PlanResult, Step } from '@/lib/ops/types';
import * as waitCmd from '@/lib/ops/wait-commands';

export const SAMPLE_UUID = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
export const SAMPLE_EXPORT_DIR = '/var/lib/cowherd-exports';
export const SAMPLE_BACKUP_DIR = '/var/lib/cowherd/backups';
const SID = '0123456789abcdef';
const B = `${filesCmd.BROWSE_ROOT}/${SID}`;
const SHA = 'ab'.repeat(32);
const u = { uuid: SAMPLE_UUID };
const uri = { uri: 'qemu:///system' };
const ssh = { uri: 'qemu+ssh://admin@kvm1/system' };
/** Guest file names as they come: spaces, quotes, shell syntax, newlines, non-ASCII (one argument each). */
const ODD_NAMES = ['a b', "it's", '$(id)', '`id`', 'x;rm -rf /', 'line1\nline2', '\ttab', 'снимок', '🐄', '%s%n', '-n', '*', 'a\\b'];

type Samples = Record<string, () => string[][]>;

/** Exports of the command modules that build no argv (helpers, constants' companions, parsers). */
export const EXEMPT = new Set([
  'lvm:lvTarget', 'lvm:mibSize',
  'virsh:isAmbiguousDomainName', 'virsh:virshBatchArgv' /* only inside the inventory script */,
  'host:lvDevicePath',
  'backup:checkedPath', 'backup:backupFilePath', 'backup:partName', 'backup:parseKeyLines',
  'files:browseDir', 'files:isMountable', 'files:mountOptions', 'files:parseGuestfishPid',
]);

export const BUILDERS: Record<string, { module: Record<string, unknown>; samples: Samples }> = {
  lvm: {
    module: lvmCmd,
    samples: {
      vgsArgv: () => [lvmCmd.vgsArgv(), lvmCmd.vgsArgv({ vg: 'vg0' })],
      lvsArgv: () => [lvmCmd.lvsArgv(), lvmCmd.lvsArgv({ vg: 'vg0' }), lvmCmd.lvsArgv({ vg: 'vg0', lv: 'web_snap' })],
      pvsArgv: () => [lvmCmd.pvsArgv()],
      lvcreateSnapshotArgv: () => [
        lvmCmd.lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 's1', sizeBytes: 52 * 2 ** 20 }),
        lvmCmd.lvcreateSnapshotArgv({ vg: 'vg0', origin: 'web', name: 's1', sizeBytes: 1, tags: ['cowherd-policy-7', 'a/b=c!d:e&f#g'] }),
      ],
      lvcreateThinSnapshotArgv: () => [lvmCmd.lvcreateThinSnapshotArgv({ vg: 'vg1', origin: 'thin1', name: 't2', tags: ['x'] }), lvmCmd.lvcreateThinSnapshotArgv({ vg: 'vg1', origin: 'thin1', name: 't2' })],
      lvextendArgv: () => [lvmCmd.lvextendArgv({ vg: 'vg0', lv: 'web_snap', addBytes: 3 * 2 ** 20 })],
      lvremoveArgv: () => [lvmCmd.lvremoveArgv({ vg: 'vg0', lv: 'web_snap' })],
      lvconvertMergeArgv: () => [lvmCmd.lvconvertMergeArgv({ vg: 'vg0', snapshot: 's' }), lvmCmd.lvconvertMergeArgv({ vg: 'vg0', snapshot: 's', intervalSeconds: 1 })],
      lvchangeActivateArgv: () => [lvmCmd.lvchangeActivateArgv({ vg: 'vg1', lv: 't2' }), lvmCmd.lvchangeActivateArgv({ vg: 'vg1', lv: 't2', ignoreSkip: true })],
      lvchangeDeactivateArgv: () => [lvmCmd.lvchangeDeactivateArgv({ vg: 'vg1', lv: 't2' })],
      lvchangeTagsArgv: () => [
        lvmCmd.lvchangeTagsArgv({ vg: 'vg0', lv: 's', add: ['cowherd-protected'] }),
        lvmCmd.lvchangeTagsArgv({ vg: 'vg0', lv: 's', del: ['cowherd-protected'] }),
        lvmCmd.lvchangeTagsArgv({ vg: 'vg0', lv: 's', add: ['a', 'b'], del: ['c'] }),
      ],
      lvchangeRefreshArgv: () => [lvmCmd.lvchangeRefreshArgv({ vg: 'vg0', lv: 'web' })],
    },
  },
  virsh: {
    module: virshCmd,
    samples: {
      listNamesArgv: () => [virshCmd.listNamesArgv(), virshCmd.listNamesArgv(uri)],
      listUuidNamesArgv: () => [virshCmd.listUuidNamesArgv({ ...uri, quiet: true })],
      listAllArgv: () => [virshCmd.listAllArgv(uri)],
      domstatsArgv: () => [virshCmd.domstatsArgv(ssh)],
      domstateArgv: () => [virshCmd.domstateArgv(u, uri), virshCmd.domstateArgv(u)],
      domblklistArgv: () => [virshCmd.domblklistArgv(u, uri)],
      dumpxmlArgv: () => [virshCmd.dumpxmlArgv(u, uri), virshCmd.dumpxmlArgv(u, { ...uri, inactive: true })],
      agentPingArgv: () => [virshCmd.agentPingArgv(u, uri), virshCmd.agentPingArgv(u, { ...uri, timeoutSeconds: 2 })],
      domfsfreezeArgv: () => [virshCmd.domfsfreezeArgv(u, uri)],
      domfsthawArgv: () => [virshCmd.domfsthawArgv(u, uri)],
      suspendArgv: () => [virshCmd.suspendArgv(u, ssh)],
      resumeArgv: () => [virshCmd.resumeArgv(u, uri)],
      shutdownArgv: () => [virshCmd.shutdownArgv(u, uri)],
      destroyArgv: () => [virshCmd.destroyArgv(u, uri)],
      startArgv: () => [virshCmd.startArgv(u, uri)],
    },
  },
  dm: { module: dmCmd, samples: { dmStatusArgv: () => [dmCmd.dmStatusArgv()] } },
  host: {
    module: hostCmd,
    samples: {
      mkdirArgv: () => [hostCmd.mkdirArgv(SAMPLE_EXPORT_DIR)],
      absentCheckArgv: () => [hostCmd.absentCheckArgv(`${SAMPLE_EXPORT_DIR}/web.qcow2`)],
      fileExistsArgv: () => [hostCmd.fileExistsArgv(`${SAMPLE_EXPORT_DIR}/web.qcow2`)],
      qemuImgExportArgv: () => [
        hostCmd.qemuImgExportArgv({ vg: 'vg0', lv: 'web_snap', file: `${SAMPLE_EXPORT_DIR}/web.qcow2` }),
        hostCmd.qemuImgExportArgv({ vg: 'vg0', lv: 'web_snap', file: `${SAMPLE_EXPORT_DIR}/web.qcow2`, compress: true }),
      ],
      qemuImgCompareArgv: () => [hostCmd.qemuImgCompareArgv({ vg: 'vg0', lv: 'web_snap', file: `${SAMPLE_EXPORT_DIR}/web.qcow2` })],
    },
  },
  backup: {
    module: backupCmd,
    samples: {
      targetCheckArgv: () => [backupCmd.targetCheckArgv(SAMPLE_BACKUP_DIR, 123456)],
      backupCopyArgv: () => (['qcow2', 'raw'] as const).map((format) => backupCmd.backupCopyArgv({ vg: 'vg0', snapshot: 's', file: `${SAMPLE_BACKUP_DIR}/a.${format}.part`, format })),
      backupVerifyArgv: () => [backupCmd.backupVerifyArgv({ vg: 'vg0', snapshot: 's', file: `${SAMPLE_BACKUP_DIR}/a.raw.part`, format: 'raw' })],
      renameIntoPlaceArgv: () => [backupCmd.renameIntoPlaceArgv(`${SAMPLE_BACKUP_DIR}/a.raw.part`, `${SAMPLE_BACKUP_DIR}/a.raw`)],
      removeFileArgv: () => [backupCmd.removeFileArgv(`${SAMPLE_BACKUP_DIR}/a.raw.part`)],
      retryArgv: () => [backupCmd.retryArgv(30, lvmCmd.lvremoveArgv({ vg: 'vg0', lv: 's' }))],
      reverifyArgv: () => [backupCmd.reverifyArgv(`${SAMPLE_BACKUP_DIR}/a.qcow2`, 'qcow2', SHA)],
      restoreWriteArgv: () => [backupCmd.restoreWriteArgv({ file: `${SAMPLE_BACKUP_DIR}/a.qcow2`, format: 'qcow2', vg: 'vg0', lv: 'r' })],
      deviceChecksumArgv: () => [backupCmd.deviceChecksumArgv({ vg: 'vg0', lv: 'r', bytes: 134217728, expect: SHA })],
      listBackupDirArgv: () => [backupCmd.listBackupDirArgv(SAMPLE_BACKUP_DIR)],
      lvcreatePlainArgv: () => [backupCmd.lvcreatePlainArgv({ vg: 'vg0', name: 'r', sizeBytes: 134217728 })],
    },
  },
  files: {
    module: filesCmd,
    samples: {
      losetupAttach: () => [filesCmd.losetupAttach('/dev/vg0/web_snap')],
      losetupDetach: () => [filesCmd.losetupDetach('/dev/loop3')],
      losetupList: () => [filesCmd.losetupList()],
      lsblkPartitions: () => [filesCmd.lsblkPartitions('/dev/loop3')],
      blkidProbe: () => [filesCmd.blkidProbe('/dev/loop3'), filesCmd.blkidProbe('/dev/loop3p12')],
      mountReadOnly: () => filesCmd.MOUNTABLE_TYPES.map((t) => filesCmd.mountReadOnly(t, '/dev/loop3p1', `${B}/s-p1`)),
      umount: () => [filesCmd.umount(`${B}/s-p1`)],
      mkdirPrivate: () => [filesCmd.mkdirPrivate([B]), filesCmd.mkdirPrivate([`${B}/L-loop3`, `${B}/s-p1`])],
      rmdirs: () => [filesCmd.rmdirs([`${B}/s-p1`, B])],
      findmntAll: () => [filesCmd.findmntAll()],
      listBrowseRoot: () => [filesCmd.listBrowseRoot()],
      lstatTypes: () => [filesCmd.lstatTypes(ODD_NAMES.map((n) => `${B}/s-p1/${n}`))],
      listDirectory: () => ODD_NAMES.map((n) => filesCmd.listDirectory(`${B}/s-p1/etc/${n}`)),
      describeEntries: () => [filesCmd.describeEntries([`${B}/s-p1/a b`, `${B}/o-p1/a b`])],
      readFile: () => ODD_NAMES.map((n) => filesCmd.readFile(`${B}/s-p1/${n}`)),
      readHead: () => [filesCmd.readHead(`${B}/s-p1/etc/hostname`, 65536)],
      compareFiles: () => [filesCmd.compareFiles(`${B}/s-p1/x y`, `${B}/o-p1/x y`)],
      diffFiles: () => [filesCmd.diffFiles(`${B}/s-p1/e`, `${B}/o-p1/e`, 'snapshot:/etc/$(id) x', 'origin:/etc/снимок')],
      sha256Files: () => [filesCmd.sha256Files([`${B}/s-p1/a`, `${B}/s-p1/line1\nline2`])],
      tarGz: () => [filesCmd.tarGz(`${B}/s-p1`, '.'), filesCmd.tarGz(`${B}/s-p1`, 'etc/a b/-n')],
      guestfishListen: () => [filesCmd.guestfishListen('/dev/vg0/web_snap')],
      guestfishRemote: () => [
        ...(['run', 'list-filesystems', 'umount-all', 'exit'] as const).map((c) => filesCmd.guestfishRemote(4242, { cmd: c })),
        filesCmd.guestfishRemote(4242, { cmd: 'mount-ro', device: '/dev/sda1' }),
        filesCmd.guestfishRemote(4242, { cmd: 'ls', dir: '/etc/a b' }),
        filesCmd.guestfishRemote(4242, { cmd: 'lstatnslist', dir: '/etc', names: ['passwd', 'hosts', '$(id)'] }),
        filesCmd.guestfishRemote(4242, { cmd: 'readlinklist', dir: '/etc', names: ['mtab'] }),
        filesCmd.guestfishRemote(4242, { cmd: 'download', file: '/etc/it\'s' }),
        filesCmd.guestfishRemote(4242, { cmd: 'tgz-out', dir: '/' }),
      ],
    },
  },
  wait: {
    module: waitCmd,
    samples: {
      domainStateArgv: () => [waitCmd.domainStateArgv({ type: 'domain-state', domain: 'web01', guest: { uuid: SAMPLE_UUID, uri: 'qemu:///system', name: 'web01' }, states: ['shut off'] })],
      mergeReadArgv: () => [waitCmd.mergeReadArgv({ type: 'merge-finished', vg: 'vg0', snapshot: 's', origin: 'web' })],
      mergeDriveArgv: () => [waitCmd.mergeDriveArgv({ type: 'merge-finished', vg: 'vg0', snapshot: 's', origin: 'web' })],
    },
  },
};

const recorded = (name: string) => parseInventory('lab', readFileSync(path.join(import.meta.dirname, '../inventory/fixtures', name), 'utf8'), 1);

const BACKUP: BackupRecord = {
  id: 7, host: 'lab', vg: 'vg0', lv: 'db', guestName: 'db01', guestUuid: null, targetHost: 'lab',
  file: `${SAMPLE_BACKUP_DIR}/vg0-db-20261127-063000.qcow2`, format: 'qcow2', logicalSizeBytes: 128 * 1024 * 1024, sizeOnDiskBytes: 1000,
  volumeSha256: 'a'.repeat(64), fileSha256: 'b'.repeat(64), consistency: 'offline', createdAt: '2026-11-27T06:30:00Z',
  durationMs: 1, throughputBps: 1, lastVerifiedAt: null, lastVerifyOk: null, jobId: 7,
};

/** Operations planned on the recorded inventories (the same cases as lib/ops/plans.test.ts and lib/backup/plans.test.ts). */
type Change = (inv: Inventory) => Inventory;
const lvChanged = (name: string, change: Record<string, unknown>): Change => (inv) => ({ ...inv, lvs: inv.lvs.map((l) => (l.name === name ? { ...l, ...change } : l)) });
const OPERATIONS: [string, unknown, string?, Change?][] = [
  ['create-snapshot', { vg: 'vg0', origin: 'web' }],
  ['create-snapshot', { vg: 'vg0', origin: 'web', name: 'x', consistency: 'none' }, 'qemu+ssh://admin@kvm1/system'],
  ['create-snapshot', { vg: 'vg1', origin: 'thin1', name: 't2' }],
  ['extend-snapshot', { vg: 'vg0', snapshot: 'web_snap', addBytes: 8 * 2 ** 20 }],
  ['remove-snapshot', { vg: 'vg0', snapshot: 'web_snap', confirmName: 'web_snap' }],
  ['export-snapshot', { vg: 'vg0', snapshot: 'web_snap', file: 'web.qcow2', compress: true }],
  ['export-snapshot', { vg: 'vg1', snapshot: 'thin1_snap', file: 't.qcow2' }],
  ['merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'schedule' }],
  ['merge-snapshot', { vg: 'vg0', snapshot: 'web_snap', mode: 'shutdown', forceOff: true }],
  ['complete-merge', { vg: 'vg0', snapshot: 'web_snap', shutdown: true }, undefined, lvChanged('web_snap', { merging: true })],
  ['protect-snapshot', { vg: 'vg0', snapshot: 'web_snap', protected: true }],
  ['protect-snapshot', { vg: 'vg0', snapshot: 'web_snap', protected: false }, undefined, lvChanged('web_snap', { tags: ['cowherd-protected'] })],
  ['backup-volume', { vg: 'vg0', lv: 'web' }],
  ['backup-volume', { vg: 'vg0', lv: 'db', format: 'raw' }],
  ['restore-backup', { backupId: 7, target: { vg: 'vg0', name: 'db_restored' } }],
  ['restore-backup', { backupId: 7, target: { overwrite: true, confirmName: 'db' } }],
  ['delete-backup', { backupId: 7, confirmName: 'vg0-db-20261127-063000.qcow2' }],
  ['verify-backup', { backupId: 7 }],
];

function stepArgvs(s: Step): string[][] {
  if (s.kind === 'run') return [s.argv];
  const w = s.wait;
  const own = w.type === 'domain-state' ? [waitCmd.domainStateArgv(w)] : [waitCmd.mergeReadArgv(w), waitCmd.mergeDriveArgv(w)];
  return [...own, ...(s.onTimeout ? [s.onTimeout.argv] : [])];
}

/** Every argv of the sample plans, with the operation it came from; throws when a sample case no longer plans. */
export function planArgvs(): { from: string; argv: string[] }[] {
  const recordedInv = recorded('inventory-snapshots.txt');
  return OPERATIONS.flatMap(([op, params, libvirtUri, change]) => {
    const inv = change ? change(recordedInv) : recordedInv;
    const parsed = parseOperation(op, params);
    if (!parsed.ok) throw new Error(`${op}: ${parsed.error}`);
    const r: PlanResult = parsed.def.plan(
      {
        inv, exportDir: SAMPLE_EXPORT_DIR, now: new Date('2026-11-27T06:30:00Z'), libvirtUri, backupDir: SAMPLE_BACKUP_DIR,
        hostIds: ['lab'], backup: (id: number) => (id === 7 ? BACKUP : undefined),
      } as never,
      parsed.params as never,
    );
    if (!r.ok) throw new Error(`${op} ${JSON.stringify(params)}: ${r.error}`);
    return [...r.plan.steps.flatMap(stepArgvs), ...r.plan.postChecks.flatMap(({ check: c }) => (c.type === 'file-present' ? [hostCmd.fileExistsArgv(c.path)] : []))].map(
      (argv) => ({ from: op, argv }),
    );
  });
}

/** The inventory reads: the full read (first, and with known agents) and the one-volume read. */
export function inventoryArgvs(): { from: string; argv: string[] }[] {
  return [
    { from: 'inventory', argv: inventoryArgv('qemu:///system') },
    { from: 'inventory', argv: inventoryArgv('qemu+ssh://admin@kvm1/system', [SAMPLE_UUID, '0b0e5c6e-3ffe-4d09-8a1d-af20a2fc2a8c']) },
    { from: 'inventory', argv: inventoryArgv('qemu:///system', []) },
    { from: 'inventory', argv: collectVolumeArgv('vg0', 'web_snap') },
  ];
}

/** Every sample: builders, plans and inventory reads. */
export function allSamples(): { from: string; argv: string[] }[] {
  const builders = Object.entries(BUILDERS).flatMap(([mod, b]) => Object.entries(b.samples).flatMap(([fn, make]) => make().map((argv) => ({ from: `${mod}:${fn}`, argv }))));
  return [...builders, ...planArgvs(), ...inventoryArgvs()];
}
