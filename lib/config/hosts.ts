import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { env } from '@/lib/env';

// A host name or address that ssh can never read as an option (no leading '-') and that needs no quoting.
const hostnameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:[\]]+$/, 'must be a host name or an IP address')
  .refine((h) => !h.startsWith('-'), 'must not start with "-"');
const userSchema = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'must be a valid Unix user name');
const absPath = z.string().refine((p) => path.isAbsolute(p), 'must be an absolute path');

const sshSchema = z.object({
  host: hostnameSchema,
  port: z.number().int().min(1).max(65535).default(22),
  user: userSchema.default('root'),
  identityFile: absPath.optional(),
  /** known_hosts file for this host; host keys are always checked (StrictHostKeyChecking=yes). */
  knownHostsFile: absPath.optional(),
});

const hostSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'must be 1-32 characters of a-z, 0-9 and "-"'),
    name: z.string().min(1).max(100),
    local: z.literal(true).optional(),
    ssh: sshSchema.optional(),
    /** Directory on the host where snapshot exports (qcow2) are written. */
    exportDir: absPath.default('/var/lib/cowherd/exports'),
    /** Directory on the host where backups (backup-volume, issue 11) are written and catalogued. */
    backupDir: absPath.default('/var/lib/cowherd/backups'),
    /**
     * libvirt connection URI, passed to every virsh command as --connect. The default is what root uses; an ssh
     * user that is not root would otherwise get its own qemu:///session, which sees none of the host's guests.
     */
    libvirtUri: z
      .string()
      .regex(/^[a-z][a-z0-9+.-]*:\/\/\S*$/, 'must be a libvirt connection URI such as qemu:///system')
      .default('qemu:///system'),
    /**
     * Browsing files inside snapshots (issue 13): "libguestfs" reads guest file systems inside libguestfs' appliance
     * VM; "mount" mounts them read-only on the host kernel (trusted guests only). Absent: browsing is off.
     */
    fileBrowse: z.enum(['libguestfs', 'mount']).optional(),
    /** Lowest role that may browse and download guests' files (they can hold secrets). */
    fileBrowseRole: z.enum(['viewer', 'operator', 'admin']).default('operator'),
    /**
     * How commands reach an ssh host (issue 16): "helper" (the default) sends only verb lines to the restricted host
     * helper `cowherd-host` (a forced command on the host: `npm run host:install -- <id>`); "shell" sends each argv
     * quoted for the login shell (a key that can run anything: for hosts where the helper cannot be installed). A
     * local host runs commands directly and is always "shell".
     */
    access: z.enum(['helper', 'shell']).optional(),
  })
  .strict()
  .refine((h) => !(h.local === true && h.access === 'helper'), {
    message: 'a local host runs commands directly: for the helper, list this machine as an ssh host (127.0.0.1) instead',
  })
  .transform((h) => ({ ...h, access: h.access ?? (h.local ? ('shell' as const) : ('helper' as const)) }))
  .refine((h) => (h.local === true) !== (h.ssh !== undefined), {
    message: 'a host is either { "local": true } or has an "ssh" block, not both and not neither',
  });

const configSchema = z
  .object({ hosts: z.array(hostSchema).min(1, 'list at least one host') })
  .strict()
  .refine((c) => new Set(c.hosts.map((h) => h.id)).size === c.hosts.length, { message: 'host ids must be unique' });

export type HostConfig = z.infer<typeof hostSchema>;
export type SshConfig = z.infer<typeof sshSchema>;
export type CowherdConfig = z.infer<typeof configSchema>;

export const LOCAL_ONLY: CowherdConfig = {
  hosts: [{ id: 'local', name: 'This host', local: true, exportDir: '/var/lib/cowherd/exports', backupDir: '/var/lib/cowherd/backups', libvirtUri: 'qemu:///system', fileBrowseRole: 'operator', access: 'shell' }],
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function parseConfig(text: string, file = 'config'): CowherdConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new ConfigError(`${file}: invalid Cowherd configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

export function loadConfig(file: string = env().COWHERD_CONFIG): CowherdConfig {
  const resolved = path.resolve(file);
  if (!existsSync(resolved)) return LOCAL_ONLY;
  return parseConfig(readFileSync(resolved, 'utf8'), resolved);
}

let cached: CowherdConfig | undefined;

/** The configuration, read once per process (a bad file fails start-up with a clear message). */
export function config(): CowherdConfig {
  cached ??= loadConfig();
  return cached;
}

export function findHost(id: string): HostConfig | undefined {
  return config().hosts.find((h) => h.id === id);
}
