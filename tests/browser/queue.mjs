// The review queue in headless Chromium (Debian's, driven by playwright-core): sign in, open an
// item with the keyboard and go on to the next with n, filter, approve with the keyboard and see
// the item leave the queue, then find it among the approved.
// Usage: node queue.mjs BASE_URL USERNAME PASSWORD TITLE_TO_APPROVE
import { fail, launch } from './launch.mjs';

const [base, username, password, title] = process.argv.slice(2);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${base}/queue`);
  if (!page.url().includes('/login')) fail(`not sent to the login page: ${page.url()}`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(/\/queue$/), page.click('button[type="submit"]')]);
  if ((await page.locator('.card').count()) !== 2) fail('expected the two items in review');

  // Enter opens the focused card in this queue (?back=…); n goes on to the queue's next item,
  // which, the last of the two, has none.
  await page.keyboard.press('j');
  await Promise.all([page.waitForURL(/\/queue\/[^/?]+\?back=/), page.keyboard.press('Enter')]);
  const opened = page.url();
  if ((await page.locator('a[rel="next"]').count()) !== 1) fail('the first item should link to the next');
  await Promise.all([
    page.waitForURL((url) => url.href !== opened && url.search.startsWith('?back=')),
    page.keyboard.press('n'),
  ]);
  if ((await page.locator('a[rel="next"]').count()) !== 0) fail('the last item has no next one');
  await page.goto(`${base}/queue`);

  await page.fill('input[name="q"]', title);
  await Promise.all([page.waitForURL(/q=/), page.click('form.filters button')]);
  if ((await page.locator('.card').count()) !== 1) fail('the title filter should leave one item');

  await page.keyboard.press('j');
  await page.keyboard.press('a');
  await page.waitForSelector('.card', { state: 'detached', timeout: 10000 });
  const status = await page.textContent('#status');
  if (!status.includes('已通过')) fail(`status line: ${status}`);

  await page.goto(`${base}/queue?state=pending_review`);
  if ((await page.locator('.card').count()) !== 1) fail('one item should be left in review');
  await page.goto(`${base}/queue?state=approved`);
  const approved = page.locator('.card');
  if ((await approved.count()) !== 1) fail('the approved item should be listed as approved');
  if (!(await approved.first().textContent()).includes(title)) fail('the wrong item was approved');

  await approved.first().locator('a').first().click();
  await page.waitForSelector('#state');
  if (!(await page.textContent('#state')).includes('已通过')) fail('the item page should say 已通过');
  await page.keyboard.press('?');
  if (!(await page.isVisible('#help'))) fail('? should show the shortcuts');
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log('browser test passed');
} finally {
  await browser.close();
}
