/**
 * Test support for the host helper (issue 16): every argv Cowherd can send to a host, from the builders themselves
 * and from plans made on the inventories recorded in the lab (lib/inventory/fixtures). verbs.test.ts sends each
 * through toVerbLine and the generated helper and expects the very same argv back; the lab test runs some for real.
 *
 * BUILDERS lists every exported function of the command modules with samples; EXEMPT the exports that build no
 * argv. A new export in one of those modules fails verbs.test.ts until it is in one of them (and so has a verb).
 */
import { readFileSync } from 'node:fs';
import { LVMCONFIG_AUTOEXTEND_ARGV } from '@/lib/lvm/lvmconfig';
import path from 'node:path';
import * as backupCmd from '@/lib/backup/commands';
import type { BackupRecord } from '@/lib/backup/schemas';
import * as dmCmd from '@/lib/dm/commands';
import * as filesCmd from '@/lib/files/commands';
import { collectVolumeArgv, inventoryArgv, inventoryLoopArgv, parseInventory } from '@/lib/inventory/collect';
import * as virshCmd from '@/lib/libvirt/commands';
import * as lvmCmd from '@/lib/lvm/commands';
import { parseCapabilities } from '@/lib/move/capabilities';
import * as moveCmd from '@/lib/move/commands';
import type { MoveFacts, TargetFacts } from '@/lib/move/facts';
import type { RetireFacts, RetireTargetFacts } from '@/lib/move/retire';
import * as hostCmd from '@/lib/ops/host-commands';
import { parseOperation } from '@/lib/ops/registry';
import type { Inventory } from '@/lib/inventory/types';
import type { PlanResult, Step } from '@/lib/ops/types';
import * as waitCmd from '@/lib/ops/wait-commands';

export const SAMPLE_UUID = '52501ad1-3ffe-4d09-8a1d-af20a2fc2a8b';
export const SAMPLE_EXPORT_DIR = '/var/lib/cowherd-exports';
export const SAMPLE_BACKUP_DIR = '/var/lib/cowherd/backups';
/** The second host's backupDir in the samples of backups between hosts. */
export const SAMPLE_BACKUP_DIR2 = '/var/lib/cowherd/lab2-backups';
/** Where libvirt keeps UEFI variables: a host that receives moved UEFI guests lists it in its host.conf. */
export const SAMPLE_NVRAM_DIR = '/var/lib/libvirt/qemu/nvram';
const SID = '0123456789abcdef';
const B = `${filesCmd.BROWSE_ROOT}/${SID}`;
const SHA = 'ab'.repeat(32);
const u = { uuid: SAMPLE_UUID };
const uri = { uri: 'qemu:///system' };
const ssh = { uri: 'qemu+ssh://admin@kvm1/system' };
/** Guest file names as they come: spaces, quotes, shell syntax, newlines, non-ASCII (one argument each). */
const ODD_NAMES = ['a b', "it's", '$(id)', '`id`', 'x;rm -rf /', 'line1\nline2', '\ttab', 'снимок', '🐄', '%s%n', '-n', '*', 'a\\b'];

type Samples = Record<string, () => string[][]>;

