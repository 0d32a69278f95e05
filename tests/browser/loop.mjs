// The whole loop in headless Chromium, as the people do it: a unit sends a photo on 素材报送;
// an editor returns it with a note on the item page; the unit reads the notice on 我的报送 and
// replaces the file (更换文件); the editor approves the new file, recommends it, puts it in a
// new batch on 推荐批次 and marks the batch sent; the item's 历史记录 then tells all of it in
// Chinese. Prints {"asset": ID, "batch": ID} last, for the Rust test to check the trail, the
// batch and the liaison's email.
// Usage: node loop.mjs BASE_URL USERNAME PASSWORD UNIT_TOKEN FIRST_PHOTO SECOND_PHOTO TITLE NOTE
//        BATCH_TITLE
import { fail, launch } from './launch.mjs';

const [base, username, password, token, firstPhoto, secondPhoto, title, note, batchTitle] =
  process.argv.slice(2);
// Three Latin words in a row: an English sentence on a page people read in Chinese.
const SENTENCE = /[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}/;
// Processing a photo in the sandboxed media child can take seconds on a busy machine.
const PROCESSING_SECONDS = 120;

// Opens `url` again and again until `ready()` says yes (each look may wait a little itself; a
// look that throws, e.g. a selector not there yet, is a no).
const reloadUntil = async (page, url, ready, what, seconds = PROCESSING_SECONDS) => {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    await page.goto(url);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) fail(`${what} within ${seconds} s: ${url}`);
    await page.waitForTimeout(1000);
  }
};

// Whether `fn(arg)` turns true in the page within `ms`.
const soon = (page, fn, arg, ms = 5000) => page.waitForFunction(fn, arg, { timeout: ms })
  .then(() => true, () => false);

const noEnglish = async (page, what) => {
  const text = await page.evaluate(() => document.body.innerText);
  const found = text.match(SENTENCE);
  if (found) fail(`${what} shows English: "${found[0]}" in\n${text}`);
  return text;
};

