// Every page at a phone's width (390 × 844) and a desktop's (1400 × 900), as each role sees
// it: a full-page screenshot, no sideways overflow (the page no wider than the window, no
// visible element past its right edge except inside something that scrolls or clips, such as
// .table-wrap), and axe-core with no serious or critical violation. Every problem of every
// page is collected and listed at the end, so one run shows them all.
//
// Usage: node layout.mjs BASE_URL EDITOR_USER EDITOR_PASSWORD ADMIN_USER ADMIN_PASSWORD
//                        UNIT_TOKEN PAGES_JSON
// PAGES_JSON names the paths each role opens, e.g.
//   {"public":["/login"],"editor":["/queue","/queue/ID"],"admin":["/webhooks"],
//    "unit":["/upload","/report"]}
// public pages are opened signed out; editor and admin sign in through /login; a unit page is
// checked twice, before and after the token is entered in its #token-form, each in a fresh
// browser context.
// Screenshots go to $VOCWEEK_SCREENSHOTS (made if missing) or to a new temporary directory;
// the directory is printed at the end.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fail, launch } from './launch.mjs';

const [base, editorUser, editorPassword, adminUser, adminPassword, unitToken, pagesJson] =
  process.argv.slice(2);
const pages = JSON.parse(pagesJson || '{}');

const WIDTHS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1400, height: 900 },
];
// How long the network must stay quiet for a page to count as loaded, and the longest wait:
// the pages are rendered on the server and measured after `load`, so this only lets late
// thumbnails and scripts finish; a request that never ends (seen on some pages under a busy
// CI run) must not cost every page of the walk the whole limit.
const QUIET_MS = 500;
const SETTLE_LIMIT_MS = 3000;
const BLOCKING_IMPACTS = new Set(['serious', 'critical']);
// Enough of an offender's or a violation's list to find the cause; the count says the rest.
const SHOWN = 10;

const require = createRequire(import.meta.url);
// Run in the page through the DevTools protocol (page.evaluate), which the pages'
// Content-Security-Policy does not govern; `;true` keeps the answer small.
const axeSource = `${readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')};true`;

const shots = process.env.VOCWEEK_SCREENSHOTS || mkdtempSync(join(tmpdir(), 'vocweek-layout-'));
mkdirSync(shots, { recursive: true });

const failures = [];
let checked = 0;

// Requests in flight per page, to wait for quiet after a navigation or a sign-in.
const inFlight = new WeakMap();
const track = (page) => {
  inFlight.set(page, 0);
  const add = (n) => inFlight.set(page, Math.max(0, inFlight.get(page) + n));
  page.on('request', () => add(1));
  page.on('requestfinished', () => add(-1));
  page.on('requestfailed', () => add(-1));
  return page;
};

const settle = async (page) => {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    if (inFlight.get(page) > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= QUIET_MS) break;
    await page.waitForTimeout(50);
  }
  await page.evaluate(() => document.fonts.ready.then(() => true));
};

