// A live channel's 观看 page in headless Chromium while FFmpeg publishes to it: sign in, open
// the page before the stream has segments (it says so and waits), see hls.js start on its own
// once the channel is live, the picture move at the live edge, the 直播 badge and a viewer
// counted.
// Usage: node live.mjs BASE_URL USERNAME PASSWORD CHANNEL_ID
import { fail, launch } from './launch.mjs';

const [base, username, password, id] = process.argv.slice(2);

const browser = await launch();
try {
  const page = await browser.newPage();
  const failed = [];
  // The master playlist answers 404 until the channel is live: the page asks again.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/live/master.m3u8')) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${base}/login?next=/channels/${id}/watch`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([page.waitForURL(new RegExp(`/channels/${id}/watch$`)), page.click('button[type="submit"]')]);
  if ((await page.locator('video#live-video').count()) !== 1) fail('the 观看 page has no player');

  // The publish is started by the test as this script starts: playing within its first seconds.
  await page.waitForFunction(() => window.vocweekLive && window.vocweekLive.levels.length > 0, null, { timeout: 60000 });
  await page.evaluate(() => { const v = document.getElementById('live-video'); v.muted = true; return v.play().catch(() => {}); });
  await page.waitForFunction(() => document.getElementById('live-video').currentTime > 0.5, null, { timeout: 30000 });
  const first = await page.evaluate(() => document.getElementById('live-video').currentTime);
  await page.waitForTimeout(2500);
  const state = await page.evaluate(() => {
    const v = document.getElementById('live-video');
    const hls = window.vocweekLive;
    return {
      time: v.currentTime,
      width: v.videoWidth,
      height: v.videoHeight,
      levels: hls.levels.length,
      // Seconds behind the newest segment's end, as hls.js measures the live edge.
      latency: hls.latency,
      badge: !document.getElementById('live-badge').hidden,
    };
  });
  if (!(state.time > first + 1.0)) fail(`the picture does not move: ${first} then ${JSON.stringify(state)}`);
  if (state.width === 0 || state.height === 0) fail(`no picture: ${JSON.stringify(state)}`);
  if (state.levels < 2) fail(`hls.js should see the ladder: ${JSON.stringify(state)}`);
  if (!(state.latency < 15)) fail(`not at the live edge: ${JSON.stringify(state)}`);
  // The badge and the viewer count follow the JSON API, read every 10 s.
  await page.waitForFunction(() => !document.getElementById('live-badge').hidden
    && Number(document.getElementById('viewers').textContent) >= 1, null, { timeout: 15000 });
  if (failed.length) fail(`failed requests: ${failed.join(', ')}`);
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log('live test passed', JSON.stringify(state));
} finally {
  await browser.close();
}
