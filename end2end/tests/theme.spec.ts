import { type Page, expect, test, ADMIN, login, openAccountMenu, openLogin } from './helpers';

async function bodyBackground(page: Page) {
  return page.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
}

test('the theme follows the system colour scheme', async ({ page }, testInfo) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openLogin(page, testInfo);
  const light = await bodyBackground(page);
  await page.emulateMedia({ colorScheme: 'dark' });
  const dark = await bodyBackground(page);
  expect(dark, 'body background in dark mode').not.toBe(light);

  // Inside the panel too.
  await page.emulateMedia({ colorScheme: 'light' });
  await login(page, testInfo, ADMIN);
  expect(await bodyBackground(page)).toBe(light);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await bodyBackground(page)).toBe(dark);
});

test('the theme button cycles system, light and dark', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'no-js', 'needs JavaScript');
  await page.emulateMedia({ colorScheme: 'light' });
  await login(page, testInfo, ADMIN);
  const html = page.locator('html');
  const lightBackground = await bodyBackground(page);

  const menu = await openAccountMenu(page, ADMIN.nick);
  await expect(html).not.toHaveAttribute('data-theme', /./);
  await menu.getByRole('button', { name: 'Theme: System theme' }).click();
  await expect(menu.getByRole('button', { name: 'Theme: Light theme' })).toBeVisible();
  await expect(html).toHaveAttribute('data-theme', 'light');

  await menu.getByRole('button', { name: 'Theme: Light theme' }).click();
  await expect(menu.getByRole('button', { name: 'Theme: Dark theme' })).toBeVisible();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  // The explicit choice wins over the light system setting.
  await expect.poll(() => bodyBackground(page)).not.toBe(lightBackground);
  const darkBackground = await bodyBackground(page);

  // The choice survives a reload.
  await page.reload();
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  await expect(html).toHaveAttribute('data-theme', 'dark');
  expect(await bodyBackground(page)).toBe(darkBackground);
  const reopened = await openAccountMenu(page, ADMIN.nick);
  await expect(reopened.getByRole('button', { name: 'Theme: Dark theme' })).toBeVisible();

  // Back to following the system.
  await reopened.getByRole('button', { name: 'Theme: Dark theme' }).click();
  await expect(reopened.getByRole('button', { name: 'Theme: System theme' })).toBeVisible();
  await expect(html).not.toHaveAttribute('data-theme', /./);
  expect(await bodyBackground(page)).toBe(lightBackground);
});
