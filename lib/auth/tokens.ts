import 'server-only';
import { z } from 'zod';
import type { Db } from '@/lib/store/db';
import { TOKEN_PREFIX } from './constants';
import { roleSchema, type Role } from './roles';
import { randomSecret, sha256Hex } from './secrets';
import type { Result } from './users';

export const newTokenSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'name is required')
    .max(64, 'name must be at most 64 characters')
    .regex(/^[\w .@:-]+$/, 'name may contain letters, digits, spaces and . _ @ : -'),
  role: roleSchema,
});
export type NewToken = z.infer<typeof newTokenSchema>;

export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface CreatedToken {
  /** The secret, shown once: only its sha256 is stored. */
  token: string;
  id: number;
  name: string;
  role: Role;
}

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
  createdBy: number | null,
  now: Date = new Date(),
): Result<CreatedToken> {
  const parsed = newTokenSchema.safeParse(input);
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? 'invalid token' };
  const { name, role } = parsed.data;
  const token = generateToken();
  const info = db
    .prepare('INSERT INTO api_tokens (name, token_hash, role, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(name, hashToken(token), role, createdBy, now.toISOString());
  return { ok: true, value: { token, id: Number(info.lastInsertRowid), name, role } };
}

export function listApiTokens(db: Db): ApiToken[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.name, t.role, u.username AS created_by, t.created_at, t.last_used_at
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
  }[];
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

export function revokeApiToken(db: Db, id: number): boolean {
  return db.prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0;
}

/** The token with this secret (and its last use recorded), or null. */
export function lookupApiToken(db: Db, token: string, now: number = Date.now()): { id: number; name: string; role: Role } | null {
  if (!TOKEN_FORMAT.test(token)) return null;
  const row = db.prepare('SELECT id, name, role FROM api_tokens WHERE token_hash = ?').get(hashToken(token)) as
    | { id: number; name: string; role: Role }
    | undefined;
  if (!row) return null;
  db.prepare(
    'UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)',
  ).run(new Date(now).toISOString(), row.id, new Date(now - LAST_USED_RESOLUTION_MS).toISOString());
  return row;
}
