import path from 'node:path';
import { defineConfig } from '@playwright/test';

// Browser tests for the steward panel. Run them with `scripts/test.sh`, or after `cargo leptos build`
// with `cd end2end && npx playwright test`: the web server below starts a fresh steward with demo data.
// Debian's chromium is used; never run `npx playwright install` (it downloads browsers).

// STEWARD_E2E_PORT lets two checkouts run their suites side by side.
const PORT = Number(process.env.STEWARD_E2E_PORT ?? 3111);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const repoRoot = path.resolve(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  // Tests share one server (and its per-IP login limits): run them one at a time.
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: 'list',
  use: {
    baseURL: BASE_URL,
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  projects: [
    { name: 'hydrated', use: { javaScriptEnabled: true } },
    { name: 'no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: {
    command: `bash ${JSON.stringify(path.join(repoRoot, 'scripts', 'e2e-server.sh'))} 127.0.0.1:${PORT}`,
    cwd: repoRoot,
    url: `${BASE_URL}/api/v1/instance`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
    // SIGTERM lets e2e-server.sh stop steward and remove its temp dir.
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
});
