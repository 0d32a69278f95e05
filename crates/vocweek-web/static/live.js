// The 观看 page of a live channel (网上观赛): plays the channel's live HLS through hls.js
// (from the npm registry, served as /static/hls.min.js) where the browser has Media Source
// Extensions, else natively (Safari, iOS). Until the first segments exist the master playlist
// answers 404 (channel-not-live): the page says 未开始直播 and asks again every few seconds,
// and again at once when the channel goes live. 回看 switches to the DVR playlist (the recent
// window, seekable). Every 10 s the channel's state and viewer count are read from the JSON
// API (GET /api/v1/channels/{id}) on the page's session cookie, as the player reads the
// playlists.
(function () {
  'use strict';
  const box = document.getElementById('live-player');
  const video = document.getElementById('live-video');
  if (!box || !video) return;
  const note = document.getElementById('live-note');
  const badge = document.getElementById('live-badge');
  const stateText = document.getElementById('channel-state');
  const viewersText = document.getElementById('viewers');
  const dvr = document.getElementById('dvr-toggle');
  const RETRY_MS = 5000;
  const POLL_MS = 10000;
  const LABELS = { scheduled: '未开始', live: '直播中', interrupted: '已中断', ended: '已结束' };
  let state = box.dataset.state;
  let hls = null;
  let retry = null;
  let attached = false;
  let recoveries = 0;

  const say = (text) => {
    if (!note) return;
    note.textContent = text;
    note.hidden = !text;
  };
  const watchingDvr = () => Boolean(dvr && dvr.checked);
  const source = () => (watchingDvr() ? box.dataset.dvr : box.dataset.live);

  function waiting() {
    if (state === 'ended') return '直播已结束。';
    if (state === 'interrupted') return '直播信号中断，正在等待恢复……';
    return '未开始直播，开始后将自动播放。';
  }

  function cancelRetry() {
    if (retry) {
      clearTimeout(retry);
      retry = null;
    }
  }

  function detach() {
    cancelRetry();
    if (hls) {
      hls.destroy();
      hls = null;
      window.vocweekLive = null;
    }
    if (attached) {
      video.removeAttribute('src');
      video.load();
      attached = false;
    }
  }

  // Nothing to play now: say why and ask again later (not once the channel has ended).
  function later(text) {
    detach();
    say(text);
    if (state !== 'ended') retry = setTimeout(start, RETRY_MS);
  }

  function autoplay() {
    const attempt = video.play();
    if (!attempt || !attempt.catch) return;
    attempt.catch(() => {
      // Browsers start sound only after a click: start muted, the viewer turns it up.
      video.muted = true;
      video.play()
        .then(() => say('已静音播放，请点击播放器的音量按钮打开声音。'))
        .catch(() => say('请点击播放按钮开始观看。'));
    });
  }

  function play(url) {
    detach();
    say('');
    if (window.Hls && window.Hls.isSupported()) {
      // No worker: hls.js would start it from a blob: script, which the pages'
      // Content-Security-Policy refuses (worker-src 'none').
      hls = new window.Hls({ enableWorker: false });
      hls.on(window.Hls.Events.MANIFEST_PARSED, () => {
        recoveries = 0;
        autoplay();
      });
      hls.on(window.Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR && recoveries < 2) {
          recoveries += 1;
          hls.recoverMediaError();
          return;
        }
        later(state === 'ended' ? '直播已结束。' : '直播信号中断，正在重新连接……');
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      window.vocweekLive = hls;
      attached = true;
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = url;
      attached = true;
      autoplay();
    } else {
      say('此浏览器无法播放直播，请使用最新版的 Chrome、Edge、Firefox 或 Safari。');
    }
  }

  // Plays the chosen playlist once it exists; until then says why and asks again.
  async function start() {
    cancelRetry();
    const url = source();
    let response;
    try {
      response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
    } catch (_) {
      later('网络连接中断，正在重试……');
      return;
    }
    if (response.status === 401) {
      detach();
      say('登录已过期，请刷新页面重新登录。');
      return;
    }
    if (response.status === 404) {
      if (state === 'ended') {
        detach();
        say(watchingDvr() ? '直播已结束，回看内容已不可用。' : '直播已结束。');
        return;
      }
      later(waiting());
      return;
    }
    if (!response.ok) {
      later('暂时无法播放（' + response.status + '），正在重试……');
      return;
    }
    play(url);
  }

  async function poll() {
    let channel;
    try {
      const response = await fetch('/api/v1/channels/' + encodeURIComponent(box.dataset.channel), {
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { accept: 'application/json' },
      });
      if (!response.ok) return;
      channel = await response.json();
    } catch (_) {
      return; // the next poll asks again
    }
    if (viewersText && typeof channel.viewers === 'number') {
      viewersText.textContent = String(channel.viewers);
    }
    const was = state;
    state = channel.state;
    if (stateText) stateText.textContent = LABELS[state] || state;
    if (badge) badge.hidden = state !== 'live';
    if (state === was) return;
    if (state === 'live' && !attached) {
      start();
    } else if (state === 'ended') {
      cancelRetry();
      // A player on the live playlist plays to its end (the playlist says so) and stops.
      say('直播已结束。');
    }
  }

  if (dvr) dvr.addEventListener('change', start);
  if (state === 'ended') {
    say('直播已结束。可勾选“回看”观看最近一段直播（如仍保留）。');
  } else {
    start();
  }
  setInterval(poll, POLL_MS);
})();
