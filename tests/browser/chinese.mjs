// No English sentence on the pages people read: an editor walks the queue of failed items, a
// failed item's page and a returned item's page with their histories; the unit's upload page
// lists both items with their reasons. Any run of three Latin words fails the test.
// Usage: node chinese.mjs BASE_URL USERNAME PASSWORD UNIT_TOKEN FAILED_ID RETURNED_ID
import { fail, launch } from './launch.mjs';

const [base, username, password, token, failedId, returnedId] = process.argv.slice(2);
// Three Latin words in a row ("the JPEG file", "sent to ministry"); file names, codes such as
// MP4 or H.264 and single words may stay.
const SENTENCE = /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/;

const browser = await launch();
try {
  const page = await browser.newPage();
  const checkPage = async (what) => {
    const text = await page.evaluate(() => document.body.innerText);
    const found = text.match(SENTENCE);
    if (found) fail(`${what} shows English: "${found[0]}" in\n${text}`);
    return text;
  };

  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(/\/queue$/), page.click('button[type="submit"]')]);
  await checkPage('the queue');
  await page.goto(`${base}/queue?state=failed`);
  const failedList = await checkPage('the failed items');
  if (!failedList.includes('图片文件不完整')) fail(`the failed card should say why:\n${failedList}`);

  await page.goto(`${base}/queue/${failedId}`);
  const failedPage = await checkPage('a failed item');
  if (!failedPage.includes('处理失败')) fail('the failed item should say it failed');
  const actions = async () => page.$$eval('h2 + .table-wrap td:nth-child(2)', (cells) => cells.map((c) => c.textContent));
  const failedActions = await actions();
  if (!failedActions.includes('上传')) fail(`the history should name its actions in Chinese: ${failedActions}`);
  if (failedActions.some((a) => /[A-Za-z]/.test(a))) fail(`an action in English: ${failedActions}`);

  await page.goto(`${base}/queue/${returnedId}`);
  const returnedPage = await checkPage('a returned item');
  for (const word of ['退回修改', '请补充活动说明']) {
    if (!returnedPage.includes(word)) fail(`the returned item's page should show ${word}`);
  }
  const returnedActions = await actions();
  for (const action of ['上传', '处理完成', '退回修改']) {
    if (!returnedActions.includes(action)) fail(`the history should list ${action}: ${returnedActions}`);
  }
  if (returnedActions.some((a) => /[A-Za-z]/.test(a))) fail(`an action in English: ${returnedActions}`);

  const unit = await browser.newPage();
  await unit.goto(`${base}/upload`);
  await unit.fill('#token', token);
  await unit.click('#token-form button');
  await unit.waitForSelector('#uploader', { state: 'visible' });
  await unit.waitForFunction(
    () => document.querySelector('#today tbody').textContent.includes('图片文件不完整'),
    null, { timeout: 15000 });
  const text = await unit.evaluate(() => document.body.innerText);
  const found = text.match(SENTENCE);
  if (found) fail(`the upload page shows English: "${found[0]}" in\n${text}`);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log('browser test passed');
} finally {
  await browser.close();
}
