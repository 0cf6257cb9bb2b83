import path from 'node:path';

// Imported first by playwright.two-hosts.config.ts, before ./env: the two-host run (issue 11: backups to another
// host; issue 14: moving guests) gets its own server port, data directory and session file, so it can run side by
// side with the main e2e run (scripts/test-all.sh). Playwright's workers inherit this environment.
const root = path.resolve(import.meta.dirname, '..');
const labDir = process.env.COWHERD_LAB_DIR ?? path.join(root, '.lab');
// Once per run: the workers load this config again, with the environment the runner already changed.
if (process.env.E2E_TWO_HOSTS !== '1') {
  process.env.E2E_PORT = String(Number(process.env.E2E_TWO_HOSTS_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 1));
  process.env.E2E_DATA_DIR = process.env.E2E_TWO_HOSTS_DATA_DIR ?? path.join(labDir, 'e2e-two-hosts-data');
  process.env.E2E_TWO_HOSTS = '1';
}

/** The config listing both lab hosts (lab.sh up2 writes it). */
export const TWO_HOSTS_CONFIG = path.join(labDir, 'cowherd.two-hosts.config.json');
