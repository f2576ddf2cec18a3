import { expect, test, ADMIN, login } from './helpers';

const CARDS = ['Needs attention', 'Users', 'Reports', 'Content', 'Federation', 'System'];

test('the dashboard shows every card with numbers', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  for (const name of CARDS) {
    await expect(page.getByRole('heading', { level: 2, name, exact: true })).toBeVisible();
  }
  // Cards holding counters show numbers, never placeholders.
  for (const name of ['Needs attention', 'Users', 'Reports', 'Content', 'Federation']) {
    const card = page.getByRole('region', { name, exact: true });
    const values = card.getByRole('definition');
    expect(await values.count(), `counters in ${name}`).toBeGreaterThan(0);
    for (const value of await values.allInnerTexts()) {
      expect(value.trim(), `a counter in ${name}`).toMatch(/^\d[\d,.\u00a0\u202f ]*$/);
    }
  }
  await expect(page.getByRole('region', { name: 'System', exact: true })).toContainText('Registration');
});

test('the Users card counts the accounts', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const users = page.getByRole('region', { name: 'Users', exact: true });
  const total = users.getByRole('term').filter({ hasText: /^Total$/ });
  await expect(total).toBeVisible();
  await expect(users).toContainText(/Total\s*\d/);
  const text = (await users.innerText()).replace(/\s+/g, ' ');
  const match = text.match(/Total (\d[\d,.\u00a0\u202f]*)/);
  expect(match, `Users card text: ${text}`).not.toBeNull();
  // The demo data plus the e2e accounts: at least the four staff/plain accounts, in practice hundreds.
  expect(Number(match![1].replace(/\D/g, ''))).toBeGreaterThanOrEqual(4);
});

test('the panel frame has its landmarks', async ({ page }, testInfo) => {
  await login(page, testInfo, ADMIN);
  const nav = page.getByRole('navigation', { name: 'Sections' });
  await expect(nav.getByRole('link', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'steward', exact: true })).toBeVisible();
  await expect(page.getByRole('main')).toBeVisible();
});

for (const { label, width, height } of [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 390, height: 844 },
]) {
  test(`dashboard screenshots, ${label}`, async ({ page }, testInfo) => {
    await page.setViewportSize({ width, height });
    await login(page, testInfo, ADMIN);
    await expect(page.getByRole('heading', { level: 2, name: 'System' })).toBeVisible();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({
        path: `screenshots/dashboard-${label}-${scheme}-${testInfo.project.name}.png`,
        fullPage: true,
      });
    }
    // Nothing spills sideways on a narrow screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, 'horizontal overflow in px').toBeLessThanOrEqual(0);
  });
}