/** Every command the libguestfs backend sends, with hostile paths and the longest lists. */
const GUESTFISH_COMMANDS: filesCmd.GuestfishCommand[] = [
  { cmd: 'list-filesystems' },
  { cmd: 'mountpoints' },
  { cmd: 'vfs-label', device: '/dev/sda1' },
  { cmd: 'blockdev-getsize64', device: '/dev/sda' },
  { cmd: 'mkmountpoint', mountpoint: '/p1' },
  { cmd: 'mkmountpoint', mountpoint: '/disk' },
  { cmd: 'mount-ro', device: '/dev/sda12', mountpoint: '/p12' },
  ...ODD_NAMES.map((n) => ({ cmd: 'ls0' as const, dir: `/p1/etc/${n}` })),
  ...ODD_NAMES.map((n) => ({ cmd: 'lstatns' as const, path: `/p1/etc/${n}` })),
  { cmd: 'lstatnslist', dir: '/p1/etc', names: ['passwd', 'hosts', '$(id)', 'снимок', '🐄', '-n', '*', '%s%n', '`id`', 'x;rm'] },
  { cmd: 'lstatnslist', dir: '/p1/etc', names: Array.from({ length: filesCmd.GUESTFISH_LIST_MAX }, (_, i) => `f${i}`) },
  { cmd: 'readlink', path: '/p1/etc/a b' },
  { cmd: 'readlinklist', dir: '/p1/etc', names: ['mtab'] },
  { cmd: 'download', file: "/p1/etc/it's" },
  { cmd: 'pread', file: '/p1/etc/hostname', count: 65536 },
  { cmd: 'checksum', file: '/p1/etc/line1\nline2' },
  { cmd: 'tar-out', dir: '/p1' },
  { cmd: 'tar-out', dir: '/p1/etc/a b' },
];

/** The mount backend's commands that run inside a session's namespace (lib/files/browse.ts). */
const IN_NAMESPACE_SAMPLES = (): string[][] => [
  ...filesCmd.MOUNTABLE_TYPES.map((t) => filesCmd.mountReadOnly(t, '/dev/loop3p1', `${B}/s-p1`)),
  filesCmd.umount(`${B}/s-p1`),
  filesCmd.findmntAll(),
  filesCmd.lstatTypes(ODD_NAMES.map((n) => `${B}/s-p1/${n}`)),
  ...ODD_NAMES.map((n) => filesCmd.listDirectory(`${B}/s-p1/etc/${n}`)),
  filesCmd.describeEntries([`${B}/s-p1/a b`, `${B}/o-p1/a b`]),
  filesCmd.readFile(`${B}/s-p1/it's`),
  filesCmd.readHead(`${B}/s-p1/etc/hostname`, 65536),
  filesCmd.compareFiles(`${B}/s-p1/x y`, `${B}/o-p1/x y`),
  filesCmd.diffFiles(`${B}/s-p1/e`, `${B}/o-p1/e`, 'snapshot:/etc/$(id) x', 'origin:/etc/снимок'),
  filesCmd.tarGz(`${B}/s-p1`, 'etc/a b/-n'),
];

const moveFixture = (name: string) => readFileSync(path.join(import.meta.dirname, '../move/fixtures', name), 'utf8');

