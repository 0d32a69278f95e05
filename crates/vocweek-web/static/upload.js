// The upload page: once signed in (the unit's token or a person's session, unit_session.js),
// pick files and tags, upload each file with tus-js-client (resumes by itself after a drop, and
// across page reloads via its fingerprint store), and list today's submissions. Everything the
// server sends is set as text, never HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const STATES = {
    processing: '处理中', pending_review: '待审核', approved: '已通过', rejected: '未通过',
    returned: '已退回', recommended: '已推荐', failed: '处理失败',
  };
  const KINDS = { photo: '图片', video: '视频', article: '文章', case: '典型案例' };
  // Refusals are told in Chinese by the server's message catalog when asked in Chinese.
  const CHINESE = { 'Accept-Language': 'zh-CN' };

  const api = async (path) => {
    const response = await fetch(path, { headers: { ...CHINESE, ...unitSession.headers() } });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      const error = new Error((body.error && body.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return response.json();
  };

  const todayInBeijing = () =>
    new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date());
  const beijingTime = (iso) =>
    new Date(iso).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

  function option(select, value, text) {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    select.append(element);
  }

  async function loadVocabularies() {
    const vocabularies = await api('/api/v1/vocabularies');
    vocabularies.cities.forEach((c) => option($('city'), c.slug, c.zh));
    vocabularies.categories.forEach((c) => option($('category'), c.slug, c.zh));
    $('category').addEventListener('change', () => {
      $('subcategory').replaceChildren();
      option($('subcategory'), '', '（不选）');
      const chosen = vocabularies.categories.find((c) => c.slug === $('category').value);
      (chosen ? chosen.subcategories : []).forEach((s) => option($('subcategory'), s.slug, s.zh));
    });
    vocabularies.themes.forEach((t) => {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'themes';
      box.value = t.slug;
      label.append(box, ` ${t.zh} `);
      $('themes').append(label);
    });
    $('activity_date').value = todayInBeijing();
    const week = vocabularies.campaign;
    $('activity_date').addEventListener('change', () => warnAboutDate(week));
  }

  // A date far from the week is most often a typo (2019 for 2021) or a camera's wrong clock:
  // said at once, next to the field, but not refused — a preparatory event may be earlier.
  function warnAboutDate(week) {
    const chosen = $('activity_date').value;
    let warning = '';
    if (chosen && chosen > todayInBeijing()) {
      warning = '活动日期晚于今天，请核对。';
    } else if (chosen && week && (chosen < monthBefore(week.starts_on) || chosen > week.ends_on)) {
      warning = `活动日期不在本届活动周（${week.starts_on} 至 ${week.ends_on}）前后，请核对。`;
    }
    $('date-warning').textContent = warning;
  }

  // The day 30 days before `day` (YYYY-MM-DD), as YYYY-MM-DD.
  function monthBefore(day) {
    const date = new Date(`${day}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - 30);
    return date.toISOString().slice(0, 10);
  }

  async function refreshToday() {
    const page = await api(`/api/v1/assets?day=${todayInBeijing()}&limit=100`);
    const rows = page.items.map((item) => {
      const row = document.createElement('tr');
      row.dataset.id = item.id;
      const state = item.state === 'processing' && item.progress != null
        ? `处理中 ${Math.round(item.progress)}%` : (STATES[item.state] || item.state);
      const note = item.state === 'failed' && item.failure ? item.failure.message : (item.review_note || '');
      for (const text of [item.title, KINDS[item.kind] || item.kind, state, note, beijingTime(item.created_at)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      // The state as the editors' pages show it: a badge in the state's colours (site.css).
      const badge = document.createElement('span');
      badge.className = `badge state-${item.state}`;
      badge.textContent = state;
      row.cells[2].replaceChildren(badge);
      return row;
    });
    $('today').tBodies[0].replaceChildren(...rows);
  }

  function metadataFor(file, index, count) {
    const stem = file.name.replace(/\.[^.]*$/, '');
    const title = $('title').value.trim();
    const metadata = {
      filename: file.name,
      filetype: file.type,
      title: title ? (count > 1 ? `${title}（${stem}）` : title) : stem,
    };
    for (const field of ['description', 'city', 'category', 'subcategory', 'activity_date']) {
      if ($(field).value) metadata[field] = $(field).value;
    }
    const credit = $('credit').value.trim();
    if (credit) metadata.credit = credit;
    // Sent either way, so the item records what the unit declared.
    metadata.portrait_consent = $('portrait_consent').checked ? 'true' : 'false';
    const themes = [...document.querySelectorAll('input[name="themes"]:checked')].map((b) => b.value);
    if (themes.length) metadata.themes = themes.join(',');
    return metadata;
  }

  function transferRow(file) {
    const item = document.createElement('li');
    item.className = 'transfer';
    const name = document.createElement('span');
    name.textContent = `${file.name} `;
    const bar = document.createElement('progress');
    // Named after its file, so a screen reader says whose progress it is.
    bar.setAttribute('aria-label', file.name);
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement('span');
    status.className = 'status';
    status.textContent = ' 等待中';
    item.append(name, bar, status);
    $('transfers').append(item);
    return { bar, status, item };
  }

  function upload(file, metadata) {
    const row = transferRow(file);
    const transfer = new tus.Upload(file, {
      endpoint: '/api/v1/uploads/',
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
      // The token, or on a person's session the cookie and the page's CSRF token.
      headers: { ...CHINESE, ...unitSession.headers() },
      metadata,
      // Same file, same unit: pick up an interrupted upload even after the page was closed.
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        row.bar.value = Math.floor((sent / total) * 100);
        row.status.textContent = ` ${(sent / 1048576).toFixed(1)} / ${(total / 1048576).toFixed(1)} MB`;
      },
      onShouldRetry: (error, attempt) => {
        const status = error.originalResponse ? error.originalResponse.getStatus() : 0;
        // Refusals (type, size, tags) are final; network trouble and a busy upload are not.
        if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
        row.status.textContent = ` 网络中断，正在重试（第 ${attempt + 1} 次）…`;
        row.item.dataset.retries = String(Number(row.item.dataset.retries || 0) + 1);
        return true;
      },
      onError: (error) => {
        let message = '上传失败';
        try {
          const body = JSON.parse(error.originalResponse.getBody());
          message = `上传失败：${body.error.message}`;
        } catch (_) { /* a network error has no body */ }
        row.item.classList.add('failed');
        // The bytes may all have gone before the refusal came: a full bar would read as done.
        row.bar.value = 0;
        row.status.textContent = ` ${message}`;
      },
      onSuccess: (payload) => {
        const duplicate = payload.lastResponse.getHeader('Vocweek-Duplicate') === 'true';
        row.bar.value = 100;
        row.item.classList.add('done');
        row.item.dataset.asset = payload.lastResponse.getHeader('Vocweek-Asset-Id') || '';
        row.status.textContent = duplicate ? ' 已完成（与已报送的素材相同，未重复保存）' : ' 已完成';
        refreshToday().catch(() => {});
      },
    });
    transfer.findPreviousUploads().then((previous) => {
      if (previous.length) transfer.resumeFromPreviousUpload(previous[0]);
      transfer.start();
    });
  }

  async function enter() {
    $('uploader').hidden = false;
    try {
      await loadVocabularies();
      await refreshToday();
    } catch (error) {
      $('transfers').textContent = `无法读取：${error.message}`;
    }
    setInterval(() => refreshToday().catch(() => {}), 5000);
  }
  $('upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (typeof tus === 'undefined' || !tus.isSupported) {
      $('transfers').textContent = '此浏览器不支持断点续传上传，请更换浏览器。';
      return;
    }
    const files = [...$('files').files];
    files.forEach((file, index) => upload(file, metadataFor(file, index, files.length)));
    $('files').value = '';
  });
  unitSession.start(enter);
})();
