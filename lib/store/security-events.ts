// Without 'server-only' like the rest of lib/store: scripts (tsx) may record events through the same function.
import type { SecurityEvent } from '@/lib/auth/audit-events';
import type { Db } from './sqlite';

export interface SecurityEventInput {
  event: SecurityEvent;
  /** Who acted (for a login: the username that was tried, normalised and cut to 64 characters). */
  username: string;
  detail: string;
  address?: string | null;
  tokenId?: number | null;
  at?: Date;
}

/**
 * Record a security event in the audit log, beside the commands run on hosts (same table, kind 'security', no host
 * and no argv), so one log answers "who did what" and the Audit page filters both.
 */
export function recordSecurityEvent(db: Db, e: SecurityEventInput): number {
  const info = db
    .prepare(
      `INSERT INTO audit (at, host, job_id, operation, username, argv, exit_code, duration_ms, stderr, kind, detail, address, token_id)
       VALUES (?, '', NULL, ?, ?, '[]', NULL, NULL, NULL, 'security', ?, ?, ?)`,
    )
    .run(
      (e.at ?? new Date()).toISOString(),
      e.event,
      e.username.slice(0, 64),
      e.detail.slice(0, 1000),
      e.address ? e.address.slice(0, 64) : null,
      e.tokenId ?? null,
    );
  return Number(info.lastInsertRowid);
}
