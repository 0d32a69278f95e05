// Plays an item's HLS stream on its page: through hls.js (from the npm registry, served as
// /static/hls.min.js) where the browser has Media Source Extensions, else natively (Safari,
// iOS). hls.js picks the rendition for the viewer's bandwidth.
(function () {
  'use strict';
  const video = document.getElementById('player');
  if (!video) return;
  const source = video.dataset.hls;
  const complain = (text) => {
    const note = document.createElement('p');
    note.className = 'error';
    note.textContent = text;
    video.insertAdjacentElement('afterend', note);
  };
  if (window.Hls && window.Hls.isSupported()) {
    // No worker: hls.js would start it from a blob: script, which the pages'
    // Content-Security-Policy refuses (worker-src 'none') rather than allow blob: scripts;
    // transmuxing these clips on the page's own thread is light enough.
    const hls = new window.Hls({ enableWorker: false });
    hls.on(window.Hls.Events.ERROR, (_event, data) => {
      if (data.fatal) complain('视频无法播放（' + data.details + '），请下载 MP4 观看。');
    });
    hls.loadSource(source);
    hls.attachMedia(video);
    window.vocweekPlayer = hls;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = source;
  } else {
    complain('此浏览器无法播放该视频，请下载 MP4 观看。');
  }
})();

// 剪辑片段: the in- and out-point buttons take the player's current position.
(function () {
  'use strict';
  const video = document.getElementById('player');
  if (!video) return;
  document.querySelectorAll('[data-clip-mark]').forEach((button) => {
    button.addEventListener('click', () => {
      const field = document.getElementById(button.dataset.clipMark);
      if (field) field.value = video.currentTime.toFixed(2);
    });
  });
})();
