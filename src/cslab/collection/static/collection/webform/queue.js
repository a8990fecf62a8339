/* The web form's browser storage, shared by the page and the service worker (importScripts).
 *
 * IndexedDB database "cslab-webform" with three stores:
 *   drafts  — one per person and form ("<person>/<slug>/<form_id>"): the answers as typed,
 *             the photos and recordings as Blobs, the location, and the instance ID made when
 *             the form was started (so sending the draft twice can never make two
 *             observations);
 *   outbox  — finished observations waiting to be sent, in the order they were saved, each
 *             with the `owner` who saved it;
 *   meta    — {key: "person", value: <key>}: who is signed in, as the last page said (the
 *             service worker has no other way to know), cleared on log-out.
 *
 * Shared devices: a person is an opaque key the page gives (`data-person`, never the e-mail
 * address; "anonymous" for visitors). Drafts and outbox items belong to the person who saved
 * them and are only shown to and sent for that person; the submission and the file URLs
 * also carry the key (`queued_by`), so the server refuses them from anyone else's session.
 * Items saved before this was recorded have no owner: they are never sent automatically, and
 * whoever is signed in may claim ("send as me") or discard them.
 *
 * CslabQueue.send() sends the outbox in order: the submission as JSON, then each file. 201
 * and 200 (already stored) count as sent; 409 keeps the item, marked for the person to look
 * at and discard; a network failure or a server error stops and leaves everything for the
 * next try (the `online` event, the next page load, or Background Sync in the worker).
 */
