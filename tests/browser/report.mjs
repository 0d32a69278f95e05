// The units' reporting page in headless Chromium: sign in with the unit's token, send the plan,
// register the website and liaison (a wrong phone number is shown next to its field), save an
// incomplete statistics table as a draft, see the final submission refused with the problems
// in Chinese, complete it and submit.
// Usage: node report.mjs BASE_URL TOKEN PLAN_PATH
import { fail, launch } from './launch.mjs';

const [base, token, plan] = process.argv.slice(2);

const browser = await launch();
try {
  const page = await browser.newPage();
  await page.goto(`${base}/report`);
  await page.fill('#token', token);
  await page.click('#token-form button');
  await page.waitForSelector('#report', { state: 'visible' });
  if (!(await page.textContent('#deadlines')).includes('2021-06-02')) fail('the deadlines are shown');
  if (await page.isHidden('#after-week')) fail('a college reports the statistics table');

  await page.setInputFiles('#plan-form input[type=file]', plan);
  await page.click('#plan-form button');
  await page.waitForFunction(() => document.querySelector('#plan-status').dataset.status === 'on_time');
  if (!(await page.textContent('#plan-current')).includes('活动周方案.html')) fail('the plan is listed');

  await page.fill('#registration-form input[name=website_url]', 'https://www.sdwfvc.cn/zjz');
  await page.fill('#registration-form input[name=name]', '李老师');
  await page.fill('#registration-form input[name=mobile]', '0536-1234567');
  await page.fill('#registration-form input[name=email]', 'li@sdwfvc.cn');
  await page.click('#registration-form button');
  await page.waitForSelector('[data-for="registration"] li[data-field="liaison.mobile"]');
  if (!(await page.textContent('[data-for="registration"]')).includes('手机号码')) {
    fail('the phone problem is said in Chinese');
  }
  await page.fill('#registration-form input[name=mobile]', '138 1234 5678');
  await page.click('#registration-form button');
  await page.waitForFunction(() => document.querySelector('#liaison-status').dataset.status === 'on_time');
  if ((await page.inputValue('#registration-form input[name=mobile]')) !== '13812345678') {
    fail('the stored number comes back normalised');
  }

  await page.fill('#statistics-form input[name=teachers]', '120');
  await page.fill('#statistics-form input[name=students]', '3400');
  await page.click('#statistics-form button[value=draft]');
  await page.waitForFunction(() => document.querySelector('#statistics-status').dataset.status === 'draft');

  await page.click('#statistics-form button[value=submit]');
  await page.waitForSelector('[data-problem="participants"]:not(:empty)');
  const problem = await page.textContent('[data-problem="schools"]');
  if (!problem.includes('请填写')) fail(`a missing column is said in Chinese: ${problem}`);

  const values = {
    schools: '1', student_coverage_percent: '85.5', enterprises: '12', participants: '4000',
    experience_items: '36',
  };
  for (const [name, value] of Object.entries(values)) {
    await page.fill(`#statistics-form input[name=${name}]`, value);
  }
  await page.fill('#statistics-form textarea[name=activity_forms]', '开放校园、技能展示');
  await page.fill('#statistics-form textarea[name=media_coverage]', '大众网报道3篇');
  await page.click('#statistics-form button[value=submit]');
  await page.waitForFunction(() => document.querySelector('#statistics-status').dataset.status === 'on_time');
  if (!(await page.textContent('#statistics-status')).includes('已按时报送')) fail('the badge says it');
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  console.log('ok');
} finally {
  await browser.close();
}
