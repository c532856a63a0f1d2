/* The clip editor: mark a clip's start and end on the video with the player's buttons, nudge by a
 * second or a frame, see each clip's length as it changes, and the title band over the nearest frame.
 * The marks fill the row last worked on; times are typed the same way (1:02:03.48). Needs player_marks.js. */
(function () {
  "use strict";

  var clock = window.PlayerMarks.clock, parseClock = window.PlayerMarks.parseClock;

  function init(form) {
    var video = form.querySelector(".player video");
    var rows = form.querySelector("[data-rows]");
    var template = form.querySelector("[data-row-template]");
    var total = form.querySelector("input[name$='-TOTAL_FORMS']");
    var preview = form.querySelector("[data-preview-image]");
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
    window.PlayerMarks.wireControls(form, video, frame, duration);
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
