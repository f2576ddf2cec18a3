import crypto from 'node:crypto';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';

export { expect };

/** Errors the browser reported for each page (console errors and uncaught exceptions). */
const browserErrors = new WeakMap<Page, string[]>();

/**
 * The suite's `test`: like Playwright's, but every test also fails when the page logged an error to
 * the console or threw (a failed hydration, a missing asset, a panic in the WASM bundle).
 */
export const test = base.extend<{ browserErrorGuard: void }>({
  browserErrorGuard: [
    async ({ page }, use) => {
      const errors: string[] = [];
      browserErrors.set(page, errors);
      page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') {
          const where = message.location().url;
          errors.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
        }
      });
      await use();
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

/** Accounts the e2e server creates (scripts/e2e-server.sh and `steward demo`). */
export const ADMIN = { nick: 'demo_admin', password: 'demo-admin-password' };
export const MODERATOR = { nick: 'demo_mod', password: 'demo-mod-password' };
export const PLAIN = { nick: 'plainuser', password: 'plain-password-1' };
export const MFA_ADMIN = { nick: 'mfa_admin', password: 'mfa-password-1', totpSecret: 'JBSWY3DPEHPK3PXP' };

export const isHydrated = (testInfo: TestInfo) => testInfo.project.name === 'hydrated';

/** In the hydrated project, waits until the WASM bundle has taken over the page. */
export async function settle(page: Page, testInfo: TestInfo) {
  if (isHydrated(testInfo)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    // The marker is set even when hydration panics: make sure it did not. The round trip lets
    // console messages logged before it reach us.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
    const failed = (browserErrors.get(page) ?? []).filter((e) => /hydrat|panicked/i.test(e));
    expect(
      failed,
      'hydration failed: is target/debug/steward from the same `cargo leptos build` as target/site/pkg? ' +
        '(a plain `cargo build`/`cargo test` replaces the binary with one built without --cfg erase_components)',
    ).toEqual([]);
  }
}

/** Opens the login page (optionally with a query) and waits for it to be usable. */
export async function openLogin(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/login${query}`);
  await expect(page.getByRole('heading', { name: 'Log in to the admin panel' })).toBeVisible();
  await settle(page, testInfo);
}

/** Fills and submits the first login step on the current page. */
export async function submitCredentials(page: Page, nick: string, password: string) {
  await page.getByLabel('Nickname or email').fill(nick);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Logs in from the login page and waits for the dashboard. */
export async function login(page: Page, testInfo: TestInfo, account: { nick: string; password: string } = ADMIN) {
  await openLogin(page, testInfo);
  await submitCredentials(page, account.nick, account.password);
  await expectDashboard(page, testInfo);
}

export async function expectDashboard(page: Page, testInfo: TestInfo) {
  await expect(page).toHaveURL(/\/admin\/?$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await settle(page, testInfo);
}

/** Opens the account menu (a <details>) of the signed-in user. */
export async function openAccountMenu(page: Page, nick = ADMIN.nick) {
  const summary = page.getByLabel(`Account menu for @${nick}`);
  await expect(summary).toBeVisible();
  await summary.click();
  const menu = page.getByRole('group', { name: 'Account' });
  await expect(menu).toBeVisible();
  return menu;
}

function base32Decode(secret: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of secret.replace(/[=\s]/g, '').toUpperCase()) {
    const index = alphabet.indexOf(c);
    if (index < 0) throw new Error(`bad base32 character ${c}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30-second steps. */
export function totp(secretBase32: string, unixSeconds = Date.now() / 1000): string {
  const counter = Math.floor(unixSeconds / 30);
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hash = crypto.createHmac('sha1', base32Decode(secretBase32)).update(message).digest();
  const offset = hash[hash.length - 1] & 0x0f;
  const binary = (hash.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return binary.toString().padStart(6, '0');
}

/** A six-digit code that the server accepts in none of the steps around now. */
export function wrongTotp(secretBase32: string): string {
  const now = Date.now() / 1000;
  const valid = new Set([-60, -30, 0, 30, 60].map((d) => totp(secretBase32, now + d)));
  for (let n = 0; ; n += 111_111) {
    const candidate = (n % 1_000_000).toString().padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}
