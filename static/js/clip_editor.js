/* The clip editor: mark a clip's start and end on the video with the player's buttons, nudge by a
 * second or a frame, see each clip's length as it changes, and the title band over the nearest frame.
 * The marks fill the row last worked on; times are typed the same way (1:02:03.48). */
(function () {
  "use strict";

  function parseClock(text) {
    var value = (text || "").trim();
    if (!value) return null;
    if (/^\d+(\.\d+)?$/.test(value)) return parseFloat(value);
    var match = /^(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(value);
    if (!match) return null;
    return (parseInt(match[1] || "0", 10) * 3600) + parseInt(match[2], 10) * 60 + parseInt(match[3], 10) +
      parseFloat("0." + (match[4] || "0"));
  }

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function clock(seconds) {
    var hundredths = Math.round(seconds * 100);
    var whole = Math.floor(hundredths / 100), fraction = hundredths % 100;
    var hours = Math.floor(whole / 3600), minutes = Math.floor(whole / 60) % 60, secs = whole % 60;
    var text = (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(secs);
    return fraction ? text + "." + pad(fraction) : text;
  }

  function init(form) {
    var video = form.querySelector(".player video");
    var rows = form.querySelector("[data-rows]");
    var template = form.querySelector("[data-row-template]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var preview = form.querySelector("[data-preview-image]");
    var now = form.querySelector("[data-now]");
    var frame = parseFloat(form.dataset.frame) || 0.04;
    var duration = parseFloat(form.dataset.duration) || 0;
    var minimum = parseFloat(form.dataset.min), maximum = parseFloat(form.dataset.max);
    var active = null, previewTimer = null;

    function field(row, name) { return row.querySelector("input[name$='-" + name + "']"); }

    function activate(row) {
      if (active) active.removeAttribute("data-active");
      active = row;
      row.setAttribute("data-active", "");
      showPreview();
    }

    function showLength(row) {
      var start = parseClock(field(row, "start_at").value), end = parseClock(field(row, "end_at").value);
      var cell = row.querySelector("[data-length]");
      if (start === null || end === null) { cell.textContent = "—"; cell.removeAttribute("data-bad"); return; }
      var length = end - start;
      cell.textContent = length > 0 ? clock(length) : "起点应早于终点";
      if (length < minimum || length > maximum) cell.setAttribute("data-bad", ""); else cell.removeAttribute("data-bad");
    }

    function showPreview() {
      if (!active || !preview) return;
      clearTimeout(previewTimer);
      previewTimer = setTimeout(function () {
        var start = parseClock(field(active, "start_at").value);
        var at = start === null ? (video ? video.currentTime : 0) : start + 1;
        var logo = form.querySelector("input[name='logo']");
        preview.src = form.dataset.preview + "?at=" + at.toFixed(2) + "&title=" + encodeURIComponent(field(active, "title").value) +
          (logo && logo.value ? "&logo=" + encodeURIComponent(logo.value) : "");
      }, 400);
    }

    function watch(row) {
      row.addEventListener("focusin", function () { activate(row); });
      row.addEventListener("input", function () { showLength(row); showPreview(); });
      showLength(row);
    }

    function addRow() {
      var index = parseInt(total.value, 10);
      var holder = document.createElement("tbody");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, index).replace(/__number__/g, index + 1);
      var row = holder.querySelector("[data-row]");
      rows.appendChild(row);
      total.value = index + 1;
      watch(row);
      activate(row);
      return row;
    }

    var logoInput = form.querySelector("input[name='logo']");
    if (logoInput) logoInput.addEventListener("change", showPreview);  // the image chooser sets it
    Array.prototype.forEach.call(rows.querySelectorAll("[data-row]"), watch);
    activate(rows.querySelector("[data-row]:last-child") || addRow());
    form.querySelector("[data-add-row]").addEventListener("click", function () { field(addRow(), "start_at").focus(); });

    if (!video) return;
    video.addEventListener("timeupdate", function () { now.textContent = clock(video.currentTime); });
    video.addEventListener("seeked", function () { now.textContent = clock(video.currentTime); });
    form.querySelector("[data-play]").addEventListener("click", function () {
      if (video.paused) video.play(); else video.pause();
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-nudge]"), function (button) {
      button.addEventListener("click", function () {
        var step = button.dataset.nudge === "frame" ? frame : button.dataset.nudge === "-frame" ? -frame : parseFloat(button.dataset.nudge);
        video.pause();
        video.currentTime = Math.max(0, Math.min(duration || video.duration, video.currentTime + step));
      });
    });
    Array.prototype.forEach.call(form.querySelectorAll("[data-mark]"), function (button) {
      button.addEventListener("click", function () {
        var input = field(active, button.dataset.mark === "start" ? "start_at" : "end_at");
        input.value = clock(video.currentTime);
        showLength(active);
        showPreview();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-clip-editor]"), init);
  });
})();
