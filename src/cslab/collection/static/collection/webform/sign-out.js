/* Log-out on a shared device: what happens to the person's unsent web-form work.
 *
 * The web form keeps drafts and an outbox in this browser, per person (queue.js). When the
 * person logs out (the header button or the log-out page: any form posting to the log-out
 * URL) and this device still holds their unsent work, #sign-out-dialog asks: send it now,
 * keep it until they sign in again (nobody else sees or sends it meanwhile), or discard it.
 * Either way the browser then forgets who was signed in (so the service worker sends nothing
 * in their name) and drops the form pages it kept for offline use, which name that person.
 *
 * Whether there is unsent work is read ahead (on load and whenever the web form's storage
 * changes), so that a log-out with nothing to ask about proceeds at once, as without this
 * script. Should the answer be stale, the work stays kept for its author: nothing is lost,
 * and nobody else sees or sends it (the server refuses it from anyone else's session).
 */
/* global CslabQueue */
(function () {
  "use strict";

  var PAGES = "cslab-webform-pages";
  var FORM_PAGE = /\/projects\/[^/]+\/forms\/[^/]+\/fill\/$/;

  function start() {
    var dialog = document.getElementById("sign-out-dialog");
    var Q = window.CslabQueue;
    if (!dialog || !Q || !window.indexedDB || typeof dialog.showModal !== "function") {
      return; // the log-out happens as usual; any unsent work stays kept for this person
    }
    var person = dialog.getAttribute("data-person");
    var logoutUrl = dialog.getAttribute("data-logout-url");
    var script = document.querySelector("script[src*='sign-out.js']");
    var sendingText = (script && script.getAttribute("data-sending")) || "";
    var leaving = null;
    var pending = null; // unknown until read; then {items, drafts}

    function readPending() {
      return Q.pendingOf(person).then(function (found) {
        pending = found;
      }, function () {
        pending = { items: 0, drafts: 0 }; // no storage: nothing can be unsent
      });
    }

    function ignore() {
      return null;
    }

    function dropKeptPages() {
      if (!("caches" in window)) {
        return Promise.resolve();
      }
      return window.caches.open(PAGES).then(function (cache) {
        return cache.keys().then(function (requests) {
          return Promise.all(requests.filter(function (request) {
            return FORM_PAGE.test(new URL(request.url).pathname);
          }).map(function (request) {
            return cache.delete(request);
          }));
        });
      });
    }

    function forget() {
      return Promise.all([Q.personSet(null).catch(ignore), dropKeptPages().catch(ignore)]);
    }

    function leave(form) {
      forget().then(function () {
        form.submit(); // submit() fires no submit event: this handler does not run again
      });
    }

    function csrfTokenOf(form) {
      var field = form.querySelector("input[name=csrfmiddlewaretoken]");
      return field ? field.value : "";
    }

    Array.prototype.forEach.call(dialog.querySelectorAll("button[data-choice]"), function (button) {
      button.addEventListener("click", function () {
        var form = leaving;
        var choice = button.getAttribute("data-choice");
        if (!form) {
          return;
        }
        if (choice === "cancel") {
          leaving = null;
          dialog.close();
          return;
        }
        Array.prototype.forEach.call(dialog.querySelectorAll("button"), function (other) {
          other.disabled = true;
        });
        var before = Promise.resolve();
        if (choice === "send") {
          document.getElementById("sign-out-status").textContent = sendingText;
          // Whatever cannot be sent now (offline) stays kept for this person.
          before = Q.send({ owner: person, csrfToken: csrfTokenOf(form) }).catch(ignore);
        } else if (choice === "discard") {
          before = Q.discardAllOf(person).catch(ignore);
        }
        before.then(function () {
          leave(form);
        });
      });
    });

    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || form.getAttribute("action") !== logoutUrl) {
        return;
      }
      if (pending && !pending.items && !pending.drafts) {
        forget(); // the log-out goes ahead now; this finishes alongside
        return;
      }
      event.preventDefault();
      readPending().then(function () {
        if (!pending.items && !pending.drafts) {
          leave(form);
          return;
        }
        leaving = form;
        dialog.showModal();
      });
    }, true);

    readPending();
    window.addEventListener("cslab-webform-storage", readPending);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
