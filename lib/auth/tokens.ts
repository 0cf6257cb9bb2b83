import 'server-only';
import { z } from 'zod';
import type { Db } from '@/lib/store/db';
import { DEFAULT_TOKEN_EXPIRY_DAYS, TOKEN_EXPIRY_DAYS, TOKEN_PREFIX } from './constants';
import { roleAtLeast, roleSchema, type Role } from './roles';
import { randomSecret, sha256Hex } from './secrets';
import type { Result } from './users';

const EXPIRY_ERROR = `expiresInDays must be one of ${TOKEN_EXPIRY_DAYS.join(', ')}`;

export const newTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(64, 'name must be at most 64 characters')
    .regex(/^[\w .@:-]+$/, 'name may contain letters, digits, spaces and . _ @ : -'),
  role: roleSchema,
  /** Days until the token stops working (7, 30, 90 or 365; 90 when left out). */
  expiresInDays: z.coerce
    .number({ error: EXPIRY_ERROR })
    .refine((d) => (TOKEN_EXPIRY_DAYS as readonly number[]).includes(d), { message: EXPIRY_ERROR })
    .default(DEFAULT_TOKEN_EXPIRY_DAYS),
});
export type NewToken = z.input<typeof newTokenSchema>;

/** Who creates a token: its role caps the token's, and deleting or demoting the user revokes the token. */
export interface TokenCreator {
  userId: number;
  role: Role;
}

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

export interface CreatedToken {
  /** The secret, shown once: only its sha256 is stored. */
  token: string;
  id: number;
  name: string;
  role: Role;
  expiresAt: string;
}

const DAY_MS = 24 * 3_600_000;

const TOKEN_FORMAT = new RegExp(`^${TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`);
// last_used_at is written at most once a minute per token, not on every request of a polling client.
const LAST_USED_RESOLUTION_MS = 60_000;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomSecret(32)}`;
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}

export function createApiToken(
  db: Db,
  input: NewToken,
  creator: TokenCreator,
  now: Date = new Date(),
): Result<CreatedToken> {
  const parsed = newTokenSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid token' };
  const { name, role, expiresInDays } = parsed.data;
  if (!roleAtLeast(creator.role, role)) {
    return { ok: false, error: `a token cannot have a higher role than its creator (${creator.role})` };
  }
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + expiresInDays * DAY_MS).toISOString();
  const info = db
    .prepare('INSERT INTO api_tokens (name, token_hash, role, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(name, hashToken(token), role, creator.userId, now.toISOString(), expiresAt);
  return { ok: true, value: { token, id: Number(info.lastInsertRowid), name, role, expiresAt } };
}

export function listApiTokens(db: Db, now: number = Date.now()): ApiToken[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.name, t.role, u.username AS created_by, t.created_at, t.last_used_at, t.expires_at
         FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by
        ORDER BY t.created_at, t.id`,
    )
    .all() as {
    id: number;
    name: string;
    role: Role;
    created_by: string | null;
    created_at: string;
    last_used_at: string | null;
    expires_at: string | null;
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
    expired: isExpired(r.expires_at, now),
  }));
}

function isExpired(expiresAt: string | null, now: number): boolean {
  return expiresAt !== null && !(Date.parse(expiresAt) > now);
}

/** Revoke every token a user created (the user was deleted or demoted); how many there were. */
export function revokeUserTokens(db: Db, userId: number): number {
  return db.prepare('DELETE FROM api_tokens WHERE created_by = ?').run(userId).changes;
}

export function getApiToken(db: Db, id: number): { id: number; name: string; role: Role } | null {
  return (db.prepare('SELECT id, name, role FROM api_tokens WHERE id = ?').get(id) as { id: number; name: string; role: Role } | undefined) ?? null;
}

export function revokeApiToken(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0;
}

export type TokenLookup = { ok: true; id: number; name: string; role: Role } | { ok: false; error: 'invalid token' | 'token expired' };

/** The token with this secret (and its last use recorded), or why it is refused. */
export function lookupApiToken(db: Db, token: string, now: number = Date.now()): TokenLookup {
  if (!TOKEN_FORMAT.test(token)) return { ok: false, error: 'invalid token' };
  const found = db.prepare('SELECT id, name, role, expires_at FROM api_tokens WHERE token_hash = ?').get(hashToken(token)) as
    | { id: number; name: string; role: Role; expires_at: string | null }
    | undefined;
  if (!found) return { ok: false, error: 'invalid token' };
  // Only a holder of the secret learns that it expired (an unknown token says nothing).
  if (isExpired(found.expires_at, now)) return { ok: false, error: 'token expired' };
  const row = { ok: true as const, id: found.id, name: found.name, role: found.role };
  db.prepare(
    'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  ).run(new Date(now).toISOString(), row.id, new Date(now - LAST_USED_RESOLUTION_MS).toISOString());
  return row;
}
