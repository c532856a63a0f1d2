/* 大字 (适老化): the reader's choice, kept in this browser without a cookie, so cached pages stay the same
 * for everyone. Loaded in <head> without defer, so the class is on <html> before the first paint.
 * Without JavaScript the switch stays hidden. A file, not inline: the site's CSP allows no inline script. */
(function (root, key) {
  "use strict";
  try {
    if (localStorage.getItem(key)) root.classList.add("large-text");
    root.classList.add("can-enlarge");
  } catch (error) { return; }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".text-size-switch");
    if (!button) return;
    function show() { button.setAttribute("aria-pressed", String(root.classList.contains("large-text"))); }
    button.addEventListener("click", function () {
      try {
        if (root.classList.toggle("large-text")) localStorage.setItem(key, "1");
        else localStorage.removeItem(key);
      } catch (error) {}
      show();
    });
    show();
  });
})(document.documentElement, "umc-large-text");
