/* Counts one read: a beacon to the address on this script's data-hit (a pixel where beacons are missing).
 * A file, not inline: the site's CSP allows no inline script; the address varies by page, so it rides along. */
(function (script) {
  "use strict";
  var url = script && script.getAttribute("data-hit");
  if (!url) return;
  if (navigator.sendBeacon) navigator.sendBeacon(url);
  else new Image().src = url;
})(document.currentScript || document.querySelector("script[data-hit]"));
