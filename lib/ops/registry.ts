import type { z } from 'zod';
import { planExportSnapshot, planExtendSnapshot, planCreateSnapshot, planRemoveSnapshot, type PlanContext } from './plans';
import { planCompleteMerge, planMergeSnapshot } from './merge';
import { planProtectSnapshot } from './protect';
import { formatZodError, OPERATION_SCHEMAS } from './schemas';
import { planBackupVolume, planDeleteBackup, planRestoreBackup, planVerifyBackup } from '@/lib/backup/plans';
import { planCopyGuest, planMoveGuest } from '@/lib/move/plans';
import { planRetireMovedGuest } from '@/lib/move/retire';
import type { OperationName, PlanResult } from './types';

export { formatZodError, operationRequest } from './schemas';

interface OperationDef {
  schema: z.ZodType;
  plan: (ctx: PlanContext, params: never) => PlanResult;
}

export const OPERATIONS: Partial<Record<OperationName, OperationDef>> = {
  'create-snapshot': { schema: OPERATION_SCHEMAS['create-snapshot'], plan: planCreateSnapshot },
  'extend-snapshot': { schema: OPERATION_SCHEMAS['extend-snapshot'], plan: planExtendSnapshot },
  'remove-snapshot': { schema: OPERATION_SCHEMAS['remove-snapshot'], plan: planRemoveSnapshot },
  'export-snapshot': { schema: OPERATION_SCHEMAS['export-snapshot'], plan: planExportSnapshot },
  'merge-snapshot': { schema: OPERATION_SCHEMAS['merge-snapshot'], plan: planMergeSnapshot },
  'complete-merge': { schema: OPERATION_SCHEMAS['complete-merge'], plan: planCompleteMerge },
  // issue 11: backups
  'backup-volume': { schema: OPERATION_SCHEMAS['backup-volume'], plan: planBackupVolume },
  'restore-backup': { schema: OPERATION_SCHEMAS['restore-backup'], plan: planRestoreBackup },
  'delete-backup': { schema: OPERATION_SCHEMAS['delete-backup'], plan: planDeleteBackup },
  'verify-backup': { schema: OPERATION_SCHEMAS['verify-backup'], plan: planVerifyBackup },
  'protect-snapshot': { schema: OPERATION_SCHEMAS['protect-snapshot'], plan: planProtectSnapshot },
  // issue 14: move or copy a guest to another host
  'move-guest': { schema: OPERATION_SCHEMAS['move-guest'], plan: planMoveGuest },
  'copy-guest': { schema: OPERATION_SCHEMAS['copy-guest'], plan: planCopyGuest },
  'retire-moved-guest': { schema: OPERATION_SCHEMAS['retire-moved-guest'], plan: planRetireMovedGuest },
};

/** Validate an operation's parameters: the result carries LVM's own naming rules as messages. */
export function parseOperation(
  operation: string,
  params: unknown,
): { ok: true; def: OperationDef; params: unknown; operation: OperationName } | { ok: false; error: string } {
  const def = OPERATIONS[operation as OperationName];
  if (!def) return { ok: false, error: `unknown operation "${operation}"; one of: ${Object.keys(OPERATIONS).join(', ')}` };
  const r = def.schema.safeParse(params);
  if (!r.success) return { ok: false, error: `invalid parameters: ${formatZodError(r.error)}` };
  return { ok: true, def, params: r.data, operation: operation as OperationName };
}