/** Exports of the command modules that build no argv (helpers, constants' companions, parsers). */
export const EXEMPT = new Set([
  'lvm:lvTarget', 'lvm:mibSize',
  'virsh:isAmbiguousDomainName', 'virsh:virshBatchArgv' /* only inside the inventory script */,
  'host:lvDevicePath',
  'backup:checkedPath', 'backup:backupFilePath', 'backup:partName', 'backup:parseKeyLines', 'backup:rawPartName', 'backup:parseTargetProbe',
  'files:browseDir', 'files:isMountable', 'files:mountOptions', 'files:parseGuestfishPid', 'files:isGuestfsMountable', 'files:listSafeName',
  'files:applianceDevice',
  'move:parseProbe',
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
  dm: { module: dmCmd, samples: { dmStatusArgv: () => [dmCmd.dmStatusArgv()], dmPollLoopArgv: () => [dmCmd.dmPollLoopArgv('0123456789abcdef0123456789abcdef')] } },
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
      removeFilesArgv: () => [backupCmd.removeFilesArgv([`${SAMPLE_BACKUP_DIR}/a.raw.part`]), backupCmd.removeFilesArgv([`${SAMPLE_BACKUP_DIR}/a.raw.part`, `${SAMPLE_BACKUP_DIR}/a.qcow2.part`])],
      streamReadArgv: () => [backupCmd.streamReadArgv('/dev/vg0/s'), backupCmd.streamReadArgv(`${SAMPLE_BACKUP_DIR}/a.qcow2`)],
      streamWriteArgv: () => [backupCmd.streamWriteArgv(`${SAMPLE_BACKUP_DIR2}/a.raw.part`)],
      convertToQcow2Argv: () => [backupCmd.convertToQcow2Argv(`${SAMPLE_BACKUP_DIR2}/a.raw.part`, `${SAMPLE_BACKUP_DIR2}/a.qcow2.part`)],
      volumeSumArgv: () => [backupCmd.volumeSumArgv('vg0', 's')],
      remoteVerifyArgv: () => (['qcow2', 'raw'] as const).map((format) => backupCmd.remoteVerifyArgv({ raw: `${SAMPLE_BACKUP_DIR2}/a.raw.part`, out: `${SAMPLE_BACKUP_DIR2}/a.${format}.part`, format })),
      targetProbeArgv: () => [backupCmd.targetProbeArgv(SAMPLE_BACKUP_DIR2)],
      deviceWriteArgv: () => [backupCmd.deviceWriteArgv('vg0', 'r')],
      fileWriteArgv: () => [backupCmd.fileWriteArgv(`${SAMPLE_BACKUP_DIR}/a.qcow2.part`)],
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
      guestfishListen: () => [filesCmd.guestfishListen('/dev/vg0/web_snap', `${B}/gf-s.log`)],
      guestfishRemote: () => GUESTFISH_COMMANDS.map((c) => filesCmd.guestfishRemote(4242, c)),
      guestfishRun: () => [filesCmd.guestfishRun(4242)],
      guestfishExit: () => [filesCmd.guestfishExit(4242)],
      tailLog: () => [filesCmd.tailLog(`${B}/gf-s.log`)],
      processArgs: () => [filesCmd.processArgs(356)],
      killProcess: () => [filesCmd.killProcess(356, 'KILL'), filesCmd.killProcess(4242, 'TERM')],
      listBrowseRootAll: () => [filesCmd.listBrowseRootAll()],
      removeFiles: () => [filesCmd.removeFiles([`${B}/gf-s.log`]), filesCmd.removeFiles([`${B}/gf-s.log`, `${B}/gf-o.log`])],
      startNamespaceHolder: () => [filesCmd.startNamespaceHolder()],
      // Every command the mount backend runs inside a session's namespace (lib/files/browse.ts ns()).
      inNamespace: () => IN_NAMESPACE_SAMPLES().map((argv) => filesCmd.inNamespace(356, argv)),
    },
  },
  move: {
    module: moveCmd,
    samples: {
      dumpxmlMigratableArgv: () => [moveCmd.dumpxmlMigratableArgv(SAMPLE_UUID, 'qemu:///system')],
      capabilitiesArgv: () => [moveCmd.capabilitiesArgv('qemu+ssh://admin@kvm2/system')],
      netListArgv: () => [moveCmd.netListArgv('qemu:///system')],
      targetProbeArgv: () => [
        moveCmd.targetProbeArgv({ emulator: '/usr/bin/qemu-system-x86_64', nvram: null, dirs: [] }),
        moveCmd.targetProbeArgv({ emulator: '/usr/bin/qemu-system-x86_64', nvram: `${SAMPLE_NVRAM_DIR}/web01_VARS.fd`, dirs: [SAMPLE_BACKUP_DIR, '/srv/images'] }),
      ],
      ddReadArgv: () => [moveCmd.ddReadArgv({ vg: 'vg0', lv: 'web' })],
      ddWriteLvArgv: () => [moveCmd.ddWriteLvArgv({ vg: 'vg1', lv: 'web' })],
      ddWriteThinLvArgv: () => [moveCmd.ddWriteThinLvArgv({ vg: 'vg1', lv: 'web' })],
      lvcreateThinArgv: () => [moveCmd.lvcreateThinArgv({ vg: 'vg1', pool: 'pool', name: 'web', sizeBytes: 268435456 })],
      ddWriteFileArgv: () => [moveCmd.ddWriteFileArgv(`${SAMPLE_BACKUP_DIR}/web02-vda.qcow2.part`)],
      sha256Argv: () => [moveCmd.sha256Argv({ path: '/dev/vg0/web', bytes: 268435456 }), moveCmd.sha256Argv({ path: `${SAMPLE_BACKUP_DIR}/web02-vda.qcow2.part`, bytes: 1 })],
      sha256CompareArgv: () => [moveCmd.sha256CompareArgv({ path: '/dev/vg1/web', bytes: 268435456 }), moveCmd.sha256CompareArgv({ path: `${SAMPLE_BACKUP_DIR}/web02-vda.qcow2.part`, bytes: 1 })],
      qcow2ConvertArgv: () => [moveCmd.qcow2ConvertArgv(`${SAMPLE_BACKUP_DIR}/web02-vda.qcow2.part`, `${SAMPLE_BACKUP_DIR}/web02-vda.qcow2`)],
      qcow2CompareArgv: () => [moveCmd.qcow2CompareArgv(`${SAMPLE_BACKUP_DIR}/web02-vda.qcow2.part`, `${SAMPLE_BACKUP_DIR}/web02-vda.qcow2`)],
      writeFileArgv: () => [moveCmd.writeFileArgv(`${SAMPLE_NVRAM_DIR}/web02_VARS.fd`)],
      catArgv: () => [moveCmd.catArgv(`${SAMPLE_NVRAM_DIR}/web01_VARS.fd`)],
      defineFromXmlArgv: () => [moveCmd.defineFromXmlArgv(moveFixture('web01-migratable.xml'), 'qemu:///system'), moveCmd.defineFromXmlArgv("<domain type='kvm'><name>it's $(id)\n`x`</name></domain>", 'qemu+ssh://admin@kvm2/system')],
      autostartDisableArgv: () => [moveCmd.autostartDisableArgv(SAMPLE_UUID, 'qemu:///system')],
      startOnArgv: () => [moveCmd.startOnArgv(SAMPLE_UUID, 'qemu:///system')],
      teardownArgv: () => [moveCmd.teardownArgv(SAMPLE_UUID, 'qemu:///system')],
      startUnlessRunningArgv: () => [moveCmd.startUnlessRunningArgv(SAMPLE_UUID, 'qemu:///system')],
      stateIsArgv: () => [moveCmd.stateIsArgv(SAMPLE_UUID, 'qemu:///system', 'running'), moveCmd.stateIsArgv(SAMPLE_UUID, 'qemu:///system', 'shut off')],
      // issue 14: retire-moved-guest
      dominfoArgv: () => [moveCmd.dominfoArgv(SAMPLE_UUID, 'qemu:///system')],
      undefineArgv: () => [moveCmd.undefineArgv(SAMPLE_UUID, 'qemu:///system', { nvram: false }), moveCmd.undefineArgv(SAMPLE_UUID, 'qemu+ssh://admin@kvm1/system', { nvram: true })],
      qcow2InfoArgv: () => [moveCmd.qcow2InfoArgv(`${SAMPLE_BACKUP_DIR}/web02-vda.qcow2`)],
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
  durationMs: 1, throughputBps: 1, lastVerifiedAt: null, lastVerifyOk: null, jobId: 7, policyId: null, protected: false,
};
/** Backups held on another host (lab2): qcow2 and raw, restored on lab through the server. */
const BACKUPS: Record<number, BackupRecord> = {
  7: BACKUP,
  8: { ...BACKUP, id: 8, targetHost: 'lab2', file: `${SAMPLE_BACKUP_DIR2}/vg0-db-20261127-063000.qcow2` },
  11: { ...BACKUP, id: 11, targetHost: 'lab2', format: 'raw', file: `${SAMPLE_BACKUP_DIR2}/vg0-db-20261127-063000.raw` },
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
  // between hosts (issue 11): to lab2, and restores of backups lab2 holds
  ['backup-volume', { vg: 'vg0', lv: 'web', target: { host: 'lab2' } }],
  ['backup-volume', { vg: 'vg0', lv: 'db', format: 'raw', target: { host: 'lab2' } }],
  ['restore-backup', { backupId: 8, target: { vg: 'vg0', name: 'db_restored' } }],
  ['restore-backup', { backupId: 11, target: { vg: 'vg0', name: 'db_restored' } }],
  ['restore-backup', { backupId: 8, target: { overwrite: true, confirmName: 'db' } }],
];

function stepArgvs(s: Step): string[][] {
  if (s.kind === 'run') return [s.argv];
  // Both sides of a stream between hosts: each runs through its own host's helper.
  if (s.kind === 'pipe') return [s.from.argv, s.to.argv];
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
        hostIds: ['lab', 'lab2'], backup: (id: number) => BACKUPS[id],
        backupDirOf: (h: string) => (h === 'lab2' ? SAMPLE_BACKUP_DIR2 : undefined),
      } as never,
      parsed.params as never,
    );
    if (!r.ok) throw new Error(`${op} ${JSON.stringify(params)}: ${r.error}`);
    return [...r.plan.steps.flatMap(stepArgvs), ...r.plan.postChecks.flatMap(({ check: c }) => (c.type === 'file-present' ? [hostCmd.fileExistsArgv(c.path)] : []))].map(
      (argv) => ({ from: op, argv }),
    );
  });
}

