// The units' reporting page: plan, website and liaison, the statistics table (drafts and the
// final submission) and the summary report, all through the JSON API as the unit (its token or
// a person's session: unit_session.js).
// Whatever the server sends is set as text, never as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const STATUS = { missing: '未报送', draft: '草稿（未提交）', on_time: '已按时报送', late: '已报送（逾期）' };
  // Refusals are told in Chinese by the server's message catalog when asked in Chinese.
  const CHINESE = { 'Accept-Language': 'zh-CN' };
  let report = null;

  const beijing = (iso) =>
    new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

  async function call(method, path, body) {
    const init = { method, headers: { ...CHINESE, ...unitSession.headers() } };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(
        (answer.error && answer.error.message) || `HTTP ${response.status}`,
      );
      error.status = response.status;
      error.problems = (answer.error && answer.error.details && answer.error.details.problems) || [];
      throw error;
    }
    return answer;
  }

  const base = () => `/api/v1/campaigns/current/units/me`;

  function say(text, isError) {
    $('status').textContent = text;
    $('status').className = isError ? 'error' : '';
  }

  function badge(element, status) {
    element.textContent = STATUS[status] || '';
    element.className = `badge ${status === 'on_time' ? 'ok' : status}`;
    element.dataset.status = status;
  }

  function showDocument(prefix, document) {
    if (!document) return;
    badge($(`${prefix}-status`), document.status);
    const line = $(`${prefix}-current`);
    line.textContent = document.current
      ? `当前版本：${document.current.filename}（${beijing(document.current.submitted_at)}，共 ${document.versions} 版），截止 ${document.due_on}`
      : `尚未上传，截止 ${document.due_on}`;
  }

  function render(answer) {
    report = answer;
    const c = answer.campaign;
    $('unit-line').textContent = `${unitSession.describe()} · ${c.name_zh}`;
    // Only what this unit owes, and to whom: technical colleges and city HR bureaus report to
    // the HR department and send no summary or statistics table.
    const recipient = answer.unit.desk === 'hr' ? '省人力资源社会保障厅' : '省教育厅职业教育处';
    const afterWeek = answer.reports_statistics
      ? `总结报告与统计表截止 ${c.report_due_on}；` : '本单位无需报送总结报告和统计表；';
    $('deadlines').textContent =
      `本单位材料报送至${recipient}。活动周 ${c.starts_on} 至 ${c.ends_on}。` +
      `方案、专题网站、联络员截止 ${c.plan_due_on}；${afterWeek}` +
      '北京时间截止日24时前为按时，逾期仍可提交，将标记为逾期。';
    showDocument('plan', answer.plan);
    const registration = answer.registration;
    badge($('website-status'), registration.website_status);
    badge($('liaison-status'), registration.liaison_status);
    const form = $('registration-form');
    form.website_url.value = registration.website_url || '';
    if (registration.liaison) {
      form.name.value = registration.liaison.name;
      form.mobile.value = registration.liaison.mobile;
      form.email.value = registration.liaison.email;
    }
    $('after-week').hidden = !answer.reports_statistics;
    if (answer.statistics) {
      badge($('statistics-status'), answer.statistics.status);
      const figures = answer.statistics.figures;
      const statistics = $('statistics-form');
      for (const [name, value] of Object.entries(figures)) {
        if (statistics.elements[name]) statistics.elements[name].value = value === null ? '' : value;
      }
    }
    showDocument('summary', answer.summary_report);
  }

  function showProblems(list, problems) {
    document.querySelectorAll('[data-problem]').forEach((e) => { e.textContent = ''; });
    list.replaceChildren();
    for (const problem of problems) {
      const slot = document.querySelector(`[data-problem="${problem.field}"]`);
      if (slot) slot.textContent = problem.message;
      const item = document.createElement('li');
      item.textContent = problem.message;
      item.dataset.field = problem.field;
      list.append(item);
    }
  }

  // Shown once filled in (or with the reason it could not be read).
  async function load() {
    try {
      render(await call('GET', `${base()}/report`));
    } catch (error) {
      say(`无法读取本单位的报送情况：${error.message}`, true);
    }
    $('report').hidden = false;
  }

  for (const id of ['plan-form', 'summary-form']) {
    $(id).addEventListener('submit', async (event) => {
      event.preventDefault();
      const form = event.target;
      say('正在上传…');
      try {
        render(await call('POST', `${base()}/documents/${form.dataset.purpose}`, new FormData(form)));
        form.reset();
        say('已上传。');
      } catch (error) {
        say(`上传失败：${error.message}`, true);
      }
    });
  }

  $('registration-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const body = {};
    if (form.website_url.value.trim()) body.website_url = form.website_url.value;
    if (form.name.value.trim() || form.mobile.value.trim() || form.email.value.trim()) {
      body.liaison = { name: form.name.value, mobile: form.mobile.value, email: form.email.value };
    }
    const list = document.querySelector('[data-for="registration"]');
    try {
      render(await call('PUT', `${base()}/registration`, body));
      showProblems(list, []);
      say('已保存。');
    } catch (error) {
      showProblems(list, error.problems);
      say(`未保存：${error.problems.length ? '请按提示修改' : error.message}`, true);
    }
  });

  $('statistics-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const submit = event.submitter && event.submitter.value === 'submit';
    const body = { submit, revision: report && report.statistics ? report.statistics.revision : null };
    for (const element of form.elements) {
      if (element.name && element.name !== 'action') body[element.name] = element.value;
    }
    const list = document.querySelector('[data-for="statistics"]');
    try {
      render(await call('PUT', `${base()}/statistics`, body));
      showProblems(list, []);
      say(submit ? '统计表已正式提交。' : '草稿已保存。');
    } catch (error) {
      showProblems(list, error.problems);
      say(`未保存：${error.problems.length ? '请按提示修改' : error.message}`, true);
    }
  });

  // The table as the Ministry's Excel form: fetched as the unit, saved by the browser.
  $('statistics-xlsx').addEventListener('click', async () => {
    const response = await fetch(`${base()}/statistics.xlsx`, {
      headers: unitSession.headers(),
    });
    if (!response.ok) {
      say(response.status === 404 ? '尚未填写统计表' : `下载失败（HTTP ${response.status}）`, true);
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = `统计表-${report ? report.unit.name : ''}.xlsx`;
    link.click();
    URL.revokeObjectURL(link.href);
  });

  unitSession.start(load);
})();
