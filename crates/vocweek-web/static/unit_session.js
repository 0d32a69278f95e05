// Who the unit pages (素材报送, 我的报送, 材料与统计报送) act as, written once for the three:
//
// - a person's session from /unit/login: the HttpOnly cookie goes by itself; every call sends
//   the page's CSRF token (<meta name="csrf">, rendered by the server for this browser's
//   cookie) in X-CSRF-Token, which the API requires of a cookie's state-changing calls;
// - or the unit's shared upload token, typed once into #token-form and kept in localStorage,
//   so a new tab does not ask again; it goes as a Bearer header. 退出 forgets it, and the other
//   tabs follow (the `storage` event).
//
// A page calls unitSession.start(onReady); onReady(me) runs once signed in, with the answer of
// GET /api/v1/units/me ({id, name, kind, city, desk, member}). unitSession.headers() is what
// every API call of the page adds. Everything the server sends is set as text, never as HTML.
(() => {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = 'vocweek-token';
  const meta = document.querySelector('meta[name="csrf"]');
  const csrf = meta ? meta.content : '';
  let token = localStorage.getItem(TOKEN_KEY);
  // 'cookie' (a person) or 'token' (the unit's token); null while signed out.
  let mode = null;
  let me = null;
  let started = false;

  // The credential of every API call: the token, or the cookie's CSRF token.
  const headers = () => {
    if (mode === 'token') return { Authorization: `Bearer ${token}` };
    if (mode === 'cookie') return { 'X-CSRF-Token': csrf };
    return {};
  };

  // GET /api/v1/units/me with a token, or with the cookie alone (`null`).
  async function whoIs(withToken) {
    const requestHeaders = { 'Accept-Language': 'zh-CN' };
    if (withToken) requestHeaders.Authorization = `Bearer ${withToken}`;
    const response = await fetch('/api/v1/units/me', { headers: requestHeaders, cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error((body.error && body.error.message) || `HTTP ${response.status}`);
      error.status = response.status;
      error.code = body.error && body.error.code;
      throw error;
    }
    return body;
  }

  // 已登录：<unit>（单位令牌） or 已登录：<unit> · <person>.
  const describe = () => {
    if (!me) return '';
    return me.member ? `已登录：${me.name} · ${me.member.display_name}` : `已登录：${me.name}（单位令牌）`;
  };

  function link(href, text) {
    const element = document.createElement('a');
    element.href = href;
    element.textContent = text;
    return element;
  }

  function ready(onReady) {
    $('signin').hidden = true;
    const line = $('unit-line');
    line.textContent = describe();
    if (mode === 'cookie') {
      // A person's own account: their password is theirs to change; a unit admin also opens
      // and disables the unit's accounts.
      const links = [' · ', link('/unit/password', '修改密码')];
      if (me.member.role === 'unit_admin') links.push(' · ', link('/unit/members', '单位账号'));
      line.after(...links);
    }
    onReady(me);
  }

  function forgetToken() {
    localStorage.removeItem(TOKEN_KEY);
    token = null;
  }

  function signOut() {
    if (mode === 'cookie') {
      // The session ends on the server: a form post with the page's CSRF token.
      const form = document.createElement('form');
      form.method = 'post';
      form.action = '/unit/logout';
      const field = document.createElement('input');
      field.type = 'hidden';
      field.name = 'csrf';
      field.value = csrf;
      form.append(field);
      document.body.append(form);
      form.submit();
      return;
    }
    forgetToken();
    location.reload();
  }

  async function start(onReady) {
    if (started) return;
    started = true;
    $('sign-out').addEventListener('click', signOut);
    $('token-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const typed = $('token').value.trim();
      $('token-error').textContent = '';
      try {
        me = await whoIs(typed);
      } catch (error) {
        $('token-error').textContent = error.status === 401
          ? '令牌无效、已吊销或已过期。' : `无法登录：${error.message}`;
        return;
      }
      token = typed;
      localStorage.setItem(TOKEN_KEY, token);
      mode = 'token';
      ready(onReady);
    });
    // A person's session first: signing in at /unit/login is the newer, deliberate act.
    if (csrf) {
      try {
        const person = await whoIs(null);
        if (person.member) {
          me = person;
          mode = 'cookie';
          ready(onReady);
          return;
        }
      } catch (error) {
        if (error.code === 'password-change-required') {
          location.href = '/unit/password';
          return;
        }
        // No unit person's session (expired, a staff member's): the token, or the form.
      }
    }
    if (!token) return;
    try {
      me = await whoIs(token);
    } catch (error) {
      if (error.status === 401) forgetToken();
      $('token-error').textContent = error.status === 401
        ? '令牌无效、已吊销或已过期，请重新输入。' : `无法登录：${error.message}`;
      return;
    }
    mode = 'token';
    ready(onReady);
  }

  // Another tab signed out (the token removed) or in with another token: follow it.
  window.addEventListener('storage', (event) => {
    if (event.key !== TOKEN_KEY && event.key !== null) return;
    const now = localStorage.getItem(TOKEN_KEY);
    if ((mode === 'token' && now !== token) || (!mode && now)) location.reload();
  });

  window.unitSession = {
    start,
    headers,
    describe,
    me: () => me,
  };
})();
