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

export function labRunner(): SshRunner {
  const host = labHost();
  if (!host.ssh) throw new Error('lab host has no ssh block');
  return new SshRunner(host.id, host.ssh, { defaultTimeoutMs: 60_000 });
}
