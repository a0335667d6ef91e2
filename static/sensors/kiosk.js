/* The kiosk screen of a hub: every `data-air-refresh` seconds, fetch the page again and swap
   the "Qualità dell'aria adesso" section in place (no inline script: the CSP forbids it). A
   failed fetch keeps what is shown and tries again at the next tick. */
(function () {
  "use strict";
  var section = document.getElementById("aria");
  if (!section) return;
  var seconds = parseInt(section.getAttribute("data-air-refresh"), 10);
  if (!seconds || seconds < 10) return;
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("aria");
        var current = document.getElementById("aria");
        if (fresh && current) current.replaceWith(fresh);
      })
      .catch(function () {})
      .finally(function () {
        window.setTimeout(refresh, seconds * 1000);
      });
  }
  window.setTimeout(refresh, seconds * 1000);
})();
