import { expect, test, MODERATOR, ADMIN, isHydrated, login, settle } from './helpers';
import { screenshots, uniqueNick, VIEWPORTS } from './accounts';
import type { APIRequestContext, Page, TestInfo } from '@playwright/test';

/**
 * The report queue and the report page (ui.md §4.6). Content is made the way real clients make it:
 * a user posts and another reports through the client API with their own tokens.
 */

/** An OAuth token for `nickname` (password grant). */
async function tokenFor(request: APIRequestContext, nickname: string, password: string, scope: string) {
  const app = await request.post('/api/v1/apps', {
    form: { client_name: 'e2e-reports', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes: scope },
  });
  expect(app.ok(), await app.text()).toBeTruthy();
  const { client_id, client_secret } = await app.json();
  const token = await request.post('/oauth/token', {
    form: { grant_type: 'password', client_id, client_secret, username: nickname, password, scope },
  });
  expect(token.status(), await token.text()).toBe(200);
  return (await token.json()).access_token as string;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

interface Scene {
  poster: string;
  posterId: string;
  statusIds: string[];
  reporterToken: string;
}

/** Two fresh accounts (created by the admin through the Admin API); the poster posts `texts`. */
async function scene(request: APIRequestContext, testInfo: TestInfo, texts: string[]): Promise<Scene> {
  const admin = await tokenFor(request, ADMIN.nick, ADMIN.password, 'read write admin');
  const poster = uniqueNick(testInfo, 'post');
  const reporter = uniqueNick(testInfo, 'rep');
  const password = 'e2e-password-1';
  const created = await request.post('/api/pleroma/admin/users', {
    headers: bearer(admin),
    data: { users: [poster, reporter].map((nickname) => ({ nickname, email: `${nickname}@e2e.example`, password })) },
  });
  expect(created.status(), await created.text()).toBe(200);
  const posterToken = await tokenFor(request, poster, password, 'read write');
  const reporterToken = await tokenFor(request, reporter, password, 'read write');
  const statusIds: string[] = [];
  let posterId = '';
  for (const text of texts) {
    const posted = await request.post('/api/v1/statuses', {
      headers: bearer(posterToken),
      form: { status: text, visibility: 'public' },
    });
    expect(posted.status(), await posted.text()).toBe(200);
    const status = await posted.json();
    statusIds.push(status.id);
    posterId = status.account.id;
  }
  return { poster, posterId, statusIds, reporterToken };
}

/** Files a report through the client API as the reporter; returns its id. */
async function fileReport(request: APIRequestContext, s: Scene, comment: string): Promise<string> {
  const filed = await request.post('/api/v1/reports', {
    headers: bearer(s.reporterToken),
    data: { account_id: s.posterId, status_ids: s.statusIds, comment },
  });
  expect(filed.status(), await filed.text()).toBe(200);
  return (await filed.json()).id;
}

/** The open-report total through the Admin API (with the page's session). */
async function openTotal(page: Page): Promise<number> {
  const response = await page.request.get('/api/pleroma/admin/reports?state=open&page_size=1');
  expect(response.ok()).toBeTruthy();
  return (await response.json()).total;
}

/** Every moderation-log message (newest first) through the Admin API. */
async function logMessages(page: Page): Promise<string[]> {
  const response = await page.request.get('/api/pleroma/admin/moderation_log?page_size=200');
  expect(response.ok(), await response.text()).toBeTruthy();
  const body = await response.json();
  return (body.items ?? []).map((entry: { message: string }) => entry.message);
}

const notice = (page: Page) => page.getByRole('status').filter({ hasText: /\S/ }).first();
const sections = (page: Page) => page.getByRole('navigation', { name: 'Sections' });

async function openQueue(page: Page, testInfo: TestInfo, query = '') {
  await page.goto(`/admin/reports${query}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();
  await settle(page, testInfo);
}

async function openReport(page: Page, testInfo: TestInfo, id: string, poster: string) {
  await page.goto(`/admin/reports/${id}`);
  await expect(page.getByRole('heading', { level: 1, name: `Report about @${poster}` })).toBeVisible();
  await settle(page, testInfo);
}

test('a report goes from arrival to resolution', async ({ page, request }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'arriving live needs JavaScript; the no-js flow is below');
  const s = await scene(request, testInfo, ['first status, to be marked sensitive', 'second status, to be deleted']);
  await login(page, testInfo, MODERATOR);
  await openQueue(page, testInfo);
  const before = await openTotal(page);

  // Filed while the queue is open: it appears without a reload, and the sidebar counts it.
  const comment = `spam from @${s.poster}, please look`;
  const id = await fileReport(request, s, comment);
  const row = page.getByRole('row').filter({ hasText: `@${s.poster}` });
  await expect(row).toBeVisible();
  await expect(row).toContainText(comment);
  await expect(sections(page).getByRole('link', { name: new RegExp(`Reports\\s*, ${before + 1} open`) })).toBeVisible();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await screenshots(page, testInfo, 'reports-queue', viewport.label);
  }
  await page.setViewportSize(VIEWPORTS[0]);

  await row.getByRole('link', { name: `Open the report about @${s.poster}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${id}$`));
  await expect(page.getByRole('heading', { level: 1, name: `Report about @${s.poster}` })).toBeVisible();
  await settle(page, testInfo);
  await expect(page.getByRole('region', { name: 'Comment' })).toContainText(comment);

  // A note.
  const note = `checked the statuses ${Date.now()}`;
  // `n` jumps to the note box (ui.md §5 shortcuts).
  await page.keyboard.press('n');
  await expect(page.getByLabel('Add a note')).toBeFocused();
  await page.getByLabel('Add a note').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(notice(page)).toContainText('Added your note.');
  await expect(page.getByRole('region', { name: /Notes/ })).toContainText(note);

  // The first status becomes sensitive, the second is deleted (after confirming), each through
  // the status's moderation menu.
  const [sensitiveId, deletedId] = s.statusIds;
  const cards = page.getByRole('article', { name: new RegExp(`Status by @${s.poster}`) });
  await expect(cards).toHaveCount(2);
  await cards.nth(0).getByText('Moderate', { exact: true }).click();
  await cards.nth(0).getByRole('button', { name: 'Mark sensitive' }).click();
  await expect(notice(page)).toContainText(`Marked status #${sensitiveId} as sensitive.`);
  await expect(cards.nth(0).getByText('Sensitive', { exact: true })).toBeVisible();
  await cards.nth(1).getByText('Moderate', { exact: true }).click();
  await cards.nth(1).getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('alertdialog', { name: `Delete status #${deletedId} by @${s.poster}?` });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Delete status' }).click();
  await expect(notice(page)).toContainText(`Deleted status #${deletedId}.`);
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${id}\\?`));
  await expect(page.getByText('since the report was filed')).toBeVisible();
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await screenshots(page, testInfo, 'report-page', viewport.label);
  }
  await page.setViewportSize(VIEWPORTS[0]);

  // Resolved; the queue no longer lists it as open.
  await page.getByRole('form', { name: 'Report state' }).getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(notice(page)).toContainText(`Resolved the report about @${s.poster}.`);
  await expect(page.getByRole('form', { name: 'Report state' }).getByRole('button', { name: 'Reopen' })).toBeVisible();
  expect(await openTotal(page)).toBe(before);

  // Every action is in the moderation log.
  const messages = await logMessages(page);
  const mod = `@${MODERATOR.nick}`;
  expect(messages).toContain(`${mod} added note '${note}' to report #${id} on user @${s.poster}`);
  expect(messages).toContain(`${mod} updated status #${sensitiveId}, set sensitive: 'true'`);
  expect(messages).toContain(`${mod} deleted status #${deletedId}`);
  expect(messages).toContain(`${mod} updated report #${id} (on user @${s.poster}) with 'resolved' state`);
});

test('state changes and notes work as plain forms', async ({ page, request }, testInfo) => {
  const s = await scene(request, testInfo, ['a status to report']);
  const id = await fileReport(request, s, 'plain form report');
  await login(page, testInfo, MODERATOR);

  // The queue, filtered by the reported account: tick the report and close it.
  await openQueue(page, testInfo, `?account=${s.poster}`);
  await expect(page.getByLabel('Reported account')).toHaveValue(s.poster);
  await page.getByRole('checkbox', { name: `Select the report about @${s.poster}` }).check();
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Close' }).click();
  await expect(notice(page)).toContainText(`Closed the report about @${s.poster}.`);
  await expect(page.getByRole('heading', { name: 'No reports' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Report states' }).getByRole('link', { name: /Closed/ }).click();
  await expect(page).toHaveURL(/state=closed/);
  await expect(page.getByRole('row').filter({ hasText: `@${s.poster}` })).toContainText('Closed');

  // The report page: a note, then reopen, then delete the note after confirming.
  await openReport(page, testInfo, id, s.poster);
  const note = `no-js note ${testInfo.project.name} ${Date.now()}`;
  await page.getByLabel('Add a note').fill(note);
  await page.getByRole('button', { name: 'Add note' }).click();
  await expect(notice(page)).toContainText('Added your note.');
  await expect(page.getByRole('region', { name: /Notes/ })).toContainText(note);
  await page.getByRole('form', { name: 'Report state' }).getByRole('button', { name: 'Reopen' }).click();
  await expect(notice(page)).toContainText(`Reopened the report about @${s.poster}.`);
  await page.getByRole('button', { name: `Delete the note by @${MODERATOR.nick}` }).click();
  const confirm = page.getByRole('alertdialog', { name: `Delete this note by @${MODERATOR.nick}?` });
  await confirm.getByRole('button', { name: 'Delete note' }).click();
  await expect(notice(page)).toContainText('Deleted the note.');
  await expect(page.getByRole('region', { name: /Notes/ })).not.toContainText(note);

  // "Resolve and open next" resolves it and moves on (to the next open report, or the queue).
  await page.getByRole('button', { name: 'Resolve and open next' }).click();
  await expect(notice(page)).toContainText(`Resolved the report about @${s.poster}.`);
  await expect(page).not.toHaveURL(new RegExp(`/admin/reports/${id}`));

  const messages = await logMessages(page);
  const mod = `@${MODERATOR.nick}`;
  expect(messages).toContain(`${mod} updated report #${id} (on user @${s.poster}) with 'closed' state`);
  expect(messages).toContain(`${mod} updated report #${id} (on user @${s.poster}) with 'open' state`);
  expect(messages).toContain(`${mod} deleted note '${note}' from report #${id} on user @${s.poster}`);
  expect(messages).toContain(`${mod} updated report #${id} (on user @${s.poster}) with 'resolved' state`);
});

test('state changes are optimistic and roll back when the server refuses', async ({ page, request }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'optimistic updates need JavaScript; without it the form post answers');
  const s = await scene(request, testInfo, ['a status for an optimistic change']);
  const id = await fileReport(request, s, 'optimistic report');
  await login(page, testInfo, MODERATOR);
  await openReport(page, testInfo, id, s.poster);
  const form = page.getByRole('form', { name: 'Report state' });
  const meta = page.locator('.report-meta');
  await expect(meta).toContainText('Open');

  // The change is held back until the optimistic state has been seen, and then sent for a report
  // that does not exist (as if it had gone meanwhile): the real server refuses it.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api/steward/fn/reports_set_state*', async (route) => {
    await held;
    const body = (route.request().postData() ?? '').replace(`id=${encodeURIComponent(id)}`, 'id=no-such-report');
    await route.continue({ postData: body });
  });
  await form.getByRole('button', { name: 'Resolve', exact: true }).click();
  // Shown at once: the badge says Resolved and Reopen is offered before the server has answered.
  await expect(meta).toContainText('Resolved');
  await expect(form.getByRole('button', { name: 'Reopen' })).toBeVisible();
  await expect(form).toHaveAttribute('aria-busy', 'true');
  release();
  // Refused: back to Open, with the server's reason in an error toast.
  await expect(page.getByRole('alert').filter({ hasText: /\S/ }).first()).toContainText(
    "Couldn't resolve the report: Not found",
  );
  await expect(meta).toContainText('Open');
  await expect(form.getByRole('button', { name: 'Resolve', exact: true })).toBeVisible();
  await expect(form.getByRole('button', { name: 'Reopen' })).toHaveCount(0);
  await expect(form).not.toHaveAttribute('aria-busy', 'true');
  const unchanged = await page.request.get(`/api/pleroma/admin/reports/${id}`);
  expect((await unchanged.json()).state).toBe('open');

  // Accepted: the new state stays, the notice says so, and the server has it.
  await page.unroute('**/api/steward/fn/reports_set_state*');
  await form.getByRole('button', { name: 'Resolve', exact: true }).click();
  await expect(notice(page)).toContainText(`Resolved the report about @${s.poster}.`);
  await expect(meta).toContainText('Resolved');
  await expect(form.getByRole('button', { name: 'Reopen' })).toBeVisible();
  const changed = await page.request.get(`/api/pleroma/admin/reports/${id}`);
  expect((await changed.json()).state).toBe('resolved');
  // Our own change is not announced as someone else's.
  await expect(page.getByText('Reports changed since this page loaded.')).toHaveCount(0);
  await page.reload();
  await expect(meta).toContainText('Resolved');
});

test('a batch with a report that does not exist changes nothing', async ({ page, request }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'adding a stale id to the form needs a script in the page');
  const s = await scene(request, testInfo, ['batch status']);
  const id = await fileReport(request, s, 'batch report');
  await login(page, testInfo, MODERATOR);
  await openQueue(page, testInfo, `?account=${s.poster}`);
  // A stale page: the form names a report that is gone (here: never existed).
  await page.getByRole('checkbox', { name: `Select the report about @${s.poster}` }).check();
  await page.evaluate(() => {
    const form = document.querySelector('form[action="/admin/reports/action"]');
    const extra = document.createElement('input');
    extra.type = 'hidden';
    extra.name = 'ids';
    extra.value = 'no-such-report';
    form?.appendChild(extra);
  });
  await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByRole('alert').filter({ hasText: /\S/ }).first()).toContainText(
    'Nothing changed. These reports were refused: #no-such-report (not found).',
  );
  const still = await page.request.get(`/api/pleroma/admin/reports/${id}`);
  expect((await still.json()).state).toBe('open');
});