/** The move/copy cases (as lib/move/plans.test.ts): the recorded seed inventory, lab2 as lab.sh up2 seeds it. */
const CAPS = `<capabilities><host/><guest><os_type>hvm</os_type><arch name='x86_64'><wordsize>64</wordsize>
<emulator>/usr/bin/qemu-system-x86_64</emulator><machine maxCpus='255'>pc-i440fx-7.2</machine>
<machine canonical='pc-i440fx-7.2' maxCpus='255'>pc</machine><machine maxCpus='288'>pc-q35-7.2</machine>
<machine canonical='pc-q35-7.2' maxCpus='288'>q35</machine><domain type='qemu'/></arch></guest></capabilities>`;
const UEFI = (xml: string) =>
  xml.replace('</os>', `<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE.fd</loader><nvram>${SAMPLE_NVRAM_DIR}/web01_VARS.fd</nvram></os>`);
const MOVES: [op: 'move-guest' | 'copy-guest', params: unknown, xml: string][] = [
  ['move-guest', { domain: 'web01', target: 'lab2', confirmName: 'web01' }, moveFixture('web01-migratable.xml')],
  ['move-guest', { domain: 'web01', target: 'lab2', confirmName: 'web01', forceOff: true, disks: { vda: { type: 'lv', vg: 'vg1', name: 'web01-root' } } }, UEFI(moveFixture('web01-migratable.xml'))],
  ['move-guest', { domain: 'web01', target: 'lab2', confirmName: 'web01', disks: { vda: { type: 'lv', vg: 'vg1', thinPool: 'pool' } } }, moveFixture('web01-migratable.xml')],
  ['copy-guest', { domain: 'd0ca08a4-48eb-4ea4-8bdf-349e521f51a8', target: 'lab2', name: 'db02', disks: { vda: { type: 'qcow2' } } }, moveFixture('db01-migratable.xml')],
  ['copy-guest', { domain: 'web01', target: 'lab2', name: 'web02' }, UEFI(moveFixture('web01-migratable.xml'))],
];

