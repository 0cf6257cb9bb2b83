import { z } from 'zod';
import { parseCidrList } from './auth/address';

// The one place where the process environment is read and validated.
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  COWHERD_CONFIG: z.string().min(1).default('./cowherd.config.json'),
  COWHERD_DATA_DIR: z.string().min(1).default('./data'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  COWHERD_BIND: z.string().min(1).default('127.0.0.1'),
  /** Inventory polling interval of the pages and of the COW sampler, in milliseconds. */
  COWHERD_POLL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(5000),
  /**
   * Full inventory (vgs, lvs, virsh) at least this often, in milliseconds; in between, polls read only
   * device-mapper's figures, and a changed device set, a job or an explicit refresh reads in full at once.
   */
  COWHERD_INVENTORY_MS: z.coerce.number().int().min(1000).max(86_400_000).default(60_000),
  /** Poll interval while a snapshot is above its warning or auto-extend threshold (never above COWHERD_POLL_MS). */
  COWHERD_POLL_FAST_MS: z.coerce.number().int().min(250).max(3_600_000).default(1000),
  /** Hosts polled at the same time, at most (a slow or unreachable host never delays another's figures). */
  COWHERD_POLL_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** Password of the first admin, created on first start when no user exists. */
  COWHERD_ADMIN_PASSWORD: z.string().min(8, 'COWHERD_ADMIN_PASSWORD must be at least 8 characters').optional(),
  /** Set when served over https (directly or behind a TLS proxy): session cookies get the Secure flag, responses HSTS. */
  /**
   * Snapshot policies (issue 12): accept cron strings with a seconds field. For tests only: a run every few seconds
   * would flood a real host with snapshots.
   */
  COWHERD_POLICY_SECONDS: z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
  COWHERD_SECURE_COOKIES: z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
  /**
   * Reverse proxies whose X-Forwarded-For / X-Real-IP are believed (CIDR list, comma or space separated, e.g.
   * `127.0.0.1/32, ::1`). Default none: the socket address is the client, whatever headers it sends.
   */
  COWHERD_TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const r = parseCidrList(v);
      if (r.ok) return r.value;
      ctx.addIssue({ code: 'custom', message: `COWHERD_TRUSTED_PROXIES: ${r.error}` });
      return z.NEVER;
    }),
  /**
   * Where ssh keeps its ControlMaster sockets; must be short (unix socket paths are limited to ~100 bytes), owned by
   * Cowherd's user and closed to everyone else (checked before use). Default: <data dir>/ssh, or
   * $TMPDIR/cowherd-ssh-UID when that is too long.
   */
  COWHERD_SSH_CONTROL_DIR: z.string().min(1).optional(),
  /**
   * The address users open Cowherd at (https://cowherd.example.org), when known: webhook deliveries then carry an
   * absolute link to the page that helps with the alert.
   */
  COWHERD_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'COWHERD_PUBLIC_URL must be an http(s) URL' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Seconds a command may run on a host before it is killed (long operations pass their own timeout). */
  COWHERD_COMMAND_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** A snapshot being browsed is unmounted and its loop device detached after this many idle seconds (issue 13). */
  COWHERD_BROWSE_IDLE_S: z.coerce.number().int().min(1).max(86_400).default(600),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
