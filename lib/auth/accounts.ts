import 'server-only';
import type { Db } from '@/lib/store/db';
import { recordSecurityEvent } from '@/lib/store/security-events';
import type { Principal } from './guard';
import { checkPasswordLimited } from './login';
import type { Role } from './roles';
import { createApiToken, getApiToken, revokeApiToken, type CreatedToken, type NewToken } from './tokens';
import { createUser, deleteUser, setUserPassword, setUserRole, type NewUser, type Result, type User, type UserChange } from './users';

// Changes to accounts and tokens, each recorded in the audit log. The API routes and the settings page's actions
// both come here, so a change is checked and audited the same way whichever door it came through.

/** Who acts, and from where (for the audit log). */
export interface Actor {
  principal: Principal;
  address: string | null;
}

function audit(db: Db, actor: Actor, event: Parameters<typeof recordSecurityEvent>[1]['event'], detail: string, tokenId?: number | null) {
  recordSecurityEvent(db, {
    event,
    username: actor.principal.username,
    detail,
    address: actor.address,
    tokenId: tokenId ?? actor.principal.tokenId,
  });
}

const revoked = (n: number) => (n ? `; revoked ${n} API token${n === 1 ? '' : 's'}` : '');

export async function createUserAudited(db: Db, actor: Actor, input: NewUser): Promise<Result<User>> {
  const created = await createUser(db, input);
  if (created.ok) audit(db, actor, 'user-create', `created user ${created.value.username} (${created.value.role})`);
  return created;
}

export function setUserRoleAudited(db: Db, actor: Actor, userId: number, role: Role): Result<UserChange> {
  if (userId === actor.principal.userId) return { ok: false, error: 'you cannot change your own role' };
  const r = setUserRole(db, userId, role);
  if (r.ok && r.value.previousRole !== role) {
    audit(db, actor, 'user-role', `${r.value.username}: ${r.value.previousRole} -> ${role}${revoked(r.value.revokedTokens)}`);
  }
  return r;
}

export function deleteUserAudited(db: Db, actor: Actor, userId: number): Result<UserChange> {
  if (userId === actor.principal.userId) return { ok: false, error: 'you cannot delete yourself' };
  const r = deleteUser(db, userId);
  if (r.ok) audit(db, actor, 'user-delete', `deleted user ${r.value.username} (${r.value.role})${revoked(r.value.revokedTokens)}`);
  return r;
}

/** Tokens are created by signed-in users only: a token made by a token would belong to nobody and outlive everyone. */
export function createTokenAudited(db: Db, actor: Actor, input: NewToken): Result<CreatedToken> {
  const { principal } = actor;
  if (principal.kind !== 'session' || principal.userId === null) {
    return { ok: false, error: 'API tokens cannot create tokens: sign in to create one' };
  }
  const r = createApiToken(db, input, { userId: principal.userId, role: principal.role });
  if (r.ok) {
    audit(db, actor, 'token-create', `created token ${r.value.name} #${r.value.id} (${r.value.role}, expires ${r.value.expiresAt.slice(0, 10)})`, r.value.id);
  }
  return r;
}

export function revokeTokenAudited(db: Db, actor: Actor, tokenId: number): boolean {
  const token = getApiToken(db, tokenId);
  if (!token || !revokeApiToken(db, tokenId)) return false;
  audit(db, actor, 'token-revoke', `revoked token ${token.name} #${token.id} (${token.role})`, token.id);
  return true;
}

/**
 * A signed-in user changes their own password: the current one is checked under the login limits, the other
 * sessions end, and the change is audited.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: { current: string; next: string; keepSessionHash?: string },
): Promise<Result<null>> {
  const { principal } = actor;
  if (principal.kind !== 'session' || principal.userId === null) return { ok: false, error: 'Sign in with a password to change it.' };
  const checked = await checkPasswordLimited(db, { username: principal.username, password: input.current }, actor.address ?? 'unknown');
  if (!checked.ok) return { ok: false, error: checked.status === 429 ? `${checked.error}.` : 'Your current password is not correct.' };
  const r = await setUserPassword(db, principal.userId, input.next, input.keepSessionHash);
  if (r.ok) audit(db, actor, 'user-password', `${principal.username} changed their password; other sessions ended`);
  return r;
}


/** Record a change of a security-relevant setting (alert rules, webhook, auto-extend policies) by `actor`. */
export function auditSettingChange(
  db: Db,
  actor: Actor,
  event: 'alert-rules-change' | 'alert-webhook-change' | 'alert-policy-change',
  detail: string,
): void {
  audit(db, actor, event, detail);
}

/** A webhook URL for the audit log: its origin only (the path often carries the receiver's secret). */
export function webhookForAudit(url: string | null | undefined): string {
  if (!url) return 'removed the webhook';
  try {
    return `set the webhook to ${new URL(url).origin}/…`;
  } catch {
    return 'set the webhook';
  }
}