export function moveArgvs(): { from: string; argv: string[] }[] {
  const seed = recorded('inventory-seed.txt');
  const target: TargetFacts = {
    host: 'lab2', uri: 'qemu:///system', backupDir: SAMPLE_BACKUP_DIR, exportDir: SAMPLE_EXPORT_DIR,
    inv: { ...seed, host: 'lab2', lvs: seed.lvs.filter((l) => l.vg === 'vg1' && l.name === 'pool'), domains: [] },
    error: null, caps: parseCapabilities(CAPS), networks: [],
    probe: { emulator: true, nvramTaken: false, interfaces: ['lo', 'eth0'], avail: { [SAMPLE_BACKUP_DIR]: 2 ** 31, [SAMPLE_EXPORT_DIR]: 2 ** 31 } },
  };
  return MOVES.flatMap(([op, params, xml]) => {
    const parsed = parseOperation(op, params);
    if (!parsed.ok) throw new Error(`${op}: ${parsed.error}`);
    const move: MoveFacts = { sourceXml: xml, sourceXmlError: null, target };
    const r: PlanResult = parsed.def.plan(
      { inv: seed, exportDir: SAMPLE_EXPORT_DIR, libvirtUri: 'qemu:///system', hostIds: ['lab', 'lab2'], move, now: new Date('2026-11-30T22:00:00Z') } as never,
      parsed.params as never,
    );
    if (!r.ok) throw new Error(`${op} ${JSON.stringify(params)}: ${r.error}`);
    return r.plan.steps.flatMap(stepArgvs).map((argv) => ({ from: op, argv }));
  });
}