(function (root) {
  "use strict";

  if (root.CslabQueue) {
    return; // loaded twice on one page (the log-out script and the web form both need it)
  }

  var DATABASE = "cslab-webform";
  var VERSION = 2;
  var LOCK = "cslab-webform-outbox";
  var STALE_SENDING_MS = 2 * 60 * 1000;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () {
        resolve(request.result);
      };
      request.onerror = function () {
        reject(request.error);
      };
    });
  }

  var opened = null;

  function open() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var request = root.indexedDB.open(DATABASE, VERSION);
        request.onupgradeneeded = function () {
          var database = request.result;
          if (!database.objectStoreNames.contains("drafts")) {
            database.createObjectStore("drafts", { keyPath: "key" });
          }
          if (!database.objectStoreNames.contains("outbox")) {
            database.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
          }
          if (!database.objectStoreNames.contains("meta")) {
            database.createObjectStore("meta", { keyPath: "key" });
          }
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          opened = null;
          reject(request.error);
        };
      });
    }
    return opened;
  }

  /* Tell the page's other scripts (the log-out question) that drafts or the outbox changed. */
  function announceChange(value) {
    if (root.document && typeof root.dispatchEvent === "function" && root.CustomEvent) {
      root.dispatchEvent(new root.CustomEvent("cslab-webform-storage"));
    }
    return value;
  }

  function withStore(name, mode, action) {
    return open().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(name, mode);
        var result;
        Promise.resolve(action(transaction.objectStore(name))).then(function (value) {
          result = value;
        }, reject);
        transaction.oncomplete = function () {
          resolve(result);
        };
        transaction.onerror = function () {
          reject(transaction.error);
        };
        transaction.onabort = function () {
          reject(transaction.error);
        };
      });
    });
  }

  /* --- drafts ------------------------------------------------------------------------- */

  function draftGet(key) {
    return withStore("drafts", "readonly", function (store) {
      return promised(store.get(key));
    });
  }

  function draftPut(draft) {
    return withStore("drafts", "readwrite", function (store) {
      return promised(store.put(draft));
    }).then(announceChange);
  }

  function draftDelete(key) {
    return withStore("drafts", "readwrite", function (store) {
      return promised(store.delete(key));
    }).then(announceChange);
  }

  /* Every draft of one person. */
  function draftsOf(owner) {
    return withStore("drafts", "readonly", function (store) {
      return promised(store.getAll());
    }).then(function (drafts) {
      return drafts.filter(function (draft) {
        return draft.owner === owner;
      });
    });
  }

  /* --- who is signed in ----------------------------------------------------------------- */

  function personGet() {
    return withStore("meta", "readonly", function (store) {
      return promised(store.get("person"));
    }).then(function (record) {
      return record ? record.value : null;
    });
  }

  function personSet(person) {
    return withStore("meta", "readwrite", function (store) {
      return person
        ? promised(store.put({ key: "person", value: person }))
        : promised(store.delete("person"));
    });
  }

  /* --- outbox ------------------------------------------------------------------------- */

  function outboxAll() {
    return withStore("outbox", "readonly", function (store) {
      return promised(store.getAll());
    }).then(function (items) {
      return items.sort(function (a, b) {
        return a.id - b.id;
      });
    });
  }

  /* The outbox items of one person (in order), and those saved before owners were recorded. */
  function itemsOf(owner) {
    return outboxAll().then(function (items) {
      return items.filter(function (item) {
        return item.owner === owner;
      });
    });
  }

  function unclaimed() {
    return outboxAll().then(function (items) {
      return items.filter(function (item) {
        return !item.owner;
      });
    });
  }

  function outboxPut(item) {
    return withStore("outbox", "readwrite", function (store) {
      return promised(store.put(item));
    });
  }

  /* Save a finished observation and, in the same transaction, forget its draft. */
  function enqueue(item, draftKey) {
    return open().then(function (database) {
      return new Promise(function (resolve, reject) {
        var transaction = database.transaction(["outbox", "drafts"], "readwrite");
        var id = null;
        item.state = "waiting";
        item.createdAt = item.createdAt || new Date().toISOString();
        var request = transaction.objectStore("outbox").add(item);
        request.onsuccess = function () {
          id = request.result;
        };
        if (draftKey) {
          transaction.objectStore("drafts").delete(draftKey);
        }
        transaction.oncomplete = function () {
          resolve(announceChange(id));
        };
        transaction.onerror = function () {
          reject(transaction.error);
        };
      });
    });
  }

  function outboxDelete(id) {
    return withStore("outbox", "readwrite", function (store) {
      return promised(store.delete(id));
    }).then(announceChange);
  }

  /* --- sending ------------------------------------------------------------------------ */

  function problemOf(response) {
    return response
      .json()
      .catch(function () {
        return {};
      })
      .then(function (body) {
        return body || {};
      });
  }

  function detailOf(problem, fallback) {
    var text = problem.detail || problem.title || fallback || "";
    if (problem.errors && typeof problem.errors === "object") {
      var parts = [];
      Object.keys(problem.errors).forEach(function (name) {
        var messages = problem.errors[name];
        parts.push(name + ": " + (messages && messages.join ? messages.join(" ") : messages));
      });
      if (parts.length) {
        text += " (" + parts.join("; ") + ")";
      }
    }
    return text;
  }

  /* Outcome of one item: "sent", "kept" (marked for the person), "stop" (try again later). */
  function sendItem(item, options) {
    var headers = {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": options.csrfToken || item.csrfToken || "",
    };
    var start = item.observationId
      ? Promise.resolve({ ok: true, observationId: item.observationId })
      : fetch(item.submitUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: headers,
          body: JSON.stringify(item.payload),
        }).then(function (response) {
          if (response.status === 200 || response.status === 201) {
            return response.json().then(function (observation) {
              return { ok: true, observationId: observation.id };
            });
          }
          return problemOf(response).then(function (problem) {
            return { ok: false, status: response.status, problem: problem };
          });
        });
    return start.then(function (result) {
      if (!result.ok) {
        return settleFailure(item, result.status, result.problem);
      }
      item.observationId = result.observationId;
      return outboxPut(item).then(function () {
        return sendFiles(item, options);
      });
    });
  }

  function settleFailure(item, status, problem) {
    if (status === 409 || status === 400 || status === 404 || status === 422) {
      item.state = status === 409 ? "conflict" : "refused";
      item.status = status;
      item.code = problem.code || "";
      item.message = detailOf(problem, "HTTP " + status);
      // A project's new consent version refuses the observation until the person consents:
      // the page links to the consent text (`errors.consent_url`, a same-site path).
      var consentUrl = problem.errors && problem.errors.consent_url;
      item.consentUrl = typeof consentUrl === "string" && consentUrl.charAt(0) === "/" &&
        consentUrl.charAt(1) !== "/" ? consentUrl : "";
      return outboxPut(item).then(function () {
        return "kept";
      });
    }
    if (status === 401 || status === 403) {
      return Promise.resolve("signed-out");
    }
    return Promise.resolve("stop");
  }

  function sendFiles(item, options) {
    var files = (item.files || []).filter(function (file) {
      return !file.sent;
    });
    var chain = Promise.resolve("sent");
    files.forEach(function (file) {
      chain = chain.then(function (outcome) {
        if (outcome !== "sent") {
          return outcome;
        }
        var body = new FormData();
        body.append("file", file.blob, file.name);
        body.append("name", file.name);
        var url = item.mediaUrl.replace("{observation_id}", String(item.observationId));
        return fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            Accept: "application/json",
            "X-CSRFToken": options.csrfToken || item.csrfToken || "",
          },
          body: body,
        }).then(function (response) {
          if (response.status === 200 || response.status === 201) {
            // The file is on the server: drop the Blob so the outbox does not hold it twice.
            file.sent = true;
            file.blob = null;
            return outboxPut(item).then(function () {
              return "sent";
            });
          }
          return problemOf(response).then(function (problem) {
            return settleFailure(item, response.status, problem);
          });
        });
      });
    });
    return chain;
  }

  function isBusy(item) {
    return (
      item.sendingSince && Date.now() - new Date(item.sendingSince).getTime() < STALE_SENDING_MS
    );
  }

  /* Send every waiting item of one person in order (`options.owner`; without it, the person
   * the last page said is signed in, and nothing when nobody is). Resolves to a summary
   * {sent, kept, waiting, stopped}. */
  function sendAll(options) {
    options = options || {};
    var summary = { sent: 0, kept: 0, waiting: 0, stopped: null };
    var owner = options.owner ? Promise.resolve(options.owner) : personGet();
    return owner.then(function (person) {
      return person ? itemsOf(person) : [];
    }).then(function (items) {
      var chain = Promise.resolve();
      items.forEach(function (item) {
        chain = chain.then(function () {
          if (summary.stopped || item.state !== "waiting" || isBusy(item)) {
            if (item.state === "waiting") {
              summary.waiting += 1;
            }
            return null;
          }
          item.sendingSince = new Date().toISOString();
          return outboxPut(item)
            .then(function () {
              return sendItem(item, options);
            })
            .catch(function () {
              return "stop"; // offline, or the connection broke: try again later
            })
            .then(function (outcome) {
              if (outcome === "sent") {
                summary.sent += 1;
                return outboxDelete(item.id);
              }
              item.sendingSince = null;
              if (outcome === "kept") {
                summary.kept += 1;
              } else {
                summary.waiting += 1;
                summary.stopped = outcome;
              }
              return outboxPut(item);
            });
        });
      });
      return chain.then(function () {
        return summary;
      });
    });
  }

  /* One sender at a time across tabs and the service worker (Web Locks where available). */
  function send(options) {
    var locks = root.navigator && root.navigator.locks;
    if (locks && locks.request) {
      return locks.request(LOCK, { ifAvailable: true }, function (lock) {
        return lock ? sendAll(options) : null;
      });
    }
    return sendAll(options);
  }

  function discard(id) {
    return outboxDelete(id);
  }

  /* Forget everything one person left unsent on this device: outbox items and drafts. */
  function discardAllOf(owner) {
    return Promise.all([itemsOf(owner), draftsOf(owner)]).then(function (found) {
      return Promise.all(
        found[0].map(function (item) {
          return outboxDelete(item.id);
        }).concat(found[1].map(function (draft) {
          return draftDelete(draft.key);
        }))
      );
    });
  }

  /* How much one person left unsent here: {items, drafts}. */
  function pendingOf(owner) {
    return Promise.all([itemsOf(owner), draftsOf(owner)]).then(function (found) {
      return { items: found[0].length, drafts: found[1].length };
    });
  }

  /* The person signed in takes an item saved before owners were recorded, to send it. */
  function claim(id, owner) {
    return withStore("outbox", "readwrite", function (store) {
      return promised(store.get(id)).then(function (item) {
        if (item && !item.owner) {
          item.owner = owner;
          item.state = "waiting";
          item.message = "";
          item.payload = Object.assign({}, item.payload, { queued_by: owner });
          item.mediaUrl = withQueuedBy(item.mediaUrl, owner);
          return promised(store.put(item));
        }
        return null;
      });
    });
  }

  /* The file URL of an item, carrying the key of who saved it. */
  function withQueuedBy(url, owner) {
    var base = String(url || "").split("?")[0];
    return base + "?queued_by=" + encodeURIComponent(owner);
  }

  /* Put a refused or conflicting item back in line (after the person fixed the reason). */
  function retry(id) {
    return withStore("outbox", "readwrite", function (store) {
      return promised(store.get(id)).then(function (item) {
        if (item) {
          item.state = "waiting";
          item.message = "";
          return promised(store.put(item));
        }
        return null;
      });
    });
  }

  root.CslabQueue = {
    draftGet: draftGet,
    draftPut: draftPut,
    draftDelete: draftDelete,
    enqueue: enqueue,
    draftsOf: draftsOf,
    items: outboxAll,
    itemsOf: itemsOf,
    unclaimed: unclaimed,
    personGet: personGet,
    personSet: personSet,
    pendingOf: pendingOf,
    send: send,
    discard: discard,
    discardAllOf: discardAllOf,
    claim: claim,
    withQueuedBy: withQueuedBy,
    retry: retry,
    SYNC_TAG: "cslab-webform-outbox",
  };
})(typeof self !== "undefined" ? self : globalThis);
