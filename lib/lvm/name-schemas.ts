/**
 * zod schemas for LVM names, carrying LVM's own rule as the message (lib/lvm/names.ts). Browser-safe: the operation,
 * backup, policy and alert schemas use them, on the server and in the wizards alike.
 */
import { z } from 'zod';
import { validateLvName, validateVgName } from './names';

export const lvNameSchema = z.string().superRefine((v, ctx) => {
  const e = validateLvName(v);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});

export const vgNameSchema = z.string().superRefine((v, ctx) => {
  const e = validateVgName(v);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});
