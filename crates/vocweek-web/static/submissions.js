// 我的报送: every item the unit sent, newest first, a page at a time (加载更多 follows the
// API's cursor), filtered by state, kind and activity date. A returned item opens a form to
// correct it; the API then sends it back to review. Everything the server sends is set as
// text, never as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  // The upload page keeps the token under this name in the tab: entered there, it works here.
  const TOKEN_KEY = 'vocweek-token';
  // Refusals are told in Chinese by the server's message catalog when asked in Chinese.
  const CHINESE = { 'Accept-Language': 'zh-CN' };
  const PAGE_SIZE = 24;
  let token = sessionStorage.getItem(TOKEN_KEY);
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
    const init = { method, headers: { ...CHINESE, Authorization: `Bearer ${token}` } };
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

  // An <img src> cannot send the token: the thumbnail is fetched and shown from a blob: URL.
  async function showThumbnail(card, item) {
    const rendition = item.renditions.find((r) => r.name === 'thumb')
      || item.renditions.find((r) => r.name === 'poster');
    if (!rendition) return;
    const response = await fetch(rendition.url, { headers: { Authorization: `Bearer ${token}` } });
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
    fillTags(form, item);
    const edit = element.querySelector('.edit');
    form.querySelector('.cancel').addEventListener('click', () => {
      form.remove();
      edit.hidden = false;
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      save(element, item, form);
    });
    edit.hidden = true;
    element.querySelector('.outcome').textContent = '';
    element.querySelector('.outcome').before(form);
    form.elements.title.focus();
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
    try {
      await call('GET', '/api/v1/assets?limit=1');
    } catch (error) {
      sessionStorage.removeItem(TOKEN_KEY);
      token = null;
      $('token-error').textContent = error.status === 401 ? '令牌无效、已吊销或已过期。' : `无法登录：${error.message}`;
      return;
    }
    $('signin').hidden = true;
    $('mine').hidden = false;
    $('unit-line').textContent = '已登录（单位令牌）';
    await load(true);
  }

  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    enter();
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  filters.addEventListener('change', () => load(true));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    load(true);
  });
  $('more').addEventListener('click', () => load(false));
  if (token) enter();
})();
