/* The printable list's 打印 button (no onclick attribute: the site's CSP allows no inline handler). */
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