// In the page: the document's widths and the outermost visible elements that reach past the
// right edge. Below an element that scrolls or clips sideways nothing can widen the page, so
// its content is not looked at (the element itself is).
const measureOverflow = (shown) => {
  const root = document.documentElement;
  const edge = root.clientWidth;
  const offenders = [];
  let count = 0;
  const contains = (style) => ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
  const describe = (element, box) => {
    const className = typeof element.className === 'string'
      ? element.className : element.getAttribute('class') || '';
    const text = (element.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
    return `<${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}`
      + `${className ? ` class="${className}"` : ''}> "${text}" left ${Math.round(box.left)}`
      + ` right ${Math.round(box.right)} width ${Math.round(box.width)}`;
  };
  const walk = (parent, insideOffender) => {
    for (const element of parent.children) {
      const style = getComputedStyle(element);
      if (style.display === 'none') continue;
      const box = element.getBoundingClientRect();
      const right = box.right + window.scrollX;
      const visible = style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
      const offends = visible && right > edge + 0.5;
      if (offends && !insideOffender) {
        count += 1;
        if (offenders.length < shown) offenders.push(describe(element, box));
      }
      if (!contains(style)) walk(element, insideOffender || offends);
    }
  };
  walk(document.body, false);
  return {
    scrollWidth: root.scrollWidth, clientWidth: edge, innerWidth: window.innerWidth, count, offenders,
  };
};

const checkPage = async (page, label, file) => {
  checked += 1;
  const problems = [];
  await page.screenshot({ path: join(shots, file), fullPage: true });

  const overflow = await page.evaluate(measureOverflow, SHOWN);
  if (overflow.scrollWidth > overflow.clientWidth) {
    problems.push(`the page is ${overflow.scrollWidth} px wide in a window of `
      + `${overflow.clientWidth} px (innerWidth ${overflow.innerWidth})`);
  }
  if (overflow.count) {
    problems.push(`${overflow.count} element(s) reach past the right edge `
      + `(${overflow.clientWidth} px):\n      ${overflow.offenders.join('\n      ')}`);
  }

  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  for (const violation of results.violations) {
    if (!BLOCKING_IMPACTS.has(violation.impact)) continue;
    const targets = violation.nodes.slice(0, SHOWN).map((node) => node.target.join(' '));
    const more = violation.nodes.length > SHOWN ? ` (+${violation.nodes.length - SHOWN} more)` : '';
    problems.push(`axe ${violation.impact} ${violation.id}: ${violation.help}${more}\n      `
      + targets.join('\n      '));
  }

  if (problems.length) failures.push(`${label} [${file}]\n    ${problems.join('\n    ')}`);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${label}`);
};

// A file name for a path: /queue?state=failed at 390 → editor-queue-state-failed-390.png
const fileFor = (role, path, width, suffix = '') => {
  const slug = path.replace(/^\/+/, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '') || 'home';
  return `${role}-${slug}${suffix}-${width}.png`;
};

// Opens each path at each width in `page`, already signed in as `role` (or signed out).
const walkPages = async (page, role, paths) => {
  for (const size of WIDTHS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    for (const path of paths) {
      const label = `${role} ${path} @${size.width}`;
      const started = Date.now();
      try {
        const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
        await settle(page);
        const landed = new URL(page.url());
        if (landed.pathname === '/login' && !path.startsWith('/login')) {
          failures.push(`${label}: sent to the login page (status ${response && response.status()})`);
          continue;
        }
        await checkPage(page, `${label} (${Date.now() - started} ms to load)`,
          fileFor(role, path, size.width));
      } catch (error) {
        failures.push(`${label}: ${error.message}`);
      }
    }
  }
};

const signIn = async (page, role, username, password) => {
  await page.goto(`${base}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', password);
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login'),
    page.click('button[type="submit"]'),
  ]);
};

const staffRole = async (browser, role, username, password, paths) => {
  if (!paths || !paths.length) return;
  const context = await browser.newContext({ viewport: { width: WIDTHS[0].width, height: WIDTHS[0].height } });
  try {
    const page = track(await context.newPage());
    if (role !== 'public') {
      try {
        await signIn(page, role, username, password);
      } catch (error) {
        failures.push(`${role}: could not sign in as ${username}: ${error.message}`);
        return;
      }
    }
    await walkPages(page, role, paths);
  } finally {
    await context.close();
  }
};

// A unit page in a fresh browser (its token lives in the browser's localStorage, so a tab of
// the same browser would be signed in already): signed out, then signed in with the token.
const unitPages = async (browser, paths) => {
  if (!paths || !paths.length) return;
  for (const size of WIDTHS) {
    for (const path of paths) {
      const label = `unit ${path} @${size.width}`;
      const context = await browser.newContext();
      try {
        const page = track(await context.newPage());
        try {
          await page.setViewportSize({ width: size.width, height: size.height });
          await page.goto(`${base}${path}`, { waitUntil: 'load' });
          await settle(page);
          await checkPage(page, `${label} (signed out)`, fileFor('unit', path, size.width, '-signed-out'));
          await page.fill('#token', unitToken);
          await page.click('#token-form button');
          await page.waitForSelector('#signin', { state: 'hidden', timeout: 15000 });
          await settle(page);
          await checkPage(page, `${label} (signed in)`, fileFor('unit', path, size.width, '-signed-in'));
        } catch (error) {
          failures.push(`${label}: ${error.message}`);
        } finally {
          await page.close();
        }
      } finally {
        await context.close();
      }
    }
  }
};

const browser = await launch();
try {
  await staffRole(browser, 'public', '', '', pages.public);
  await staffRole(browser, 'editor', editorUser, editorPassword, pages.editor);
  await staffRole(browser, 'admin', adminUser, adminPassword, pages.admin);
  await unitPages(browser, pages.unit);
  console.log(`screenshots: ${shots}`);
  if (!checked) fail('no page was checked: PAGES_JSON named none');
  if (failures.length) {
    fail(`${failures.length} problem(s) in ${checked} page views:\n${failures.join('\n')}`);
  }
  console.log(`layout test passed: ${checked} page views`);
} finally {
  await browser.close();
}
