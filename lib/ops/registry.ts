import { z } from 'zod';
import {
  createSnapshotParams,
  exportSnapshotParams,
  extendSnapshotParams,
  planCreateSnapshot,
  planExportSnapshot,
  planExtendSnapshot,
  planRemoveSnapshot,
  removeSnapshotParams,
  type PlanContext,
} from './plans';
import { completeMergeParams, mergeSnapshotParams, planCompleteMerge, planMergeSnapshot } from './merge';
import type { OperationName, PlanResult } from './types';

interface OperationDef {
  schema: z.ZodType;
  plan: (ctx: PlanContext, params: never) => PlanResult;
}

export const OPERATIONS: Partial<Record<OperationName, OperationDef>> = {
  'create-snapshot': { schema: createSnapshotParams, plan: planCreateSnapshot },
  'extend-snapshot': { schema: extendSnapshotParams, plan: planExtendSnapshot },
  'remove-snapshot': { schema: removeSnapshotParams, plan: planRemoveSnapshot },
  'export-snapshot': { schema: exportSnapshotParams, plan: planExportSnapshot },
  'merge-snapshot': { schema: mergeSnapshotParams, plan: planMergeSnapshot },
  'complete-merge': { schema: completeMergeParams, plan: planCompleteMerge },
};

export const operationRequest = z
  .object({
    operation: z.string(),
    params: z.record(z.string(), z.unknown()).default({}),
    dryRun: z.boolean().default(false),
  })
  .strict();

export function formatZodError(e: z.ZodError): string {
  return e.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

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