const browser = await launch();
try {
  // Two people, two browsers' worth of state: the unit's token in one, the editor's cookie in
  // the other.
  const unit = await (await browser.newContext()).newPage();
  const editor = await (await browser.newContext()).newPage();
  const itemState = () => editor.textContent('#state');

  // 1. The unit signs in with its token and sends the photo, declaring the portrait consent.
  await unit.goto(`${base}/upload`);
  await unit.fill('#token', token);
  await unit.click('#token-form button');
  await unit.waitForSelector('#uploader', { state: 'visible' });
  await unit.waitForSelector('#category option[value="national_event"]', { state: 'attached' });
  await unit.selectOption('#category', 'national_event');
  await unit.fill('#title', title);
  await unit.fill('#credit', '张三（摄影）');
  await unit.check('#portrait_consent');
  await unit.setInputFiles('#files', firstPhoto);
  await unit.click('#start');
  await unit.waitForSelector('li.transfer.done', { timeout: 60000 });
  const asset = await unit.getAttribute('li.transfer.done', 'data-asset');
  if (!asset) fail('the finished transfer should name its asset');
  // 今日报送 refreshes itself every 5 s: the photo shows there once processed.
  await unit.waitForFunction(
    (id) => {
      const row = document.querySelector(`#today tbody tr[data-id="${id}"]`);
      return row && row.textContent.includes('待审核');
    },
    asset, { timeout: PROCESSING_SECONDS * 1000 },
  );

  // 2. The editor returns it with a note, on the item page.
  await editor.goto(`${base}/login`);
  await editor.fill('input[name="username"]', username);
  await editor.fill('input[name="password"]', password);
  await Promise.all([editor.waitForURL(/\/queue$/), editor.click('button[type="submit"]')]);
  const itemPage = `${base}/queue/${asset}`;
  await editor.goto(itemPage);
  if (!(await itemState()).includes('待审核')) fail(`the item should be in review: ${await itemState()}`);
  await editor.fill('#note-return', note);
  await Promise.all([
    editor.waitForURL(/\/queue$/),
    editor.click('form.decision button[data-action="return"]'),
  ]);
  await editor.goto(itemPage);
  if (!(await itemState()).includes('已退回')) fail(`the item should be returned: ${await itemState()}`);

  // 3. The unit finds the notice and the returned item on 我的报送, and replaces the file.
  const card = `#items .card[data-id="${asset}"]`;
  const returnNotice = '#notice-list .notice-item[data-kind="item-returned"]';
  await reloadUntil(unit, `${base}/my`, async () => {
    await unit.waitForSelector(card, { timeout: 15000 });
    return soon(unit, (selector) => document.querySelector(selector) !== null, returnNotice);
  }, 'the return notice did not show on 我的报送', 60);
  const notice = await unit.textContent(returnNotice);
  for (const word of ['退回修改', title, note]) {
    if (!notice.includes(word)) fail(`the notice should say ${word}: ${notice}`);
  }
  if ((await unit.getAttribute(card, 'data-state')) !== 'returned') fail('the card should be returned');
  const returnedCard = await unit.textContent(card);
  for (const word of ['已退回', note]) {
    if (!returnedCard.includes(word)) fail(`the returned card should show ${word}: ${returnedCard}`);
  }
  await noEnglish(unit, '我的报送');
  await unit.click(`${card} button.edit`);
  const replacement = `${card} form.replacement`;
  await unit.waitForSelector(replacement);
  await unit.setInputFiles(`${replacement} input[name="file"]`, secondPhoto);
  await unit.click(`${replacement} button[type="submit"]`);
  await unit.waitForFunction(
    (selector) => {
      const outcome = document.querySelector(`${selector} .outcome`);
      return outcome && outcome.textContent.includes('文件已更换');
    },
    card, { timeout: 60000 },
  ).catch(async () => {
    const error = await unit.textContent(`${replacement} .error`).catch(() => '');
    fail(`the file should be replaced: ${error}`);
  });
  await reloadUntil(unit, `${base}/my`, async () => {
    await unit.waitForSelector(card, { timeout: 15000 });
    return (await unit.getAttribute(card, 'data-state')) === 'pending_review';
  }, 'the new file was not processed');

  // 4. The editor sees the replaced file, approves it, then recommends it: the unit declared
  // the portrait consent, so 推荐 asks for no confirmation.
  await reloadUntil(editor, itemPage, async () => (await itemState()).includes('待审核'),
    'the item did not come back to review');
  if ((await editor.locator('#versions').count()) !== 1) fail('the item page should list its file versions');
  await Promise.all([
    editor.waitForURL(/\/queue$/),
    editor.click('form.decision button[data-action="approve"]'),
  ]);
  await editor.goto(itemPage);
  if (!(await itemState()).includes('已通过')) fail(`the item should be approved: ${await itemState()}`);
  if ((await editor.locator('#confirm-consent').count()) !== 0) {
    fail('推荐 should not ask to confirm a consent the unit declared');
  }
  await Promise.all([
    editor.waitForURL(/\/queue$/),
    editor.click('form.decision button[data-action="recommend"]'),
  ]);
  await editor.goto(itemPage);
  if (!(await itemState()).includes('已推荐')) fail(`the item should be recommended: ${await itemState()}`);

  // 5. A new batch with the item, marked sent to the Ministry.
  await editor.goto(`${base}/batches`);
  await editor.fill('form[action="/batches"] input[name="title"]', batchTitle);
  await editor.fill('form[action="/batches"] input[name="note"]', '活动周第一批');
  await Promise.all([
    editor.waitForURL(/\/batches\/\d+$/),
    editor.click('form[action="/batches"] button'),
  ]);
  const batch = Number(editor.url().match(/\/batches\/(\d+)$/)[1]);
  const candidate = editor.locator(`input[name="add"][value="${asset}"]`);
  if ((await candidate.count()) !== 1) fail('the recommended item should be offered for the batch');
  await candidate.check();
  await editor.click('form[action$="/items"] button');
  await editor.waitForSelector(`input[name="ids"][value="${asset}"]`, { state: 'attached' });
  if ((await editor.locator('input[name="add"]').count()) !== 0) fail('nothing else to add');
  await editor.click('form[action$="/send"] button');
  // The post goes back to the same address: a locator waits across the navigation.
  await editor.locator('p.notice', { hasText: '已于' }).waitFor({ timeout: 15000 }).catch(async () => {
    fail(`the batch should say it was sent:\n${await editor.evaluate(() => document.body.innerText)}`);
  });
  if ((await editor.locator('form[action$="/send"]').count()) !== 0) fail('a sent batch is not sent again');
  await noEnglish(editor, 'the sent batch');
  await editor.goto(`${base}/batches`);
  const row = await editor.textContent(`tr:has(a[href="/batches/${batch}"])`);
  if (!row.includes('已报送')) fail(`the batch list should say 已报送: ${row}`);

  // 6. The item's history, in order and in Chinese.
  await editor.goto(itemPage);
  const page = await noEnglish(editor, 'the item page');
  for (const word of [title, note, '原文件']) {
    if (!page.includes(word)) fail(`the item page should show ${word}`);
  }
  const actions = await editor.$$eval(
    '.table-wrap[aria-label="历史记录"] td:nth-child(2)',
    (cells) => cells.map((cell) => cell.textContent.trim()),
  );
  if (actions.some((action) => /[A-Za-z]/.test(action))) fail(`an action in English: ${actions}`);
  let previous = -1;
  for (const action of ['上传', '退回修改', '更换了文件', '审核通过', '推荐', '报送教育部']) {
    const at = actions.indexOf(action, previous + 1);
    if (at < 0) fail(`the history should list ${action} after ${actions[previous]}: ${actions}`);
    previous = at;
  }
  if (process.env.SCREENSHOT) await editor.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log(JSON.stringify({ asset, batch }));
} finally {
  await browser.close();
}
