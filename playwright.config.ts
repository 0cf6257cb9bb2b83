import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { BASE_URL, E2E_ADMIN_PASSWORD, E2E_DATA_DIR, E2E_PORT as port, LAB_DIR as labDir, STORAGE_STATE } from './e2e/env';

export default defineConfig({
  testDir: './e2e',
  // The specs that need the second lab host run under playwright.two-hosts.config.ts.
  testIgnore: '**/*.two-hosts.spec.ts',
  forbidOnly: !!process.env.CI,
  // One output folder per server port, so test runs side by side do not clean each other's artifacts.
  outputDir: `test-results/${port}`,
  retries: 0,
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: BASE_URL,
    storageState: STORAGE_STATE,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      // Debian's Chromium, never a downloaded browser.
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    // The production build, served by `npm start`, pointed at the lab.
    command: 'npm start',
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      COWHERD_BIND: '127.0.0.1',
      COWHERD_CONFIG: path.join(labDir, 'cowherd.config.json'),
      COWHERD_DATA_DIR: E2E_DATA_DIR,
      COWHERD_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      COWHERD_POLL_MS: '2000',
      // The full inventory at least every 30 s (a changed device set, a job or ?fresh=1 read it at once).
      COWHERD_INVENTORY_MS: '30000',
    },
  },
});
