/* Marking times on the admin's player, shared by the clip editor and a fair's position times:
 * times as staff read them (1:02:03.48), and the buttons that play, pause and step by a second or a frame. */
(function () {
  "use strict";

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function clock(seconds) {
    var hundredths = Math.round(seconds * 100);
    var whole = Math.floor(hundredths / 100), fraction = hundredths % 100;
    var hours = Math.floor(whole / 3600), minutes = Math.floor(whole / 60) % 60, secs = whole % 60;
    var text = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(secs);
    return fraction ? text + "." + pad(fraction) : text;
  }

  function parseClock(text) {
    var value = (text || "").trim();
    if (!value) return null;
    if (/^\d+(\.\d+)?$/.test(value)) return parseFloat(value);
    var match = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(value);
    if (!match) return null;
    return (parseInt(match[1] || "0", 10) * 3600) + parseInt(match[2], 10) * 60 + parseInt(match[3], 10) +
      parseFloat("0." + (match[4] || "0"));
  }

  /* [data-play], [data-nudge="1|-1|frame|-frame"] and [data-now] inside `container` drive `video`. */
  function wireControls(container, video, frame, duration) {
    var now = container.querySelector("[data-now]");
    function show() { if (now) now.textContent = clock(video.currentTime); }
    video.addEventListener("timeupdate", show);
    video.addEventListener("seeked", show);
    container.querySelector("[data-play]").addEventListener("click", function () {
      if (video.paused) video.play(); else video.pause();
    });
    Array.prototype.forEach.call(container.querySelectorAll("[data-nudge]"), function (button) {
      button.addEventListener("click", function () {
        var step = button.dataset.nudge === "frame" ? frame : button.dataset.nudge === "-frame" ? -frame : parseFloat(button.dataset.nudge);
        video.pause();
        video.currentTime = Math.max(0, Math.min(duration || video.duration, video.currentTime + step));
      });
    });
  }

  window.PlayerMarks = { clock: clock, parseClock: parseClock, wireControls: wireControls };
})();
