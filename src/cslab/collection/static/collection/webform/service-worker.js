/* The web form's service worker, loaded by /collect-sw.js (which sets self.CSLAB_WEBFORM
 * and imports queue.js first). It keeps the web form usable without a connection:
 *
 * - the form's scripts, styles and Leaflet are cached when the worker installs (cache first);
 * - a form page (…/forms/<form_id>/fill/) is fetched from the network when possible and kept,
 *   and served from the cache when the network fails; a form page never kept gets the
 *   offline page, which still shows and sends the outbox;
 * - Background Sync (where the browser has it) sends the outbox when the connection returns;
 *   the page itself also sends on load and on the `online` event.
 *
 * Everything else (the API, other pages, map tiles) goes to the network untouched.
 */
/* global CslabQueue */
(function () {
  "use strict";

  var settings = self.CSLAB_WEBFORM || { version: "dev", assets: [], offlineUrl: null };
  var ASSETS = "cslab-webform-assets-" + settings.version;
  var PAGES = "cslab-webform-pages";
  var FORM_PAGE = /\/projects\/[^/]+\/forms\/[^/]+\/fill\/$/;

  function keepAll(cache, urls) {
    // One missing file must not stop the worker from installing.
    return Promise.all(
      urls.map(function (url) {
        return cache.add(new Request(url, { credentials: "same-origin" })).catch(function () {
          return null;
        });
      })
    );
  }

  self.addEventListener("install", function (event) {
    var urls = settings.assets.slice();
    event.waitUntil(
      caches
        .open(ASSETS)
        .then(function (cache) {
          return keepAll(cache, urls);
        })
        .then(function () {
          if (!settings.offlineUrl) {
            return null;
          }
          return caches.open(PAGES).then(function (cache) {
            return keepAll(cache, [settings.offlineUrl]);
          });
        })
        .then(function () {
          return self.skipWaiting();
        })
    );
  });

  self.addEventListener("activate", function (event) {
    event.waitUntil(
      caches
        .keys()
        .then(function (names) {
          return Promise.all(
            names
              .filter(function (name) {
                return name.indexOf("cslab-webform-assets-") === 0 && name !== ASSETS;
              })
              .map(function (name) {
                return caches.delete(name);
              })
          );
        })
        .then(function () {
          return self.clients.claim();
        })
    );
  });

  function isFormPage(url) {
    return url.origin === self.location.origin && FORM_PAGE.test(url.pathname);
  }

  function formPage(request) {
    return fetch(request)
      .then(function (response) {
        if (response.ok && response.status === 200 && !response.redirected) {
          var copy = response.clone();
          caches.open(PAGES).then(function (cache) {
            return cache.put(request.url.split("#")[0], copy);
          });
        }
        return response;
      })
      .catch(function () {
        return caches.open(PAGES).then(function (cache) {
          return cache.match(request.url.split("#")[0], { ignoreSearch: true }).then(
            function (kept) {
              if (kept) {
                return kept;
              }
              return settings.offlineUrl ? cache.match(settings.offlineUrl) : undefined;
            }
          );
        }).then(function (response) {
          return response || new Response("Offline", {
            status: 503,
            headers: { "Content-Type": "text/plain; charset=utf-8" },
          });
        });
      });
  }

  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET") {
      return;
    }
    var url = new URL(request.url);
    if (request.mode === "navigate" && isFormPage(url)) {
      event.respondWith(formPage(request));
      return;
    }
    if (url.origin === self.location.origin && settings.assets.indexOf(url.pathname) >= 0) {
      event.respondWith(
        caches.open(ASSETS).then(function (cache) {
          return cache.match(request).then(function (kept) {
            return kept || fetch(request);
          });
        })
      );
    }
  });

  function tellPages() {
    return self.clients.matchAll({ type: "window" }).then(function (pages) {
      pages.forEach(function (page) {
        page.postMessage({ type: "outbox-changed" });
      });
    });
  }

  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "keep-page" && typeof data.url === "string") {
      var url = new URL(data.url);
      if (isFormPage(url)) {
        var address = url.href.split("#")[0];
        event.waitUntil(
          fetch(address, { credentials: "same-origin" })
            .then(function (response) {
              // Only the form itself, never a log-in page it was redirected to.
              if (!response.ok || response.redirected) {
                return null;
              }
              return caches.open(PAGES).then(function (cache) {
                return cache.put(address, response);
              });
            })
            .catch(function () {
              return null;
            })
        );
      }
    }
  });

  self.addEventListener("sync", function (event) {
    if (event.tag !== CslabQueue.SYNC_TAG) {
      return;
    }
    event.waitUntil(
      CslabQueue.send({}).then(function (summary) {
        return tellPages().then(function () {
          if (summary && summary.stopped === "stop") {
            // Still offline or the server failed: let the browser try again later.
            throw new Error("The outbox is still waiting.");
          }
        });
      })
    );
  });
})();
