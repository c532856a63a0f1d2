/* The video player: HLS through hls.js where Media Source Extensions exist, the browser's own HLS on
 * iPhone/iPad (WeChat on iOS included), the MP4 otherwise. Adds a seek bar with storyboard
 * thumbnails and chapter marks where the browser's own bar can be hidden, and counts one play per
 * reader (a beacon, no cookie), never an admin preview. */
(function () {
  "use strict";

  var HLS_TYPE = "application/vnd.apple.mpegurl";

  function isAppleMobile() {
    return /iP(hone|ad|od)/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  /* Our seek bar replaces the browser's only where CSS can hide that one (Chromium: Android, WeChat on
   * Android, desktop). The controls themselves stay everywhere: on iPhone fullscreen is theirs alone,
   * so iOS, Firefox and Safari keep the browser's bar and no second one. */
  function canReplaceTimeline() {
    return !isAppleMobile() && !!(window.CSS && CSS.supports && CSS.supports("selector(::-webkit-media-controls-timeline)"));
  }

  function vttSeconds(text) {
    var parts = text.trim().split(":").map(parseFloat);
    return parts.reduce(function (total, part) { return total * 60 + part; }, 0);
  }

  /* Cues of a storyboard WebVTT: {start, end, url, x, y, w, h}. */
  function parseStoryboard(text, base) {
    var cues = [];
    text.split(/\r?\n\r?\n/).forEach(function (block) {
      var lines = block.trim().split(/\r?\n/);
      var timing = lines.findIndex(function (line) { return line.indexOf("-->") > 0; });
      if (timing < 0 || !lines[timing + 1]) return;
      var times = lines[timing].split("-->");
      var target = lines[timing + 1].split("#xywh=");
      var box = (target[1] || "").split(",").map(Number);
      if (box.length !== 4) return;
      cues.push({
        start: vttSeconds(times[0]), end: vttSeconds(times[1]),
        url: new URL(target[0], base).href, x: box[0], y: box[1], w: box[2], h: box[3]
      });
    });
    return cues;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var hours = Math.floor(seconds / 3600), minutes = Math.floor(seconds / 60) % 60, rest = seconds % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (hours ? hours + ":" + pad(minutes) : pad(minutes)) + ":" + pad(rest);
  }

  function element(tag, className, parent) {
    var node = document.createElement(tag);
    node.className = className;
    parent.appendChild(node);
    return node;
  }

  function attachEngine(figure, video) {
    var hlsUrl = figure.dataset.hls, mp4Url = figure.dataset.mp4;
    var pressedPlay = false;
    video.addEventListener("play", function () { pressedPlay = true; });
    function useMp4() {
      if (!mp4Url) return;
      video.src = mp4Url;
      figure.dataset.engine = "mp4";
      if (pressedPlay) video.play().catch(function () {});  // the reader asked to play: keep going
    }
    while (video.querySelector("source")) video.removeChild(video.querySelector("source"));
    if (video.canPlayType(HLS_TYPE) && (isAppleMobile() || !(window.MediaSource || window.ManagedMediaSource))) {
      video.src = hlsUrl;
      figure.dataset.engine = "native";
      video.addEventListener("error", useMp4, { once: true });
    } else if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ capLevelToPlayerSize: true, maxBufferLength: 30 });
      var mediaRecoveries = 0;
      hls.on(window.Hls.Events.ERROR, function (event, data) {
        if (!data.fatal) return;  // hls.js retries loads itself; fatal means its retries are spent
        if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR && mediaRecoveries++ < 1) {
          hls.recoverMediaError();
          return;
        }
        figure.dataset.hlsError = data.details;
        hls.destroy();
        useMp4();
      });
      hls.loadSource(hlsUrl);
      hls.attachMedia(video);
      figure.dataset.engine = "hls.js";
    } else {
      useMp4();
    }
  }

  function chapterStarts(figure) {
    return Array.prototype.map.call(figure.querySelectorAll(".chapters a[data-start]"), function (link) {
      return { start: parseFloat(link.dataset.start), link: link };
    });
  }

  function buildScrubber(figure, video, chapters) {
    var bar = document.createElement("div");
    bar.className = "scrubber";
    bar.setAttribute("aria-hidden", "true");
    video.insertAdjacentElement("afterend", bar);
    element("div", "scrubber-track", bar);
    var played = element("div", "scrubber-played", bar);
    var preview = element("div", "scrubber-preview", bar);
    var label = element("span", "", preview);
    preview.hidden = true;
    var cues = [];
    var dragging = false;

    function duration() { return isFinite(video.duration) ? video.duration : 0; }
    function timeAt(clientX) {
      var box = bar.getBoundingClientRect();
      return Math.min(1, Math.max(0, (clientX - box.left) / box.width)) * duration();
    }
    function showPreview(clientX) {
      var time = timeAt(clientX), box = bar.getBoundingClientRect();
      var cue = cues.find(function (item) { return time >= item.start && time < item.end; });
      preview.hidden = false;
      preview.style.left = Math.min(box.width - 60, Math.max(60, clientX - box.left)) + "px";
      label.textContent = clock(time);
      if (cue) {
        preview.style.width = cue.w + "px";
        preview.style.height = cue.h + "px";
        preview.style.backgroundImage = "url(\"" + cue.url + "\")";
        preview.style.backgroundPosition = (-cue.x) + "px " + (-cue.y) + "px";
      } else {
        preview.style.width = "64px";
        preview.style.height = "20px";
        preview.style.backgroundImage = "none";
      }
    }
    function drawMarks() {
      if (!duration()) return;
      chapters.forEach(function (chapter) {
        if (chapter.start <= 0) return;
        element("div", "scrubber-mark", bar).style.left = (100 * chapter.start / duration()) + "%";
      });
    }

    bar.addEventListener("pointerdown", function (event) {
      dragging = true;
      bar.setPointerCapture(event.pointerId);
      showPreview(event.clientX);
    });
    bar.addEventListener("pointermove", function (event) { showPreview(event.clientX); });
    bar.addEventListener("pointerup", function (event) {
      if (dragging && duration()) video.currentTime = timeAt(event.clientX);
      dragging = false;
      preview.hidden = true;
    });
    bar.addEventListener("pointerleave", function () { if (!dragging) preview.hidden = true; });
    function showPosition() {
      if (duration()) played.style.width = (100 * video.currentTime / duration()) + "%";
    }
    video.addEventListener("timeupdate", showPosition);
    video.addEventListener("seeked", showPosition);
    video.addEventListener("loadedmetadata", drawMarks, { once: true });

    if (figure.dataset.storyboard) {
      fetch(figure.dataset.storyboard, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (text) {
          cues = parseStoryboard(text, new URL(figure.dataset.storyboard, location.href).href);
          figure.dataset.storyboardCues = String(cues.length);
        })
        .catch(function () { figure.dataset.storyboardCues = "0"; });
    }
  }

  /* The chapter playing is marked in the list under the player, with or without our seek bar. */
  function followChapters(video, chapters) {
    function showCurrent() {
      chapters.forEach(function (chapter, index) {
        var next = chapters[index + 1];
        var current = video.currentTime >= chapter.start && (!next || video.currentTime < next.start);
        chapter.link.parentNode.classList.toggle("current", current);
      });
    }
    video.addEventListener("timeupdate", showCurrent);
    video.addEventListener("seeked", showCurrent);
    chapters.forEach(function (chapter) {
      chapter.link.addEventListener("click", function (event) {
        event.preventDefault();
        video.currentTime = chapter.start;
        video.play();
      });
    });
  }

  function countPlay(figure, video) {
    if (figure.hasAttribute("data-preview")) return;  // staff checking a video in the admin are not readers
    video.addEventListener("playing", function () {
      var url = "/stats/hit/video/" + figure.dataset.videoId + "/";
      if (navigator.sendBeacon) navigator.sendBeacon(url);
    }, { once: true });
  }

  function setUp(figure) {
    if (figure.dataset.engine) return;
    var video = figure.querySelector("video");
    var chapters = chapterStarts(figure);
    attachEngine(figure, video);
    if (canReplaceTimeline()) {
      buildScrubber(figure, video, chapters);
      figure.classList.add("has-scrubber");
    }
    followChapters(video, chapters);
    countPlay(figure, video);
  }

  /* A 「看讲解」 button elsewhere on the page (a fair's position list): the page's player seeks to its time. */
  function seekFromButtons() {
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-seek]") : null;
      var figure = document.querySelector("figure.player");
      if (!button || !figure) return;
      var video = figure.querySelector("video"), at = parseFloat(button.dataset.seek);
      if (video.readyState >= 1) video.currentTime = at;
      else video.addEventListener("loadedmetadata", function () { video.currentTime = at; }, { once: true });
      figure.scrollIntoView({ behavior: "smooth", block: "start" });
      var playing = video.play();
      if (playing && playing.catch) playing.catch(function () {});  // a browser that refuses autoplay: the seek stands
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("figure.player"), setUp);
    seekFromButtons();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
