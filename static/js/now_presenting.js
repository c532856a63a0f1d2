/* 正在讲解: while the fair is live, asks <fair>/now/ every second and a half which position the host presents
 * and pins it above the page. The answer is the same for every reader (cached two seconds on the server
 * and downstream), so polling costs nothing per reader. Without JavaScript the page is the full list. */
(function () {
  "use strict";
  var INTERVAL_MS = 1500;  // with the two seconds kept downstream and a second between web processes: within five
  var box = document.querySelector("[data-now-presenting]");
  if (!box || !window.fetch) return;
  var link = box.querySelector("a");
  var interest = box.querySelector("[data-interest]");
  var shown = null;
  var timer = null;

  function text(selector, value) {
    box.querySelector(selector).textContent = value || "";
  }

  function mark(number) {
    Array.prototype.forEach.call(document.querySelectorAll(".position-item.presenting"), function (item) {
      item.classList.remove("presenting");
    });
    var item = number && document.querySelector('.position-item[data-number="' + number + '"]');
    if (item) item.classList.add("presenting");
    return item;
  }

  function show(answer) {
    var position = answer.position;
    if (answer.state !== "live") {  // the fair ended: nothing more to pin, and no more polling
      window.clearInterval(timer);
      position = null;
    }
    var key = position ? position.number + ":" + position.url : null;
    if (key === shown) return;
    shown = key;
    box.hidden = !position;
    var item = mark(position && position.number);
    // 「我感兴趣」 as the list offers it for this position (an open one): the sign-up form, that position ticked.
    var offered = item && item.querySelector(".interest-link");
    interest.hidden = !offered;
    if (offered) interest.href = offered.href;
    if (!position) return;
    link.href = position.url;
    text("[data-title]", position.title);
    text("[data-pay]", position.pay);
    text("[data-employer]", position.employer);
    text("[data-facts]", [position.district, position.headcount ? "招" + position.headcount + "人" : ""].filter(Boolean).join(" · "));
  }

  function poll() {
    if (document.visibilityState === "hidden") return;
    fetch(box.getAttribute("data-now-presenting"), { cache: "no-store", credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer) show(answer); })
      .catch(function () {});  // a dropped request on a phone: the next poll tries again
  }

  poll();
  timer = window.setInterval(poll, INTERVAL_MS);
  document.addEventListener("visibilitychange", poll);
})();
