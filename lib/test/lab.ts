import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig, type HostConfig } from '@/lib/config/hosts';
import { SshRunner } from '@/lib/host/ssh';

/** The lab host as written by `npm run lab:up`; tests that need real LVM fail loudly without it. */
export function labHost(): HostConfig {
  const dir = process.env.COWHERD_LAB_DIR ?? path.resolve(import.meta.dirname, '../../.lab');
  const file = path.join(dir, 'cowherd.config.json');
  if (!existsSync(file)) throw new Error(`the lab is not set up (${file} missing): run npm run lab:up`);
  const host = parseConfig(readFileSync(file, 'utf8'), file).hosts[0];
  if (!host?.ssh) throw new Error(`${file}: no ssh host`);
  return host;
}

/**
 * A runner for the lab's unrestricted key (lab_key, beside the config): the lab tests run raw argv, as Cowherd does in
 * "shell" mode. The config's own key is restricted to the host helper (issue 16): see labHelperRunner.
 */
export function labRunner(): SshRunner {
  const host = labHost();
  if (!host.ssh?.identityFile) throw new Error('lab host has no ssh block');
  return new SshRunner(host.id, { ...host.ssh, identityFile: path.join(path.dirname(host.ssh.identityFile), 'lab_key') }, { defaultTimeoutMs: 60_000 });
}

/** A runner exactly as Cowherd makes it for the lab's config: the helper key, in "helper" mode. */
export function labHelperRunner(): SshRunner {
  const host = labHost();
  if (!host.ssh) throw new Error('lab host has no ssh block');
  return new SshRunner(`${host.id}-helper`, host.ssh, { defaultTimeoutMs: 60_000, access: host.access });
}
