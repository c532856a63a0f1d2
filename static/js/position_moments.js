/* A fair's position times on its replay: each row's 「设为起点」「设为终点」 take the player's current
 * time, never a typed one; 「跳到起点」 checks a mark. While clips render the page reloads to show
 * their progress, but never under someone watching or with marks not yet saved. Needs player_marks.js. */
(function () {
  "use strict";
  var clock = window.PlayerMarks.clock;

  function init(form) {
    var video = form.querySelector(".player video");
    var changed = false;
    window.PlayerMarks.wireControls(form, video, parseFloat(form.dataset.frame) || 0.04, parseFloat(form.dataset.duration) || 0);

    function show(row) {
      var start = row.querySelector("[data-start]").value, end = row.querySelector("[data-end]").value;
      row.querySelector("[data-start-clock]").textContent = start === "" ? "—" : clock(parseFloat(start));
      row.querySelector("[data-end-clock]").textContent = end === "" ? "—" : clock(parseFloat(end));
    }

    Array.prototype.forEach.call(form.querySelectorAll("[data-moment-row]"), function (row) {
      show(row);
      row.querySelector("[data-set='start']").addEventListener("click", function () {
        row.querySelector("[data-start]").value = video.currentTime.toFixed(2);
        changed = true;
        show(row);
      });
      row.querySelector("[data-set='end']").addEventListener("click", function () {
        row.querySelector("[data-end]").value = video.currentTime.toFixed(2);
        changed = true;
        show(row);
      });
      row.querySelector("[data-clear]").addEventListener("click", function () {
        row.querySelector("[data-start]").value = "";
        row.querySelector("[data-end]").value = "";
        changed = true;
        show(row);
      });
      row.querySelector("[data-go]").addEventListener("click", function () {
        var start = row.querySelector("[data-start]").value;
        if (start !== "") video.currentTime = parseFloat(start);
      });
    });

    if (form.hasAttribute("data-refresh")) {
      window.setInterval(function () {
        if (video.paused && !changed) window.location.reload();
      }, 5000);
    }
  }

  /* 「播放器当前位置 = 第一次讲解」: staff play the replay to where the host starts the first position
   * pressed live; the server sets the recording's start from that press's time. */
  function initSync(form) {
    var align = form.querySelector("[data-align-first]");
    var video = document.querySelector(".player video");
    if (!align || !video) return;
    align.addEventListener("click", function () {
      form.querySelector("[data-player-time]").value = video.currentTime.toFixed(2);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-position-moments]"), init);
    Array.prototype.forEach.call(document.querySelectorAll("[data-shelf-sync]"), initSync);
  });
})();
