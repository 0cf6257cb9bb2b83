// No `import 'server-only'` here on purpose: scripts/user-add.ts runs under tsx, outside the react-server
// condition, where 'server-only' throws. Nothing in this module is useful (or importable) in a browser anyway.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { Semaphore } from './semaphore';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

/** N = 2^15, r = 8: 32 MiB of memory and some tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// A stored hash is trusted input, but a corrupted or hostile row must not make a login allocate gigabytes.
const MAX_LN = 20;
const MAX_R = 32;
const MAX_P = 16;

/**
 * At most this many scrypt computations at once (each takes 32 MiB and a CPU core for some tens of milliseconds):
 * a flood of logins queues here instead of exhausting memory and libuv's thread pool, which reads files too.
 */
export const MAX_CONCURRENT_HASHES = 2;
const hashSlots = new Semaphore(MAX_CONCURRENT_HASHES);

/** For tests and diagnostics: hashes running now and the most that ever ran at once. */
export function hashingStats(): { active: number; waiting: number; peak: number } {
  return hashSlots.stats();
}

function scryptAsync(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return hashSlots.run(() => scryptNow(password, salt, params));
}

function scryptNow(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.ln,
    r: params.r,
    p: params.p,
    // Node's default maxmem (32 MiB) is exactly what N=2^15,r=8 needs, and scrypt needs a little more.
    maxmem: 128 * 2 ** params.ln * params.r * 2 + 16 * 1024 * 1024,
  };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hash a password as `scrypt$ln=15,r=8,p=1$<salt base64>$<hash base64>` (parameters travel with the hash). */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scryptAsync(password, salt, params);
  return `scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

export function parsePasswordHash(encoded: string): ParsedHash | null {
  const m = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/.exec(encoded);
  if (!m) return null;
  const params = { ln: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.ln < 1 || params.ln > MAX_LN || params.r < 1 || params.r > MAX_R || params.p < 1 || params.p > MAX_P) {
    return null;
  }
  const salt = Buffer.from(m[4] ?? '', 'base64');
  const key = Buffer.from(m[5] ?? '', 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { params, salt, key };
}

/** Whether `password` matches `encoded` (from hashPassword). A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  const key = await scryptAsync(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}
