/** Request bodies of PUT /api/alerts/{rules,webhook,policies}, validated with zod; messages are for people. */
import { z } from 'zod';
import { lvNameSchema as lvName, vgNameSchema as vgName } from '@/lib/lvm/name-schemas';
import { RULE_IDS, RULE_INFO, SEVERITIES, type RuleId } from './types';

const ruleInput = z
  .object({
    id: z.enum(RULE_IDS as [RuleId, ...RuleId[]]),
    enabled: z.boolean(),
    severity: z.enum(SEVERITIES as ['warning', 'critical']),
    threshold: z.number().nullable().optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const info = RULE_INFO[r.id];
    if (info.unit === null) {
      if (r.threshold !== undefined && r.threshold !== null) {
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${r.id} has no threshold` });
      }
      return;
    }
    const t = r.threshold;
    if (t === undefined || t === null) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${r.id} needs a threshold in ${info.unit}` });
      return;
    }
    if ((info.min !== undefined && t < info.min) || (info.max !== undefined && t > info.max)) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${r.id}: the threshold must be between ${info.min} and ${info.max} ${info.unit}` });
    }
    if (info.integer && !Number.isInteger(t)) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `${r.id}: the threshold must be a whole number` });
    }
  })
  .transform((r) => ({ ...r, threshold: r.threshold ?? null }));

export const rulesBody = z
  .object({ rules: z.array(ruleInput).min(1).max(RULE_IDS.length) })
  .strict()
  .refine((b) => new Set(b.rules.map((r) => r.id)).size === b.rules.length, { message: 'each rule at most once' });

/** An http(s) URL, or null / "" to remove the webhook. */
export const webhookUrl = z
  .string()
  .trim()
  .max(2048, 'the URL must be at most 2048 characters')
  .refine((s) => {
    if (s === '') return true;
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '' && !/\s/.test(s);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  .nullable()
  .transform((s) => (s ? s : null));

export const webhookBody = z.object({ url: webhookUrl }).strict();

export const webhookTestBody = z.object({ url: webhookUrl.optional() }).strict();

const MAX_BYTES = 2 ** 53;

export const autoextendSettings = z
  .object({
    enabled: z.boolean(),
    thresholdPercent: z.number().min(1, 'the threshold must be at least 1%').max(99, 'the threshold must be below 100%'),
    growPercent: z.number().min(1, 'grow by at least 1%').max(1000, 'grow by at most 1000%'),
    maxSizeBytes: z.number().int().positive('the cap must be positive').max(MAX_BYTES).nullable(),
  })
  .strict();

const hostId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be a host id');

export const snapshotPolicy = autoextendSettings.extend({ host: hostId, vg: vgName, snapshot: lvName }).strict();

export const policiesBody = z
  .object({ default: autoextendSettings, snapshots: z.array(snapshotPolicy).max(1000).default([]) })
  .strict()
  .refine((b) => new Set(b.snapshots.map((s) => `${s.host}:${s.vg}/${s.snapshot}`)).size === b.snapshots.length, {
    message: 'each snapshot at most once',
    path: ['snapshots'],
  });
