// 距开播还有…: counts down each [data-countdown] (an ISO time) and reloads the page at the start,
// when the server shows the live rooms instead (the cached copy expires at that moment too).
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-countdown]"));
  if (!items.length) return;
  function left(ms) {
    var minutes = Math.ceil(ms / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), rest = minutes % 60;
    if (days) return days + "天" + hours + "小时";
    if (hours) return hours + "小时" + rest + "分钟";
    if (minutes > 1) return minutes + "分钟";
    return Math.max(0, Math.ceil(ms / 1000)) + "秒";
  }
  var reloading = false;
  function tick() {
    var now = Date.now();
    items.forEach(function (item) {
      var ms = Date.parse(item.getAttribute("data-countdown")) - now;
      if (ms > 0) {
        item.textContent = "距开播还有" + left(ms);
      } else if (!reloading) {
        reloading = true;
        // Once per start: a phone whose clock runs ahead of the server's would otherwise reload forever.
        var key = "countdown-reloaded:" + location.pathname + ":" + item.getAttribute("data-countdown");
        var reloadedBefore = false;
        try { reloadedBefore = sessionStorage.getItem(key) === "1"; sessionStorage.setItem(key, "1"); } catch (error) {}
        item.textContent = reloadedBefore ? "直播即将开始，请稍后刷新页面" : "直播即将开始…";
        if (!reloadedBefore) window.setTimeout(function () { window.location.reload(); }, 1500);
      }
    });
  }
  tick();
  window.setInterval(tick, 1000);
})();
