import type { Page, TestInfo } from '@playwright/test';
import { expect } from './helpers';

/**
 * Setup helpers for the users and invites specs. Every spec creates the accounts it changes, named
 * after the test and the project, so specs never depend on each other's side effects.
 */

/** A short name unique to this test run, project and label: `e2e_h_tag_k3x9`. */
export function uniqueNick(testInfo: TestInfo, label: string): string {
  const project = testInfo.project.name === 'hydrated' ? 'h' : 'n';
  const stamp = (Date.now() % 1_000_000).toString(36);
  const random = Math.floor(Math.random() * 36 ** 3).toString(36);
  return `e2e_${project}_${label}_${stamp}${random}`;
}

/** The CSRF token of the signed-in session (the page must be signed in). */
export async function csrfToken(page: Page): Promise<string> {
  const response = await page.request.get('/api/steward/session');
  expect(response.ok(), 'signed in').toBeTruthy();
  return (await response.json()).csrf_token;
}

/** Creates local accounts through the Admin API with the panel session (admin only). */
export async function createAccounts(page: Page, nicknames: string[], password = 'e2e-password-1') {
  const csrf = await csrfToken(page);
  const users = nicknames.map((nickname) => ({ nickname, email: `${nickname}@e2e.example`, password }));
  const response = await page.request.post('/api/pleroma/admin/users', {
    headers: { 'X-CSRF-Token': csrf },
    data: { users },
  });
  expect(response.status(), await response.text()).toBe(200);
}

/** The id of an account, through the Admin API. */
export async function accountId(page: Page, nickname: string): Promise<string> {
  const response = await page.request.get(`/api/pleroma/admin/users/${nickname}`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).id;
}

/** Whether `password` logs `nickname` in (the OAuth password grant). */
export async function passwordWorks(page: Page, nickname: string, password: string): Promise<boolean> {
  const app = await page.request.post('/api/v1/apps', {
    form: { client_name: 'e2e', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: 'read' },
  });
  const { client_id, client_secret } = await app.json();
  const token = await page.request.post('/oauth/token', {
    form: { grant_type: 'password', client_id, client_secret, username: nickname, password, scope: 'read' },
  });
  return token.status() === 200;
}

/** Saves full-page screenshots of the current page in light and dark. */
export async function screenshots(page: Page, testInfo: TestInfo, name: string, label: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let colour transitions finish, so buttons are not caught halfway between themes.
    await page.waitForTimeout(300);
    await page.screenshot({
      path: `screenshots/${name}-${label}-${scheme}-${testInfo.project.name}.png`,
      fullPage: true,
    });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, `horizontal overflow of ${name} (${label}) in px`).toBeLessThanOrEqual(0);
}

export const VIEWPORTS = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 390, height: 844 },
];
