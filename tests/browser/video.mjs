// A video item in headless Chromium: sign in, open the item's page, play the HLS stream
// through hls.js with its poster, see the picture move, and ask for a clip with the in- and
// out-points taken from the player.
// Usage: node video.mjs BASE_URL USERNAME PASSWORD ASSET_ID
import { fail, launch } from './launch.mjs';

const [base, username, password, id] = process.argv.slice(2);

const browser = await launch();
try {
  const page = await browser.newPage();
  const failed = [];
  page.on('response', (r) => { if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`); });
  await page.goto(`${base}/login?next=/queue/${id}`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(new RegExp(`/queue/${id}$`)), page.click('button[type="submit"]')]);

  const video = page.locator('video#player');
  if ((await video.count()) !== 1) fail('the item page has no player');
  const poster = await video.getAttribute('poster');
  if (!poster || !poster.endsWith('/renditions/poster')) fail(`poster: ${poster}`);
  await page.waitForFunction(() => window.Hls && window.vocweekPlayer, null, { timeout: 10000 });
  await page.evaluate(() => { const v = document.getElementById('player'); v.muted = true; return v.play(); });
  await page.waitForFunction(() => document.getElementById('player').currentTime > 1.0, null, { timeout: 20000 });
  const state = await page.evaluate(() => {
    const v = document.getElementById('player');
    return { width: v.videoWidth, height: v.videoHeight, levels: window.vocweekPlayer.levels.length };
  });
  if (state.width === 0 || state.height === 0) fail(`no picture: ${JSON.stringify(state)}`);
  if (state.levels < 2) fail(`hls.js should see the ladder: ${JSON.stringify(state)}`);
  // 剪辑片段: the in- and out-points from the player, then the clip asked for.
  await page.click('[data-clip-mark="clip-from"]');
  await page.waitForFunction(() => document.getElementById('player').currentTime > 2.6, null, { timeout: 20000 });
  await page.click('[data-clip-mark="clip-to"]');
  const from = Number(await page.inputValue('#clip-from'));
  const to = Number(await page.inputValue('#clip-to'));
  if (!(from >= 1.0 && to - from >= 1.0)) fail(`the points from the player: ${from}–${to}`);
  await Promise.all([page.waitForURL(/[?&]clip=/), page.click('#clip-submit')]);
  const queued = await page.locator('#clip-queued a').getAttribute('href');
  if (!/^\/queue\/[0-9a-f-]{36}$/.test(queued || '')) fail(`the clip's link: ${queued}`);
  if (failed.length) fail(`failed requests: ${failed.join(', ')}`);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log('video test passed', JSON.stringify(state));
} finally {
  await browser.close();
}
