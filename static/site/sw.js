/* Hub di comunità: the service worker (served at /sw.js by src/portal/pwa.py, scope "/").
 *
 * - "Le mie prenotazioni" (/prenotazioni/) and each booking's page with its QR pass
 *   (/prenotazioni/<CODE>/): network first; the last copy when the network is gone, so the
 *   pass opens at the hub's door without signal.
 * - Other pages: the network; without it, a copy if one was kept, else the offline page.
 * - Static files (/static/): from the cache, fetched once.
 * - Signing out (POST /account/esci/...) forgets the kept pages: they are personal.
 */
"use strict";

var VERSION = "v1";
var PAGES = "hub-pages-" + VERSION;
var ASSETS = "hub-assets-" + VERSION;
var OFFLINE_URL = "/senza-connessione/";
var PRECACHE = [
  OFFLINE_URL,
  "/static/css/bootstrap-italia.min.css",
  "/static/site/site.css",
  "/static/js/bootstrap-italia.bundle.min.js",
  "/static/site/site.js",
  "/static/site/pwa.js",
  "/static/svg/sprites.svg",
  "/static/site/icons/icon-192.png"
];
var KEPT_PAGES = [/^\/prenotazioni\/$/, /^\/prenotazioni\/[A-Z0-9]{8}\/$/];

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(ASSETS).then(function (cache) {
      // One by one: a missing asset must not stop the worker from installing.
      return Promise.all(PRECACHE.map(function (url) {
        return cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {});
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== PAGES && name !== ASSETS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isKept(url) {
  return KEPT_PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

function cacheable(response) {
  return response && response.ok && response.type === "basic" && !response.redirected;
}

function pageFromNetwork(request, keep) {
  return fetch(request).then(function (response) {
    if (keep && cacheable(response)) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request.url, copy); });
    }
    return response;
  });
}

function pageOffline(request) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(request.url, { ignoreSearch: false });
  }).then(function (kept) {
    return kept || caches.match(OFFLINE_URL);
  }).then(function (answer) {
    return answer || new Response(
      "<!doctype html><html lang=\"it\"><meta charset=\"utf-8\"><title>Senza connessione</title>" +
      "<p>Sei senza connessione. Riprova quando torna la rete.</p></html>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } }
    );
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "POST" && url.pathname.indexOf("/account/esci/") === 0) {
    event.waitUntil(caches.delete(PAGES));
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate") {
    var keep = isKept(url);
    event.respondWith(pageFromNetwork(request, keep).catch(function () { return pageOffline(request); }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.open(ASSETS).then(function (cache) {
        return cache.match(request).then(function (hit) {
          return hit || fetch(request).then(function (response) {
            if (cacheable(response)) {
              cache.put(request, response.clone());
            }
            return response;
          });
        });
      })
    );
  }
});
