// Debian's Chromium, headless, as every browser test starts it (playwright-core drives it).
// Every page it opens is watched for Content Security Policy violations: a script, style or
// handler the pages' policy refuses is something broken for the editors, so any violation fails
// the test even when everything it checks passed.
import { chromium } from 'playwright-core';

export const fail = (message) => { throw new Error(message); };

// Chromium's own console lines ("Refused to apply inline style because it violates the
// following Content Security Policy directive…", "Unrecognized Content-Security-Policy
// directive…").
const MENTIONS_CSP = /content[- ]security[- ]policy/i;
const violations = [];

// Runs in each page before its scripts (playwright injects it outside the page's policy):
// reports the DOM's violation events on the console, where `watch` reads them.
const reportViolations = () => {
  document.addEventListener('securitypolicyviolation', (event) => {
    console.error(`Content Security Policy violation: ${event.violatedDirective} refused `
      + `${event.blockedURI || 'inline code'} (${event.sourceFile}:${event.lineNumber})`);
  });
};

const watched = new WeakSet();
const watch = (page) => {
  if (watched.has(page)) return;
  watched.add(page);
  page.on('console', (message) => {
    if (MENTIONS_CSP.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
};

// Checked as node exits rather than at browser.close(): a throw in a test's `finally` would
// hide the failure that got it there.
process.on('exit', () => {
  if (!violations.length) return;
  console.error(`Content Security Policy violations:\n${violations.join('\n')}`);
  process.exitCode = 1;
});

export const launch = async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Every page comes from a context (browser.newPage makes one too): watch them all there.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const context = await newContext(options);
    await context.addInitScript(reportViolations);
    context.on('page', watch);
    return context;
  };
  // In case a playwright version makes browser.newPage's context without newContext.
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => {
    const page = await newPage(options);
    if (!watched.has(page)) {
      await page.addInitScript(reportViolations);
      watch(page);
    }
    return page;
  };
  return browser;
};
