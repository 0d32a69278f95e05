// A recommendation batch composed and exported in headless Chromium: sign in, recommend an approved
// item with the keyboard on its page, create a batch, add the item, export, and save the zip the
// browser downloaded where the Rust test reads its xlsx back.
// Usage: node batch.mjs BASE_URL USERNAME PASSWORD ITEM_ID BATCH_TITLE ZIP_PATH
import { fail, launch } from './launch.mjs';

const [base, username, password, itemId, batchTitle, zipPath] = process.argv.slice(2);

const browser = await launch();
try {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(/\/queue$/), page.click('button[type="submit"]')]);

  await page.goto(`${base}/queue/${itemId}`);
  await page.waitForSelector('#state');
  // The key presses the page's 推荐 button: a form post that goes on to the queue.
  await Promise.all([page.waitForURL(/\/queue$/), page.keyboard.press('s')]);
  await page.goto(`${base}/queue/${itemId}`);
  if (!(await page.textContent('#state')).includes('已推荐')) fail('s should recommend the item');

  await page.goto(`${base}/batches`);
  await page.fill('input[name="title"]', batchTitle);
  await Promise.all([page.waitForURL(/\/batches\/\d+$/), page.click('form[action="/batches"] button')]);
  const candidate = page.locator(`input[name="add"][value="${itemId}"]`);
  if ((await candidate.count()) !== 1) fail('the recommended item should be offered for the batch');
  await candidate.check();
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/items"] button')]);
  if ((await page.locator(`input[name="ids"][value="${itemId}"]`).count()) !== 1) {
    fail('the item should be in the batch after saving');
  }

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a[href$="/export"]'),
  ]);
  if (!download.suggestedFilename().endsWith('.zip')) {
    fail(`the export should download a zip, not ${download.suggestedFilename()}`);
  }
  await download.saveAs(zipPath);
  console.log('browser test passed');
} finally {
  await browser.close();
}
