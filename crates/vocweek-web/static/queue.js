// Keyboard work in the review queue: j/k move, Enter opens, a approves, r rejects (asks for the
// reason), s recommends (asks to confirm an item without portrait consent), ? shows the keys.
// Decisions go through the JSON API with the page's CSRF token, naming the version the page
// showed (a stale one gets the conflict message).
// On an item's page a, s and r use the page's own forms (r goes to the 不通过 reason box), and
// n opens the next item of the queue the page was opened from (its rel="next" link).
(() => {
  const csrf = document.querySelector('meta[name="csrf"]')?.content;
  const status = document.getElementById('status');
  const help = document.getElementById('help');
  const cards = () => [...document.querySelectorAll('.card')];
  const done = { approve: '已通过', reject: '已标记为不通过', recommend: '已推荐' };
  let index = -1;

  function say(text) {
    if (status) status.textContent = text;
  }

  function focus(i) {
    const list = cards();
    if (!list.length) { index = -1; return; }
    index = Math.max(0, Math.min(i, list.length - 1));
    list.forEach((c) => c.classList.remove('focused'));
    list[index].classList.add('focused');
    list[index].focus();
  }

  async function decide(card, action, note, confirmed = false) {
    const response = await fetch(`/api/v1/assets/${card.dataset.id}/review`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({
        action, note, version: Number(card.dataset.version), confirm_without_consent: confirmed,
      }),
    });
    if (response.ok) {
      card.remove();
      say(done[action] || '已处理');
      focus(index);
    } else {
      const body = await response.json().catch(() => ({}));
      // A photo or video without portrait consent is recommended only when the editor says so.
      if (body.error && body.error.code === 'consent-unconfirmed' && !confirmed
        && window.confirm('该素材未确认肖像使用授权。我已确认可以使用（未取得肖像授权），仍然推荐？')) {
        await decide(card, action, note, true);
        return;
      }
      say((body.error && body.error.message) || '操作失败');
    }
  }

  document.addEventListener('keydown', (event) => {
    if (event.target.matches('input, select, textarea') || event.ctrlKey || event.metaKey || event.altKey) return;
    const card = cards()[index];
    const onDetail = !document.querySelector('.grid');
    switch (event.key) {
      case 'j': focus(index + 1); break;
      case 'k': focus(index - 1); break;
      case 'Enter': {
        // The card's own link: it carries the queue's filters (?back=…) to the item's page.
        const link = card && card.querySelector('a[href^="/queue/"]');
        if (link) location.href = link.href;
        break;
      }
      case 'n': {
        const next = onDetail && document.querySelector('a[rel="next"]');
        if (next) location.href = next.href;
        break;
      }
      case 'a':
        if (onDetail) document.querySelector('button[data-action="approve"]')?.click();
        else if (card) decide(card, 'approve');
        break;
      case 's':
        if (onDetail) document.querySelector('button[data-action="recommend"]')?.click();
        else if (card) decide(card, 'recommend');
        break;
      case 'r': {
        if (onDetail) { document.getElementById('note-reject')?.focus(); event.preventDefault(); break; }
        if (!card) break;
        const note = window.prompt('不通过的原因（必填）');
        if (note && note.trim()) decide(card, 'reject', note.trim());
        break;
      }
      case '?': if (help) help.hidden = !help.hidden; break;
      default: return;
    }
  });
})();
