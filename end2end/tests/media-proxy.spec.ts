import { expect, test, ADMIN, MODERATOR, isHydrated, login, settle } from './helpers';
import { screenshots, VIEWPORTS } from './accounts';
import type { Page, TestInfo } from '@playwright/test';

// The media proxy cache screen (ui.md §4.13): banner, Evict URLs (one per line, "Also ban" on by
// default) and multi-select Unban, both confirmed first; admin only.

async function openScreen(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/media-proxy${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Media proxy cache' })).toBeVisible();
  await settle(page, testInfo);
}

const toast = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text }).first();

test('the sidebar leads admins to the screen and the banner shows the proxy state', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Media proxy cache' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Media proxy cache' })).toBeVisible();
  await settle(page, testInfo);
  const banner = page.getByRole('region', { name: 'Media proxy', exact: true });
  await expect(banner).toContainText('Off');
  await expect(banner).toContainText('Invalidation');
  await expect(banner.getByRole('link', { name: 'Media proxy settings' })).toHaveAttribute(
    'href',
    '/admin/settings/media_proxy',
  );
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await screenshots(page, testInfo, 'media-proxy', viewport.label);
  }
});

test('evict with ban, search, then unban the selected URL, each confirmed', async ({ page }, testInfo) => {
  const tag = `${testInfo.project.name}-${Date.now()}`;
  const one = `https://e2e-${tag}.example/one.png`;
  const two = `https://e2e-${tag}.example/two.png`;
  await login(page, testInfo, ADMIN);
  await openScreen(page, testInfo);

  const evict = page.getByRole('form', { name: 'Evict URLs' });
  await evict.getByLabel('URLs, one per line').fill(`${one}\n\n${two}\n`);
  await expect(evict.getByRole('checkbox', { name: 'Also ban' })).toBeChecked();
  await evict.getByRole('button', { name: 'Evict' }).click();
  const confirm = page.getByRole('region', { name: 'Evict and ban 2 URLs?' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(one);
  await expect(confirm.getByRole('link', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Evict and ban 2 URLs' }).click();
  await expect(toast(page, 'Evicted and banned 2 URLs.')).toBeVisible();

  await openScreen(page, testInfo, `?query=${encodeURIComponent(tag.toUpperCase())}`);
  await expect(page.getByRole('table', { name: 'Banned URLs' }).getByRole('row')).toHaveCount(3);
  await page.getByRole('checkbox', { name: `Select ${one}` }).check();
  await page.getByRole('button', { name: 'Unban selected' }).click();
  const unban = page.getByRole('region', { name: 'Unban 1 URL?' });
  await expect(unban).toContainText(one);
  await unban.getByRole('button', { name: 'Unban 1 URL' }).click();
  await expect(toast(page, 'Unbanned 1 URL.')).toBeVisible();
  // The search survives the round trip; only the other URL is left.
  await expect(page.getByLabel('Search banned URLs')).toHaveValue(tag.toUpperCase());
  const rows = page.getByRole('table', { name: 'Banned URLs' }).getByRole('row');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1)).toContainText(two);
  if (isHydrated(testInfo)) {
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
  }
});

test('cancelling an eviction changes nothing', async ({ page }, testInfo) => {
  const url = `https://e2e-cancel-${testInfo.project.name}-${Date.now()}.example/x.png`;
  await login(page, testInfo, ADMIN);
  await openScreen(page, testInfo);
  const evict = page.getByRole('form', { name: 'Evict URLs' });
  await evict.getByLabel('URLs, one per line').fill(url);
  await evict.getByRole('checkbox', { name: 'Also ban' }).uncheck();
  await evict.getByRole('button', { name: 'Evict' }).click();
  const confirm = page.getByRole('region', { name: 'Evict 1 URL?' });
  await expect(confirm).toContainText('they are not banned');
  await confirm.getByRole('link', { name: 'Cancel' }).click();
  await expect(page.getByRole('region', { name: 'Evict 1 URL?' })).toHaveCount(0);
  await openScreen(page, testInfo, `?query=${encodeURIComponent(url)}`);
  await expect(page.getByText('No banned URLs match this search.')).toBeVisible();
});

test('moderators do not get the screen', async ({ page }, testInfo) => {
  await login(page, testInfo, MODERATOR);
  await expect(
    page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Media proxy cache' }),
  ).toHaveCount(0);
  await openScreen(page, testInfo);
  await expect(page.getByText('User is not an admin.')).toBeVisible();
});