/** retire-moved-guest (issue 14): db01 of the seed, moved to lab2 (same UUID and disk there), with and without NVRAM. */
export function retireArgvs(): { from: string; argv: string[] }[] {
  const seed = recorded('inventory-seed.txt');
  const db01 = seed.domains.find((d) => d.name === 'db01')!;
  const target: RetireTargetFacts = { host: 'lab2', uri: 'qemu:///system', inv: { ...seed, host: 'lab2', domains: [db01] }, error: null, fileSizes: {}, fileErrors: {} };
  return [null, `${SAMPLE_NVRAM_DIR}/db01_VARS.fd`].flatMap((nvram) => {
    const parsed = parseOperation('retire-moved-guest', { domain: db01.uuid, target: 'lab2', confirmName: 'db01' });
    if (!parsed.ok) throw new Error(parsed.error);
    const retire: RetireFacts = { autostart: false, autostartError: null, nvram, xmlError: null, target };
    const r: PlanResult = parsed.def.plan({ inv: seed, exportDir: SAMPLE_EXPORT_DIR, libvirtUri: 'qemu:///system', hostIds: ['lab', 'lab2'], retire } as never, parsed.params as never);
    if (!r.ok) throw new Error(`retire-moved-guest: ${r.error}`);
    return r.plan.steps.flatMap(stepArgvs).map((argv) => ({ from: 'retire-moved-guest', argv }));
  });
}

/** The inventory reads: the full read (first, and with known agents) and the one-volume read. */
export function inventoryArgvs(): { from: string; argv: string[] }[] {
  return [
    { from: 'inventory', argv: inventoryArgv('qemu:///system') },
    { from: 'inventory', argv: inventoryArgv('qemu+ssh://admin@kvm1/system', [SAMPLE_UUID, '0b0e5c6e-3ffe-4d09-8a1d-af20a2fc2a8c']) },
    { from: 'inventory', argv: inventoryArgv('qemu:///system', []) },
    { from: 'inventory', argv: collectVolumeArgv('vg0', 'web_snap') },
    { from: 'inventory', argv: inventoryLoopArgv('qemu:///system') },
    { from: 'inventory', argv: inventoryLoopArgv('qemu+ssh://admin@kvm1/system', '0123456789abcdef0123456789abcdef') },
    // Not a builder function: the extend wizard's fixed argv (components/wizards/actions.ts).
    { from: 'lvmconfig', argv: [...LVMCONFIG_AUTOEXTEND_ARGV] },
  ];
}

/** Every sample: builders, plans and inventory reads. */
export function allSamples(): { from: string; argv: string[] }[] {
  const builders = Object.entries(BUILDERS).flatMap(([mod, b]) => Object.entries(b.samples).flatMap(([fn, make]) => make().map((argv) => ({ from: `${mod}:${fn}`, argv }))));
  return [...builders, ...planArgvs(), ...moveArgvs(), ...retireArgvs(), ...inventoryArgvs()];
}
