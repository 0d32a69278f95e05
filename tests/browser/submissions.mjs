// 我的报送 in headless Chromium: the token entered on the upload page opens /my in the same tab;
// the unit finds its returned and rejected items with the editors' words, its thumbnails and
// Beijing upload times, reads the two decisions among its notices (unread until 标为已读),
// filters to the returned one, is told in Chinese why an empty title is refused, corrects the
// item and sees it back in review. A new tab is signed in already and names the unit; 退出 in
// one tab signs the other out.
// Usage: node submissions.mjs BASE_URL TOKEN RETURNED_ID REJECTED_ID NOTE REASON NEW_TITLE
import { fail, launch } from './launch.mjs';

const [base, token, returnedId, rejectedId, note, reason, newTitle] = process.argv.slice(2);
// Three Latin words in a row: an English sentence on a page people read in Chinese.
const SENTENCE = /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/;
const card = (id) => `#items .card[data-id="${id}"]`;
const cardCount = () => document.querySelectorAll('#items .card').length;

// The upload time the page should show, computed here from the API's answer, in Beijing.
const uploadedAt = async (id) => {
  const response = await fetch(`${base}/api/v1/assets/${id}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const asset = await response.json();
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(new Date(asset.created_at));
};

const browser = await launch();
try {
  // One context for the test's tabs: they share localStorage, as tabs of a browser do.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${base}/upload`);
  await page.fill('#token', token);
  await page.click('#token-form button');
  await page.waitForSelector('#uploader', { state: 'visible' });
  await Promise.all([page.waitForURL(/\/my$/), page.click('#uploader a[href="/my"]')]);
  // No second sign-in: the tab's token is reused.
  await page.waitForSelector('#mine', { state: 'visible' });
  await page.waitForSelector(card(returnedId));
  await page.waitForSelector(card(rejectedId));

  // The notices above the list: the return and the rejection with the editor's words, both
  // unread; one marked read stays listed, no longer highlighted.
  await page.waitForSelector('#notices', { state: 'visible' });
  const notices = await page.textContent('#notice-list');
  for (const word of ['退回修改', '未采用', note, reason]) {
    if (!notices.includes(word)) fail(`the notices should show ${word}: ${notices}`);
  }
  const unread = () => document.querySelectorAll('#notice-list .notice-item.unread').length;
  if ((await page.evaluate(unread)) !== 2) fail('both notices start unread');
  if ((await page.textContent('#unread-count')) !== '2 条未读') fail('the heading counts 2 unread');
  await page.click('#notice-list .notice-item.unread button.mark-read');
  await page.waitForFunction(
    () => document.querySelectorAll('#notice-list .notice-item.unread').length === 1,
  );
  if ((await page.evaluate(() => document.querySelectorAll('#notice-list .notice-item').length)) !== 2) {
    fail('a notice marked read stays listed');
  }

  const returned = await page.textContent(card(returnedId));
  for (const word of ['已退回', note, await uploadedAt(returnedId)]) {
    if (!returned.includes(word)) fail(`the returned item should show ${word}: ${returned}`);
  }
  const rejected = await page.textContent(card(rejectedId));
  for (const word of ['未通过', reason]) {
    if (!rejected.includes(word)) fail(`the rejected item should show ${word}: ${rejected}`);
  }
  if (await page.isVisible(`${card(rejectedId)} button.edit`)) fail('a rejected item cannot be corrected');
  await page.waitForFunction((selector) => {
    const image = document.querySelector(`${selector} img`);
    return image && image.src.startsWith('blob:') && image.complete && image.naturalWidth > 0;
  }, card(returnedId));

  await page.selectOption('#filters select[name="state"]', { label: '已退回' });
  await page.waitForFunction((id) => {
    const cards = document.querySelectorAll('#items .card');
    return cards.length === 1 && cards[0].dataset.id === id;
  }, returnedId);
  await page.selectOption('#filters select[name="kind"]', { label: '视频' });
  await page.waitForFunction(() => document.querySelector('#list-status').textContent.includes('没有'));
  if ((await page.evaluate(cardCount)) !== 0) fail('no video was sent');
  await page.selectOption('#filters select[name="kind"]', { label: '照片' });
  await page.waitForSelector(card(returnedId));

  await page.click(`${card(returnedId)} button.edit`);
  const form = `${card(returnedId)} form.correction`;
  await page.waitForSelector(form);
  const title = await page.textContent(`${card(returnedId)} .title`);
  if ((await page.inputValue(`${form} input[name="title"]`)) !== title) fail('the form starts from the title');
  if (!(await page.inputValue(`${form} select[name="city"]`))) fail('the form starts from the city');

  // Spaces pass the browser's `required` but not the server: its refusal is shown in Chinese.
  await page.fill(`${form} input[name="title"]`, '   ');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForFunction((selector) => document.querySelector(selector).textContent.length > 0,
    `${form} .error`);
  const refusal = await page.textContent(`${form} .error`);
  if (!/[\u4e00-\u9fff]/.test(refusal) || SENTENCE.test(refusal)) fail(`the refusal should be Chinese: ${refusal}`);

  await page.fill(`${form} input[name="title"]`, newTitle);
  await page.fill(`${form} textarea[name="description"]`, '5月20日上午在实训中心举行，全校师生参加。');
  await page.click(`${form} button[type="submit"]`);
  await page.waitForSelector(`${card(returnedId)} .outcome:not(:empty)`);
  if ((await page.textContent(`${card(returnedId)} .title`)) !== newTitle) fail('the card shows the new title');
  if ((await page.textContent(`${card(returnedId)} .state`)) !== '待审核') fail('the corrected item is back in review');
  if (await page.isVisible(`${card(returnedId)} button.edit`)) fail('an item in review is not corrected again');
  if (await page.isVisible(form)) fail('the form closes once saved');

  const text = await page.evaluate(() => document.body.innerText);
  const english = text.match(SENTENCE);
  if (english) fail(`我的报送 shows English: "${english[0]}" in\n${text}`);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });

  // A new tab of the same browser asks for nothing (the token is kept in localStorage) and
  // names the unit; 退出 in one tab signs the other out too.
  const other = await context.newPage();
  await other.goto(`${base}/report`);
  await other.waitForSelector('#report', { state: 'visible' });
  const line = await other.textContent('#unit-line');
  if (!line.includes('已登录：') || !line.includes('单位令牌')) fail(`the new tab should name the unit: ${line}`);
  await page.click('#sign-out');
  await other.waitForSelector('#token-form', { state: 'visible', timeout: 10000 });
  if (await other.isVisible('#report')) fail('signing out in one tab signs the other out');
  console.log('ok');
} finally {
  await browser.close();
}
