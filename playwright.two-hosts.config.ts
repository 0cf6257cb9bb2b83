// The e2e specs that need the second lab host (*.two-hosts.spec.ts): `bash lab/lab.sh up2`, then
// `npx playwright test -c playwright.two-hosts.config.ts`. Its own server port (E2E_PORT+1), data directory and
// hosts file (both hosts), so scripts/test-all.sh runs it beside the main run without slowing that one down.
import { TWO_HOSTS_CONFIG } from './e2e/two-hosts-env';
import { defineConfig } from '@playwright/test';
import base from './playwright.config';

export default defineConfig({
  ...base,
  testIgnore: undefined,
  testMatch: '**/*.two-hosts.spec.ts',
  webServer: base.webServer && !Array.isArray(base.webServer)
    ? { ...base.webServer, env: { ...base.webServer.env, COWHERD_CONFIG: TWO_HOSTS_CONFIG } }
    : base.webServer,
});
