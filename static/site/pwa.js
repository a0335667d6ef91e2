/* The installable web app on every page: registers the service worker (/sw.js), says when a
 * page is the copy kept on the device, and subscribes this browser to web push when the person
 * asks (a button marked data-push-subscribe; the key comes from <meta name="webpush-key">). */
(function () {
  "use strict";

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  function showOfflineNotes() {
    var offline = navigator.onLine === false;
    document.querySelectorAll("[data-offline-note]").forEach(function (note) {
      note.hidden = !offline;
    });
  }
  window.addEventListener("online", showOfflineNotes);
  window.addEventListener("offline", showOfflineNotes);
  document.addEventListener("DOMContentLoaded", showOfflineNotes);

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes;
  }

  function say(button, text) {
    var target = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (target) {
      target.textContent = text;
    }
  }

  function subscribe(button) {
    var key = document.querySelector("meta[name=webpush-key]");
    if (!key || !("PushManager" in window) || !("serviceWorker" in navigator)) {
      say(button, button.getAttribute("data-unsupported"));
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(key.getAttribute("content"))
      });
    }).then(function (subscription) {
      return fetch(button.getAttribute("data-push-subscribe"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON())
      });
    }).then(function (response) {
      say(button, button.getAttribute(response.ok ? "data-done" : "data-failed"));
    }).catch(function () {
      say(button, button.getAttribute("data-failed"));
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-push-subscribe]");
    if (button) {
      event.preventDefault();
      subscribe(button);
    }
  });
})();
