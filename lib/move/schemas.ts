/**
 * Parameters of move-guest and copy-guest (issue 14). Browser-safe like lib/ops/schemas.ts (zod and LVM's naming
 * rules only): the API validates requests with them and the wizard checks its inputs with the very same schemas.
 * Whether the target host is configured, the VG exists and the directory is one of the target's is for the plan.
 */
import { z } from 'zod';
import { lvNameSchema as lvName, vgNameSchema as vgName } from '@/lib/lvm/name-schemas';

const hostId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a host id of 1-32 characters of a-z, 0-9 and "-"');

/** A guest's disk as libvirt names it in <target dev=...>: vda, sdb, hdc, nvme0n1. */
const diskTarget = z.string().regex(/^[a-z][a-z0-9]{1,15}$/, 'a disk target name such as vda or sdb');

/** A new guest name: letters, digits, ".", "_", "-", never something virsh could read as an ID or a UUID. */
export const guestNameSchema = z
  .string()
  .min(1, 'Enter a name.')
  .max(64, 'A guest name has at most 64 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-", starting with a letter or digit')
  .refine((n) => !/^\d+$/.test(n), 'a name of digits only would be read as a domain ID')
  .refine((n) => !/^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(n), 'a name shaped like a UUID would be read as one');

const absDir = z
  .string()
  .regex(/^\/[A-Za-z0-9._/-]*$/, 'an absolute path of letters, digits, ".", "_", "-" and "/"')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ".."');

/** Where one disk goes on the target: a new LV (default name and size: the source's), or a qcow2 file. */
export const diskStorageSchema = z.discriminatedUnion('type', [
  /** thinPool: a thin volume in that pool of the target's VG (lvcreate -V -T), written sparse; else a plain LV. */
  z.object({ type: z.literal('lv'), vg: vgName, name: lvName.optional(), thinPool: lvName.optional() }).strict(),
  z.object({ type: z.literal('qcow2'), dir: absDir.optional() }).strict(),
]);

/** A bridge, network or host device name on the target. */
const netName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, 'a bridge, network or device name');

const common = {
  /** The guest on the source host, by name or UUID. */
  domain: z.string().min(1).max(200),
  /** A configured host other than the source. */
  target: hostId,
  /** Target storage per disk target name; a disk not named goes to an LV of the same VG and name on the target. */
  disks: z.record(diskTarget, diskStorageSchema).default({}),
  /** Source bridge/network/device name -> the target's. */
  networks: z.record(netName, netName).default({}),
};

export const moveGuestParams = z
  .object({
    ...common,
    /** ACPI shutdown wait before giving up (or powering off, with consent). */
    shutdownTimeoutS: z.number().int().min(5).max(3600).default(120),
    /** Consent to `virsh destroy` when the guest ignores the ACPI shutdown. */
    forceOff: z.boolean().default(false),
    /** Start the guest on the target when it was running on the source. */
    start: z.boolean().default(true),
    /** The guest's name typed to confirm (a move shuts it down). */
    confirmName: z.string(),
  })
  .strict();

export const copyGuestParams = z
  .object({
    ...common,
    /** The copy's name on the target (it gets a new UUID and new MAC addresses). */
    name: guestNameSchema,
    consistency: z.enum(['auto', 'suspend', 'none']).default('auto'),
  })
  .strict();

/**
 * "Remove the old copy" after a move: undefine the shut-off guest on the source and remove its LVs, once a fresh
 * read of the target shows the same guest (UUID and name) there with every disk.
 */
export const retireMovedGuestParams = z
  .object({
    /** The old copy on the source host (the one the job runs on), by UUID or name. */
    domain: z.string().min(1).max(200),
    /** The host the guest was moved to, where it must be defined. */
    target: hostId,
    /** The guest's name typed to confirm (its LVs are removed for good). */
    confirmName: z.string(),
  })
  .strict();

export const MOVE_OPERATION_SCHEMAS = {
  'move-guest': moveGuestParams,
  'copy-guest': copyGuestParams,
  'retire-moved-guest': retireMovedGuestParams,
} as const;

export type DiskStorage = z.infer<typeof diskStorageSchema>;
export type MoveGuestParams = z.infer<typeof moveGuestParams>;
export type CopyGuestParams = z.infer<typeof copyGuestParams>;
export type RetireMovedGuestParams = z.infer<typeof retireMovedGuestParams>;
