/**
 * The parameters of every operation, as zod schemas. Browser-safe (zod and LVM's naming rules only, no server or
 * node: imports): the API validates requests with them (registry.ts) and the wizards validate their inputs with
 * the very same schemas before they call the server, so both say the same thing in the same words.
 * Names are checked by LVM's rules before anything else; the refinements carry the rule's own message.
 */
import { z } from 'zod';
import { lvNameSchema as lvName, vgNameSchema as vgName } from '@/lib/lvm/name-schemas';
import { BACKUP_OPERATION_SCHEMAS } from '@/lib/backup/schemas';
import { MOVE_OPERATION_SCHEMAS } from '@/lib/move/schemas';

const bytes = z.number().int().positive().max(2 ** 53);

export const createSnapshotParams = z
  .object({
    vg: vgName,
    origin: lvName,
    /** Default: <origin>_snap_<YYYYMMDD-HHMM>. */
    name: lvName.optional(),
    /** COW area size for a classic snapshot (ignored for thin snapshots). Default: 20% of the origin. */
    sizeBytes: bytes.optional(),
    consistency: z.enum(['auto', 'freeze', 'suspend', 'none']).default('auto'),
    /** Run even when a non-blocking preflight check warns (lvm2 itself may still refuse). */
    force: z.boolean().default(false),
  })
  .strict();

export const extendSnapshotParams = z.object({ vg: vgName, snapshot: lvName, addBytes: bytes }).strict();

export const removeSnapshotParams = z.object({ vg: vgName, snapshot: lvName, confirmName: z.string() }).strict();

/** A file name in the host's export directory: no directories, no "..", ending in .qcow2. */
export const exportFileName = z
  .string()
  .min(1, 'Enter a file name.')
  .max(200, 'The file name is longer than 200 characters.')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.qcow2$/, 'a file name of letters, digits, ".", "_" and "-" ending in .qcow2 (no directories)')
  .refine((f) => !f.includes('..'), 'must not contain ".."');

export const exportSnapshotParams = z
  .object({ vg: vgName, snapshot: lvName, file: exportFileName, compress: z.boolean().default(false) })
  .strict();

const guestOptions = {
  /** ACPI shutdown wait before giving up (or powering off, with consent). */
  shutdownTimeoutS: z.number().int().min(5).max(3600).default(120),
  /** Consent to `virsh destroy` (pull the plug) when the guest ignores the ACPI shutdown. */
  forceOff: z.boolean().default(false),
  /** Start the guests again after the merge. */
  startAgain: z.boolean().default(true),
};

export const mergeSnapshotParams = z
  .object({
    vg: vgName,
    snapshot: lvName,
    /**
     * now: the origin is not in use, merge at once. shutdown: shut the guests using the origin down, merge, start
     * them again. schedule: run lvconvert --merge while the origin is open; lvm2 defers it (complete it later).
     */
    mode: z.enum(['now', 'shutdown', 'schedule']),
    ...guestOptions,
  })
  .strict();

export const completeMergeParams = z
  .object({
    vg: vgName,
    snapshot: lvName,
    /** Shut down guests that still use the origin before completing. */
    shutdown: z.boolean().default(false),
    ...guestOptions,
  })
  .strict();

/** Issue 12: add (protected: true) or remove the cowherd-protected tag of a snapshot. */
export const protectSnapshotParams = z.object({ vg: vgName, snapshot: lvName, protected: z.boolean() }).strict();

export const OPERATION_SCHEMAS = {
  'create-snapshot': createSnapshotParams,
  'extend-snapshot': extendSnapshotParams,
  'remove-snapshot': removeSnapshotParams,
  'export-snapshot': exportSnapshotParams,
  'merge-snapshot': mergeSnapshotParams,
  'complete-merge': completeMergeParams,
  // issue 11: backups (lib/backup/schemas.ts)
  ...BACKUP_OPERATION_SCHEMAS,
  'protect-snapshot': protectSnapshotParams,
  // issue 14: move or copy a guest to another host (lib/move/schemas.ts)
  ...MOVE_OPERATION_SCHEMAS,
} as const;

export type OperationSchemaName = keyof typeof OPERATION_SCHEMAS;
export type CreateSnapshotParams = z.infer<typeof createSnapshotParams>;
export type ExtendSnapshotParams = z.infer<typeof extendSnapshotParams>;
export type RemoveSnapshotParams = z.infer<typeof removeSnapshotParams>;
export type ExportSnapshotParams = z.infer<typeof exportSnapshotParams>;
export type MergeSnapshotParams = z.infer<typeof mergeSnapshotParams>;
export type CompleteMergeParams = z.infer<typeof completeMergeParams>;
export type ProtectSnapshotParams = z.infer<typeof protectSnapshotParams>;

/** The request body of POST /api/hosts/:host/jobs. */
export const operationRequest = z
  .object({
    operation: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    dryRun: z.boolean().default(false),
  })
  .strict();

/** The schema's first message for one field's value, or null when it is valid (for a form field's hint). */
export function fieldError(schema: z.ZodType, value: unknown): string | null {
  const r = schema.safeParse(value);
  return r.success ? null : (r.error.issues[0]?.message ?? 'invalid');
}

/** A zod error in one line, each issue prefixed with its field ("file: a file name of ..."). */
export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/**
 * Validate an operation's parameters in the browser or on the server: the parsed parameters, or the message the
 * API would answer with (400), so a wizard can show it before it calls the server.
 */
export function validateOperationParams<N extends OperationSchemaName>(
  operation: N,
  params: unknown,
): { ok: true; params: z.infer<(typeof OPERATION_SCHEMAS)[N]> } | { ok: false; error: string } {
  const r = OPERATION_SCHEMAS[operation].safeParse(params);
  if (!r.success) return { ok: false, error: formatZodError(r.error) };
  return { ok: true, params: r.data as z.infer<(typeof OPERATION_SCHEMAS)[N]> };
}