test('the reported account is restricted right from the report', async ({ page, request }, testInfo) => {
  const s = await scene(request, testInfo, ['a status that earns a restriction']);
  const id = await fileReport(request, s, 'please restrict');
  await login(page, testInfo, ADMIN);
  await openReport(page, testInfo, id, s.poster);
  const card = page.getByRole('region', { name: 'Reported account' });

  await card.getByLabel('Restrict with a tag').selectOption('mrf_tag:force-unlisted');
  await card.getByRole('button', { name: 'Add tag' }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${id}\\?`));
  await expect(card.getByText('Force unlisted', { exact: true })).toBeVisible();

  // Deactivating is confirmed on the users confirmation page, which comes back to the report.
  await card.getByRole('button', { name: 'Deactivate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: `Deactivate @${s.poster}?` })).toBeVisible();
  await page.getByRole('button', { name: `Deactivate @${s.poster}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${id}\\?`));
  await expect(notice(page)).toContainText(`Deactivated @${s.poster}.`);
  await expect(card.getByText('Deactivated', { exact: true })).toBeVisible();
  await expect(card.getByRole('button', { name: 'Activate' })).toBeVisible();
});

test('the queue grouped by status', async ({ page, request }, testInfo) => {
  const s = await scene(request, testInfo, ['grouped first status', 'grouped second status']);
  const older = await fileReport(request, s, 'first report about both');
  const newer = await fileReport(request, s, 'second report about both');
  await login(page, testInfo, MODERATOR);
  await openQueue(page, testInfo, `?state=all&account=${s.poster}`);

  const views = page.getByRole('navigation', { name: 'Queue view' });
  await expect(views.getByRole('link', { name: 'By report' })).toHaveAttribute('aria-current', 'page');
  await views.getByRole('link', { name: 'Grouped by status' }).click();
  await expect(page).toHaveURL(/view=grouped/);
  await expect(page).toHaveURL(/state=all/);
  await expect(page).toHaveURL(new RegExp(`account=${s.poster}`));
  await settle(page, testInfo);
  await expect(views.getByRole('link', { name: 'Grouped by status' })).toHaveAttribute('aria-current', 'page');

  // One row per reported status, each with both reports, newest first.
  const rows = page.getByRole('row').filter({ hasText: 'grouped' });
  await expect(rows).toHaveCount(2);
  for (const text of ['grouped first status', 'grouped second status']) {
    const row = rows.filter({ hasText: text });
    await expect(row).toContainText('2 reports · 2 open');
    const links = row.getByRole('link', { name: /^Report #/ });
    await expect(links).toHaveCount(2);
    await expect(links.nth(0)).toHaveText(`Report #${newer}`);
    await expect(links.nth(1)).toHaveText(`Report #${older}`);
  }
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await screenshots(page, testInfo, 'reports-grouped', viewport.label);
  }
  await page.setViewportSize(VIEWPORTS[0]);

  // The tabs keep the view; a group shows while one of its reports is in the tab's state.
  await page.getByRole('navigation', { name: 'Report states' }).getByRole('link', { name: /Closed/ }).click();
  await expect(page).toHaveURL(/state=closed/);
  await expect(page).toHaveURL(/view=grouped/);
  await expect(page.getByRole('heading', { name: 'No reported statuses' })).toBeVisible();

  // A report link opens the report; "By report" goes back to the rows of reports.
  await openQueue(page, testInfo, `?view=grouped&account=${s.poster}`);
  await rows.first().getByRole('link', { name: `Report #${older}` }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/reports/${older}$`));
  await openQueue(page, testInfo, `?view=grouped&account=${s.poster}`);
  await page.getByRole('navigation', { name: 'Queue view' }).getByRole('link', { name: 'By report' }).click();
  await expect(page).not.toHaveURL(/view=grouped/);
  await expect(page.getByRole('checkbox', { name: `Select the report about @${s.poster}` })).toHaveCount(2);
});

test('account filters suggest accounts while typing', async ({ page, request }, testInfo) => {
  test.skip(!isHydrated(testInfo), 'suggestions need JavaScript; the plain text filter is below');
  const s = await scene(request, testInfo, ['a status for the autocomplete']);
  await fileReport(request, s, 'autocomplete report');
  await login(page, testInfo, MODERATOR);
  await openQueue(page, testInfo);

  // A part of the nickname is enough; picking a suggestion applies the filter.
  const field = page.getByRole('combobox', { name: 'Reported account' });
  await field.fill(s.poster.slice(4));
  const option = page.getByRole('option', { name: new RegExp(`^@${s.poster}\\b`) });
  await expect(option).toBeVisible();
  await expect(field).toHaveAttribute('aria-expanded', 'true');
  await screenshots(page, testInfo, 'reports-autocomplete', 'desktop');
  await option.click();
  await expect(page).toHaveURL(new RegExp(`account=${s.poster}`));
  await expect(page.getByRole('combobox', { name: 'Reported account' })).toHaveValue(s.poster);
  await expect(page.getByRole('row').filter({ hasText: 'autocomplete report' })).toBeVisible();

  // The keyboard works too: Down to the suggestion, Enter to pick it; Escape closes the list.
  await settle(page, testInfo);
  const reporter = page.getByRole('combobox', { name: 'Reporter' });
  await reporter.fill('no-such-account-anywhere');
  await page.waitForTimeout(600);
  await expect(page.getByRole('listbox', { name: 'Suggested reporters' })).toBeHidden();
  await reporter.fill(s.poster.slice(4));
  await expect(page.getByRole('option', { name: new RegExp(`^@${s.poster}\\b`) })).toBeVisible();
  await reporter.press('Escape');
  await expect(page.getByRole('listbox', { name: 'Suggested reporters' })).toBeHidden();
  await reporter.press('ArrowDown');
  await expect(reporter).toHaveAttribute('aria-activedescendant', /option-0$/);
  await reporter.press('Enter');
  // The poster filed no reports, so the reporter filter leaves nothing.
  await expect(page).toHaveURL(new RegExp(`actor=${s.poster}`));
  await expect(page).toHaveURL(new RegExp(`account=${s.poster}`));
  await expect(page.getByRole('heading', { name: 'No reports' })).toBeVisible();
});

test('account filters as plain text fields', async ({ page, request }, testInfo) => {
  test.skip(isHydrated(testInfo), 'hydrated, the fields suggest accounts (above)');
  const s = await scene(request, testInfo, ['a status for the plain filter']);
  await fileReport(request, s, 'plain filter report');
  await login(page, testInfo, MODERATOR);
  await openQueue(page, testInfo);
  const form = page.getByRole('form', { name: 'Filter reports' });
  await form.getByRole('textbox', { name: 'Reported account' }).fill(s.poster);
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(new RegExp(`account=${s.poster}`));
  await expect(page.getByRole('row').filter({ hasText: 'plain filter report' })).toBeVisible();
  // A name that matches no account says so.
  await page.getByRole('form', { name: 'Filter reports' }).getByRole('textbox', { name: 'Reporter' }).fill('nobody-here-at-all');
  await page.getByRole('form', { name: 'Filter reports' }).getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('heading', { name: 'No such account' })).toBeVisible();
});
