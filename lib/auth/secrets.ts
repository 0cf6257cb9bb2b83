import 'server-only';
import { createHash, randomBytes } from 'node:crypto';

/** A random secret of `bytes` bytes as base64url (32 bytes: 43 characters, 256 bits). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * The stored form of a session id or API token. A plain (unsalted) sha256 is enough for 256-bit random secrets:
 * it cannot be reversed or guessed, and it lets the database look the secret up by its hash.
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
