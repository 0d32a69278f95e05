// The upload page's 典型案例 form: a case is written in fields, not sent as a file. It goes as
// JSON to /api/v1/cases as the signed-in unit (unit_session.js); its attachments
// are picked from the unit's own photos and videos (GET /api/v1/assets?kind=…). The server
// writes the Word document. Everything the server sends is set as text, never HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const CHINESE = { 'Accept-Language': 'zh-CN' };
  const MAX_CONTACTS = 10;
  const MAX_ATTACHMENTS = 30;
  const KINDS = { photo: '照片', video: '视频' };
  let loaded = false;

  const api = async (path, options = {}) => {
    // The unit's token or a person's session, as the other unit pages (unit_session.js).
    const headers = { ...CHINESE, ...unitSession.headers(), ...(options.headers || {}) };
    const response = await fetch(path, { ...options, headers });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((body.error && body.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return body;
  };

  const todayInBeijing = () =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());

  function option(select, value, text) {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    select.append(element);
  }

  function show(tab) {
    const caseShown = tab === 'case';
    $('upload-form').hidden = caseShown;
    $('case-form').hidden = !caseShown;
    $('tab-upload').setAttribute('aria-pressed', String(!caseShown));
    $('tab-case').setAttribute('aria-pressed', String(caseShown));
    if (caseShown && !loaded) {
      loaded = true;
      load().catch((error) => {
        loaded = false;
        $('case-status').textContent = `无法读取：${error.message}`;
      });
    }
  }

  async function load() {
    const vocabularies = await api('/api/v1/vocabularies');
    vocabularies.cities.forEach((c) => option($('case-city'), c.slug, c.zh));
    vocabularies.categories.forEach((c) => option($('case-category'), c.slug, c.zh));
    $('case-category').addEventListener('change', () => {
      $('case-subcategory').replaceChildren();
      option($('case-subcategory'), '', '（不选）');
      const chosen = vocabularies.categories.find((c) => c.slug === $('case-category').value);
      (chosen ? chosen.subcategories : []).forEach((s) => option($('case-subcategory'), s.slug, s.zh));
    });
    vocabularies.themes.forEach((t) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'case-themes';
      box.value = t.slug;
      label.append(box, ` ${t.zh} `);
      $('case-themes').append(label);
    });
    $('case-activity-date').value = todayInBeijing();
    addContact();
    await loadAttachments();
  }

  // The unit's own photos and videos, newest first (ids are time-ordered); failed ones cannot
  // be attached.
  async function loadAttachments() {
    const items = [];
    for (const kind of ['photo', 'video']) {
      const page = await api(`/api/v1/assets?kind=${kind}&limit=100`);
      items.push(...page.items.filter((item) => item.state !== 'failed'));
    }
    items.sort((a, b) => (a.id < b.id ? 1 : -1));
    const list = $('case-attachments');
    list.querySelectorAll('label').forEach((label) => label.remove());
    $('case-attachments-hint').textContent = items.length
      ? `可选 ${items.length} 项，最多附 ${MAX_ATTACHMENTS} 项。`
      : '本单位还没有可附的照片或视频。';
    for (const item of items) {
      const label = document.createElement('label');
      const check = document.createElement('input');
      check.type = 'checkbox';
      check.name = 'case-attachment';
      check.value = item.id;
      label.append(check, ` ${item.title}（${KINDS[item.kind] || item.kind}） `);
      list.append(label);
    }
  }

  function addContact() {
    const rows = $('case-contact-rows');
    if (rows.children.length >= MAX_CONTACTS) return;
    const row = document.createElement('p');
    row.className = 'contact';
    for (const [field, text, size, max] of [
      ['name', '姓名', 10, 50], ['role', '职务', 12, 50], ['phone', '联系电话', 14, 30],
    ]) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.dataset.field = field;
      input.size = size;
      input.maxLength = max;
      label.append(`${text} `, input);
      row.append(label);
    }
    rows.append(row);
    $('case-add-contact').disabled = rows.children.length >= MAX_CONTACTS;
  }

  const chosenAttachments = () =>
    [...document.querySelectorAll('input[name="case-attachment"]:checked')].map((b) => b.value);

  function request() {
    const contacts = [...document.querySelectorAll('#case-contact-rows .contact')]
      .map((row) => {
        const value = (field) => row.querySelector(`input[data-field="${field}"]`).value.trim();
        return { name: value('name'), role: value('role'), phone: value('phone') };
      })
      .filter((contact) => contact.name || contact.role || contact.phone);
    const themes = [...document.querySelectorAll('input[name="case-themes"]:checked')].map((b) => b.value);
    const body = {
      title: $('case-title').value.trim(),
      summary: $('case-summary').value,
      body: $('case-body').value,
      contacts,
      attachments: chosenAttachments(),
      themes,
    };
    for (const [field, id] of [
      ['city', 'case-city'], ['category', 'case-category'], ['subcategory', 'case-subcategory'],
      ['activity_date', 'case-activity-date'],
    ]) {
      if ($(id).value) body[field] = $(id).value;
    }
    const credit = $('case-credit').value.trim();
    if (credit) body.credit = credit;
    return body;
  }

  function clear() {
    $('case-form').reset();
    $('case-activity-date').value = todayInBeijing();
    $('case-contact-rows').replaceChildren();
    addContact();
  }

  $('tab-upload').addEventListener('click', () => show('upload'));
  $('tab-case').addEventListener('click', () => show('case'));
  $('case-add-contact').addEventListener('click', addContact);
  $('case-attachments').addEventListener('change', (event) => {
    if (event.target.checked && chosenAttachments().length > MAX_ATTACHMENTS) {
      event.target.checked = false;
      $('case-attachments-hint').textContent = `最多附 ${MAX_ATTACHMENTS} 项。`;
    }
  });
  $('case-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('case-submit').disabled = true;
    $('case-status').textContent = '正在提交并生成Word文档…';
    try {
      const answer = await api('/api/v1/cases', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request()),
      });
      $('case-status').textContent = answer.duplicate
        ? '与已提交的典型案例完全相同，未重复保存。'
        : `已提交“${answer.title}”，等待审核。`;
      clear();
    } catch (error) {
      $('case-status').textContent = `提交失败：${error.message}`;
    } finally {
      $('case-submit').disabled = false;
    }
  });
})();
