// The units' upload page in headless Chromium: sign in with the unit's token, tag and send a
// video through a network that cuts the line mid-transfer (the test's proxy), see the transfer
// resume and finish, see it in today's submissions; a refused file says why in Chinese.
// Usage: node upload.mjs BASE_URL TOKEN VIDEO_PATH FAKE_PATH
import { fail, launch } from './launch.mjs';

const [base, token, video, fake] = process.argv.slice(2);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${base}/upload`);
  await page.fill('#token', 'vwu_not-a-real-token');
  await page.click('#token-form button');
  await page.waitForFunction(() => document.querySelector('#token-error').textContent.length > 0);
  if (!(await page.textContent('#token-error')).includes('令牌')) fail('a wrong token should say so');

  await page.fill('#token', token);
  await page.click('#token-form button');
  await page.waitForSelector('#uploader', { state: 'visible' });
  await page.waitForSelector('#category option[value="national_event"]', { state: 'attached' });
  await page.selectOption('#category', 'national_event');
  await page.fill('#title', '技能大赛决赛回放');
  // A typo'd year is pointed out next to the field (not refused), and taken back when fixed.
  const today = await page.inputValue('#activity_date');
  await page.fill('#activity_date', '2019-01-01');
  await page.dispatchEvent('#activity_date', 'change');
  if (!(await page.textContent('#date-warning')).includes('请核对')) fail('a date years before the week should be pointed out');
  await page.fill('#activity_date', '2021-05-24'); // a day of the shipped campaign's week
  await page.dispatchEvent('#activity_date', 'change');
  if ((await page.textContent('#date-warning')) !== '') fail('a date in the week should clear the warning');
  await page.fill('#activity_date', today); // 今日报送 below lists today's uploads

  await page.setInputFiles('#files', video);
  await page.click('#start');
  await page.waitForSelector('li.transfer.done', { timeout: 60000 });
  // Retries the page saw: Chromium itself sometimes resends a request whose reused connection
  // was reset before any answer, and then tus-js-client never sees the cut. The test's proxy
  // (Rust side) is what proves the line was cut mid-transfer.
  const retries = Number(await page.getAttribute('li.transfer.done', 'data-retries') || 0);
  const asset = await page.getAttribute('li.transfer.done', 'data-asset');
  if (!asset) fail('the finished transfer should name its asset');
  await page.waitForFunction(
    () => document.querySelector('#today tbody').textContent.includes('技能大赛决赛回放'),
    null, { timeout: 15000 });

  await page.setInputFiles('#files', fake);
  await page.click('#start');
  await page.waitForSelector('li.transfer.failed', { timeout: 30000 });
  const refusal = await page.textContent('li.transfer.failed');
  // The reason comes from the server's catalog, in Chinese, with no English sentence.
  if (!/文件类型|不接受/.test(refusal)) fail(`the refusal should say why: ${refusal}`);
  if (/[A-Za-z]{3,} [A-Za-z]{3,} [A-Za-z]{3,}/.test(refusal)) fail(`the refusal should be Chinese: ${refusal}`);
  // A refused file must not look finished: its bar is emptied, not left full.
  const refusedBar = await page.$eval('li.transfer.failed progress', (bar) => bar.value);
  if (refusedBar !== 0) fail(`the refused file's bar should be empty, not ${refusedBar}`);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log(JSON.stringify({ asset, retries }));
} finally {
  await browser.close();
}
