import { expect, test, ADMIN, isHydrated, login, settle } from './helpers';
import { passwordWorks, screenshots, uniqueNick, VIEWPORTS } from './accounts';
import type { Page, TestInfo } from '@playwright/test';

async function openInvites(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/invites${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Invites' })).toBeVisible();
  await settle(page, testInfo);
}

const notice = (page: Page) => page.getByRole('status').filter({ hasText: /\S/ }).first();

/** Creates an invite from the form and returns its number and link. */
async function createInvite(page: Page, maxUses = '') {
  const form = page.getByRole('form', { name: 'Create an invite' });
  if (maxUses) await form.getByLabel('Maximum uses').fill(maxUses);
  await form.getByRole('button', { name: 'Create invite' }).click();
  await expect(notice(page)).toContainText(/Created invite #\d+\./);
  const box = page.getByRole('region', { name: /^New invite #\d+$/ });
  await expect(box).toBeVisible();
  const title = await box.getByRole('heading').innerText();
  const id = title.replace(/\D/g, '');
  const link = (await box.getByLabel('Invite link', { exact: true }).innerText()).trim();
  expect(link).toMatch(/\/registration\/.+/);
  return { id, link };
}

test('the banner explains registration, invites and the mailer', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Invites' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Invites' })).toBeVisible();
  await settle(page, testInfo);
  const banner = page.getByRole('region', { name: 'Registration' });
  await expect(banner).toContainText('Registration');
  await expect(banner).toContainText('Open');
  await expect(banner).toContainText('Mailer');
  // Registrations are open in the demo: email invites say why they can't be sent.
  const email = page.getByRole('form', { name: 'Invite by email' });
  await expect(email).toContainText('Email invites need closed registrations');
  await expect(email.getByRole('button', { name: 'Send invitation' })).toBeDisabled();
  await expect(banner.getByRole('link', { name: 'Registration settings' })).toBeVisible();
});

test('create an invite and register with it', async ({ page, browser }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openInvites(page, testInfo);
  const { id, link } = await createInvite(page, '2');
  const row = page.getByRole('row').filter({ hasText: `#${id}` });
  await expect(row).toContainText('Reusable');
  await expect(row).toContainText('0 / 2');
  await expect(row).toContainText('Valid');
  if (isHydrated(testInfo)) {
    await expect(page.getByRole('button', { name: 'Copy the invite link' })).toBeVisible();
  }

  // Someone else opens the link in a fresh browser and registers.
  const visitor = await browser.newContext({ javaScriptEnabled: isHydrated(testInfo) });
  const guest = await visitor.newPage();
  const nick = uniqueNick(testInfo, 'inv');
  await guest.goto(link);
  await expect(guest.getByRole('heading', { name: /^Join / })).toBeVisible();
  await guest.getByLabel('Username').fill(nick);
  await guest.getByLabel(/^Email/).fill(`${nick}@e2e.example`);
  await guest.getByLabel('Password', { exact: true }).fill('invited-password-1');
  await guest.getByLabel('Repeat the password').fill('invited-password-1');
  await guest.getByRole('checkbox', { name: /terms of service/ }).check();
  await guest.getByRole('button', { name: 'Create account' }).click();
  await expect(guest.getByRole('heading', { name: 'Welcome' })).toBeVisible();
  await visitor.close();
  expect(await passwordWorks(page, nick, 'invited-password-1')).toBeTruthy();
  // Registrations are open in the demo, so the invite is not used up by this (client-api.md §3).
});

test('revoking asks first, focused on Cancel, and kills the link', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openInvites(page, testInfo);
  const { id, link } = await createInvite(page);
  await page.getByRole('button', { name: `Revoke invite ${id}` }).click();
  const confirm = page.getByRole('region', { name: `Revoke invite #${id}?` });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('stops working at once');
  await settle(page, testInfo);
  await expect(confirm.getByRole('link', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('region', { name: `Revoke invite #${id}?` })).toHaveCount(0);
  await expect(page.getByRole('row').filter({ hasText: `#${id}` })).toContainText('Valid');

  await page.getByRole('button', { name: `Revoke invite ${id}` }).click();
  await page.getByRole('button', { name: `Revoke invite #${id}` }).click();
  await expect(notice(page)).toContainText(`Revoked invite #${id}.`);
  const row = page.getByRole('row').filter({ hasText: `#${id}` });
  await expect(row).toContainText('Used up / revoked');
  await expect(row.getByRole('button', { name: /^Revoke/ })).toHaveCount(0);

  // "Valid only" hides it.
  await page.getByRole('navigation', { name: 'Which invites' }).getByRole('link', { name: /^Valid only/ }).click();
  await expect(page).toHaveURL(/valid=1/);
  await expect(page.getByRole('row').filter({ hasText: `#${id}` })).toHaveCount(0);

  const response = await page.request.get(link);
  expect(response.status()).toBe(404);
});

test('a past expiry date is flagged', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await openInvites(page, testInfo);
  const form = page.getByRole('form', { name: 'Create an invite' });
  await form.getByLabel('Expires after').fill('2001-01-01');
  if (isHydrated(testInfo)) {
    await expect(form.getByText('This date has passed')).toBeVisible();
  }
  await form.getByRole('button', { name: 'Create invite' }).click();
  await expect(notice(page)).toContainText("Its expiry date has passed, so it can't be used.");
  const id = (await page.getByRole('region', { name: /^New invite #\d+$/ }).getByRole('heading').innerText()).replace(/\D/g, '');
  await expect(page.getByRole('row').filter({ hasText: `#${id}` })).toContainText('Expired');
});

for (const { label, width, height } of VIEWPORTS) {
  test(`invites screenshots, ${label}`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height });
    await login(page, testInfo, ADMIN);
    await openInvites(page, testInfo);
    await screenshots(page, testInfo, 'invites', label);
  });
}
