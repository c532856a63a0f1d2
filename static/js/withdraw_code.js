/* 撤回报名: the result page's link carries the withdrawal code after "#", which browsers never send to
   the server, so no access log or warning records it. Put it into the field, then take it off the
   address bar and the history. Without JavaScript the person types the code (the page says so). */
(function () {
  var field = document.getElementById("id_code");
  var code = "";
  try {
    code = decodeURIComponent(window.location.hash.slice(1));
  } catch (error) {
    code = window.location.hash.slice(1);
  }
  if (!field || !code) return;
  if (!field.value) field.value = code;
  window.history.replaceState(null, "", window.location.pathname + window.location.search);
})();
