// 我的报送: the unit's notices first (an item returned or rejected, the desk's reminder, a day
// sent nothing, a report overdue; unread ones highlighted until 标为已读), then every item the
// unit sent, newest first, a page at a time (加载更多 follows the API's cursor), filtered by
// state, kind and activity date. A returned item opens a form to correct it (texts, tags,
// 作者/摄影 and the portrait consent), and one to replace its file (PUT
// /api/v1/assets/{id}/file); the API then sends it back to review. Everything the server sends
// is set as text, never as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  // Refusals are told in Chinese by the server's message catalog when asked in Chinese.
  const CHINESE = { 'Accept-Language': 'zh-CN' };
  const PAGE_SIZE = 24;
  let cursor = null;
  let vocabularies = null;
  // A filter changed while a page was loading: the older answer is dropped, not appended.
  let generation = 0;

  const filters = $('filters');
  // The Chinese names are the filters' own options, rendered by the server from its slugs.
  const names = (field) => Object.fromEntries([...filters.elements[field].options]
    .filter((o) => o.value).map((o) => [o.value, o.textContent]));
  const STATES = names('state');
  const KINDS = names('kind');

  async function call(method, path, body) {
    const init = { method, headers: { ...CHINESE, ...unitSession.headers() } };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((answer.error && answer.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return answer;
  }

  // Beijing time as 2021-05-21 15:04 whatever the computer's own zone (sv-SE writes ISO order).
  const beijing = (iso) => new Intl.DateTimeFormat('sv-SE', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).format(new Date(iso));

  function option(select, value, text) {
    const element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    select.append(element);
  }

  // Why an item stopped: the editor's note when returned or rejected, the reason it failed.
  function noteOf(item) {
    if (item.state === 'returned' && item.review_note) return `退回意见：${item.review_note}`;
    if (item.state === 'rejected' && item.review_note) return `未通过原因：${item.review_note}`;
    if (item.state === 'failed' && item.failure) return `处理失败原因：${item.failure.message}`;
    return '';
  }

  // An <img src> cannot send a token: the thumbnail is fetched and shown from a blob: URL.
  async function showThumbnail(card, item) {
    const rendition = item.renditions.find((r) => r.name === 'thumb')
      || item.renditions.find((r) => r.name === 'poster');
    if (!rendition) return;
    // Revalidated, not taken from the cache: a replaced file's thumbnail has the same URL.
    const response = await fetch(rendition.url, {
      cache: 'no-cache', headers: unitSession.headers(),
    });
    if (!response.ok) return;
    const image = document.createElement('img');
    image.alt = '';
    image.src = URL.createObjectURL(await response.blob());
    const release = () => URL.revokeObjectURL(image.src);
    image.addEventListener('load', release, { once: true });
    image.addEventListener('error', release, { once: true });
    card.querySelector('.nopic').replaceWith(image);
  }

  function card(item) {
    const element = $('item-card').content.firstElementChild.cloneNode(true);
    element.dataset.id = item.id;
    element.dataset.state = item.state;
    element.querySelector('.title').textContent = item.title;
    element.querySelector('.kind').textContent = KINDS[item.kind] || item.kind;
    const state = element.querySelector('.state');
    state.classList.add(`state-${item.state}`);
    state.textContent = item.state === 'processing' && item.progress != null
      ? `处理中 ${Math.round(item.progress)}%` : (STATES[item.state] || item.state);
    const note = element.querySelector('.note');
    note.textContent = noteOf(item);
    note.hidden = !note.textContent;
    element.querySelector('.when').textContent =
      `上传于 ${beijing(item.created_at)}（北京时间） · 活动日期 ${item.activity_date}`;
    const edit = element.querySelector('.edit');
    // The API lets a unit correct only a returned item; it says so if the item is another
    // unit's original that this unit sent again.
    edit.hidden = item.state !== 'returned';
    edit.addEventListener('click', () => openEditor(element, item).catch((error) => {
      element.querySelector('.outcome').textContent = `无法打开修改表单：${error.message}`;
    }));
    showThumbnail(element, item).catch(() => {});
    return element;
  }

  function fillTags(form, item) {
    const fields = form.elements;
    vocabularies.cities.forEach((c) => option(fields.city, c.slug, c.zh));
    fields.city.value = item.tags.city;
    vocabularies.categories.forEach((c) => option(fields.category, c.slug, c.zh));
    fields.category.value = item.tags.category || '';
    const subcategories = () => {
      fields.subcategory.replaceChildren();
      option(fields.subcategory, '', '（不选）');
      const chosen = vocabularies.categories.find((c) => c.slug === fields.category.value);
      (chosen ? chosen.subcategories : []).forEach((s) => option(fields.subcategory, s.slug, s.zh));
    };
    subcategories();
    fields.subcategory.value = item.tags.subcategory || '';
    fields.category.addEventListener('change', subcategories);
    for (const theme of vocabularies.themes) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.name = 'themes';
      box.value = theme.slug;
      box.checked = item.tags.themes.includes(theme.slug);
      label.append(box, ` ${theme.zh} `);
      form.querySelector('.themes').append(label);
    }
  }

  async function openEditor(element, item) {
    if (element.querySelector('form.correction')) return;
    vocabularies = vocabularies || await call('GET', '/api/v1/vocabularies');
    const form = $('edit-form').content.firstElementChild.cloneNode(true);
    form.elements.title.value = item.title;
    form.elements.description.value = item.description || '';
    form.elements.credit.value = item.credit || '';
    form.elements.portrait_consent.checked = Boolean(item.portrait_consent);
    fillTags(form, item);
    const replace = $('replace-form').content.firstElementChild.cloneNode(true);
    const edit = element.querySelector('.edit');
    form.querySelector('.cancel').addEventListener('click', () => {
      form.remove();
      replace.remove();
      edit.hidden = false;
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save(element, item, form);
    });
    replace.addEventListener('submit', (event) => {
      event.preventDefault();
      replaceFile(item, replace);
    });
    edit.hidden = true;
    element.querySelector('.outcome').textContent = '';
    element.querySelector('.outcome').before(form, replace);
    form.elements.title.focus();
  }

  // The file goes as a multipart form with the version the unit saw. XMLHttpRequest rather
  // than fetch: it reports the upload's progress.
  function sendFile(item, file, progress) {
    return new Promise((resolve, reject) => {
      const body = new FormData();
      body.append('version', String(item.version));
      body.append('file', file, file.name);
      const request = new XMLHttpRequest();
      request.open('PUT', `/api/v1/assets/${encodeURIComponent(item.id)}/file`);
      for (const [name, value] of Object.entries(unitSession.headers())) {
        request.setRequestHeader(name, value);
      }
      request.setRequestHeader('Accept-Language', CHINESE['Accept-Language']);
      request.responseType = 'json';
      request.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      request.addEventListener('load', () => {
        const answer = request.response || {};
        if (request.status >= 200 && request.status < 300) {
          resolve(answer);
          return;
        }
        const error = new Error((answer.error && answer.error.message) || `HTTP ${request.status}`);
        error.status = request.status;
        reject(error);
      });
      request.addEventListener('error', () => reject(new Error('网络中断，文件未发送完，请重试。')));
      request.send(body);
    });
  }

  async function replaceFile(item, form) {
    const file = form.elements.file.files[0];
    if (!file) return;
    const button = form.querySelector('button[type="submit"]');
    const progress = form.querySelector('progress');
    const status = form.querySelector('.status');
    button.disabled = true;
    form.querySelector('.error').textContent = '';
    progress.value = 0;
    progress.hidden = false;
    status.textContent = `正在上传 ${file.name}…`;
    try {
      await sendFile(item, file, progress);
    } catch (error) {
      progress.hidden = true;
      status.textContent = '';
      form.querySelector('.error').textContent = `文件未更换：${error.message}`;
      button.disabled = false;
      return;
    }
    // The list again, as the server has it now; the item says what happened.
    await load(true);
    const fresh = [...$('items').children].find((c) => c.dataset.id === item.id);
    const done = '文件已更换，素材正在重新处理，处理完成后进入审核。';
    if (fresh) fresh.querySelector('.outcome').textContent = done;
    else $('list-status').textContent = done;
  }

  async function save(element, item, form) {
    const fields = form.elements;
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    form.querySelector('.error').textContent = '';
    try {
      // Every tag is sent as chosen: an empty category or subcategory clears it.
      const answer = await call('PATCH', `/api/v1/assets/${encodeURIComponent(item.id)}`, {
        version: item.version,
        title: fields.title.value,
        description: fields.description.value,
        city: fields.city.value,
        category: fields.category.value,
        subcategory: fields.subcategory.value,
        themes: [...form.querySelectorAll('input[name="themes"]:checked')].map((b) => b.value),
        credit: fields.credit.value,
        portrait_consent: fields.portrait_consent.checked,
      });
      // The answer is the item as it is now: the card shows it where it was, even if it no
      // longer matches the state filter, so the unit sees what happened.
      const fresh = card(answer);
      fresh.querySelector('.outcome').textContent = '修改已保存，素材已重新提交审核。';
      element.replaceWith(fresh);
    } catch (error) {
      form.querySelector('.error').textContent = `未保存：${error.message}`;
      button.disabled = false;
    }
  }

  // The notice's kind as a badge; the sentence itself comes from the server's catalog.
  const NOTICE_KINDS = {
    'item-returned': '退回修改',
    'item-rejected': '未采用',
    'daily-reminder': '报送提醒',
    'daily-missed': '当日未报送',
    'report-overdue': '材料逾期',
  };

  function countUnread() {
    const unread = $('notice-list').querySelectorAll('.notice-item.unread').length;
    $('unread-count').textContent = unread ? `${unread} 条未读` : '';
  }

  function noticeItem(notice) {
    const element = $('notice-item').content.firstElementChild.cloneNode(true);
    element.dataset.id = notice.id;
    element.dataset.kind = notice.kind;
    element.classList.toggle('unread', !notice.read);
    element.querySelector('.kind').textContent = NOTICE_KINDS[notice.kind] || notice.kind;
    element.querySelector('.sentence').textContent = notice.sentence;
    element.querySelector('.when').textContent = `${beijing(notice.created_at)}（北京时间）`;
    const button = element.querySelector('.mark-read');
    button.hidden = notice.read;
    button.addEventListener('click', async () => {
      button.disabled = true;
      $('notice-status').textContent = '';
      try {
        await call('POST', `/api/v1/notices/${encodeURIComponent(notice.id)}/read`);
        element.classList.remove('unread');
        button.hidden = true;
        countUnread();
      } catch (error) {
        button.disabled = false;
        $('notice-status').textContent = `未能标为已读：${error.message}`;
      }
    });
    return element;
  }

  async function loadNotices() {
    try {
      const answer = await call('GET', '/api/v1/notices');
      $('notice-list').replaceChildren(...answer.notices.map(noticeItem));
      $('notices').hidden = answer.notices.length === 0;
      countUnread();
    } catch (error) {
      $('notices').hidden = false;
      $('notice-status').textContent = `无法读取通知：${error.message}`;
    }
  }

  function listPath() {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
    for (const name of ['state', 'kind', 'day']) {
      if (filters.elements[name].value) query.set(name, filters.elements[name].value);
    }
    if (cursor) query.set('cursor', cursor);
    return `/api/v1/assets?${query}`;
  }

  async function load(fromStart) {
    if (fromStart) {
      generation += 1;
      cursor = null;
    }
    const mine = generation;
    $('more').disabled = true;
    try {
      const page = await call('GET', listPath());
      if (mine !== generation) return;
      const cards = page.items.map(card);
      if (fromStart) $('items').replaceChildren(...cards); else $('items').append(...cards);
      cursor = page.next_cursor || null;
      $('more').hidden = !cursor;
      const shown = $('items').children.length;
      $('list-status').textContent = shown ? `已显示 ${shown} 项${cursor ? '，还有更多' : ''}。` : '没有符合条件的素材。';
    } catch (error) {
      if (mine === generation) $('list-status').textContent = `无法读取报送记录：${error.message}`;
    } finally {
      $('more').disabled = false;
    }
  }

  async function enter() {
    $('mine').hidden = false;
    await Promise.all([loadNotices(), load(true)]);
  }
  filters.addEventListener('change', () => load(true));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    load(true);
  });
  $('more').addEventListener('click', () => load(false));
  unitSession.start(enter);
})();
