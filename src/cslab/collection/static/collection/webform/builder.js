/* The form builder's live preview: as the rows change, the builder's fields are posted to the
   preview URL (debounced), which answers with the render model of the rows; the web form's own
   drawing code (webform.js, CslabWebformPreview) shows it beside the rows. On a phone the
   preview is behind a "Show the preview" button. */
(function () {
  "use strict";

  var DELAY_MS = 400;

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function start() {
    var form = document.getElementById("builder-form");
    var preview = document.getElementById("builder-preview");
    var container = document.getElementById("builder-preview-questions");
    var status = document.getElementById("builder-preview-status");
    var toggle = document.getElementById("builder-preview-toggle");
    if (!form || !preview || !container || !window.CslabWebformPreview) {
      return;
    }
    var texts = readJson("webform-texts") || {};
    var icons = readJson("builder-type-icons") || {};
    var url = preview.getAttribute("data-preview-url");
    var timer = null;
    var asked = 0;

    function update() {
      asked += 1;
      var mine = asked;
      preview.setAttribute("aria-busy", "true");
      window.fetch(url, { method: "POST", body: new FormData(form), credentials: "same-origin",
                          headers: { "Accept": "application/json" } })
        .then(function (response) {
          return response.json().then(function (body) {
            return { ok: response.ok, body: body };
          });
        })
        .then(function (answer) {
          if (mine !== asked) {
            return;  // A newer request is on its way; its answer wins.
          }
          var model = answer.ok ? answer.body.model : null;
          status.textContent = answer.body.detail || "";
          if (model) {
            window.CslabWebformPreview(container, model, texts, answer.body.language);
            preview.setAttribute("data-preview-questions", String(model.children.length));
          } else {
            container.replaceChildren();
            preview.setAttribute("data-preview-questions", "0");
          }
        })
        .catch(function () {
          if (mine === asked) {
            status.textContent = "";
          }
        })
        .then(function () {
          if (mine === asked) {
            preview.removeAttribute("aria-busy");
            preview.setAttribute("data-preview-ready", String(mine));
          }
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY_MS);
    }

    /* A new question's name (its answer's column) follows its English label until the name
       is typed by hand: one field less to think of for most questions. */
    function nameFromLabel(label) {
      var name = label.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 60);
      return name && /^[a-z_]/.test(name) ? name : (name ? "q_" + name : "");
    }

    form.addEventListener("input", function (event) {
      var target = event.target;
      var match = target && target.name && target.name.match(/^question-(\d+)-(label_en|name)$/);
      if (match) {
        var nameInput = form.elements["question-" + match[1] + "-name"];
        if (match[2] === "name") {
          nameInput.removeAttribute("data-follows-label");
        } else if (nameInput && (nameInput.value === "" ||
                                 nameInput.hasAttribute("data-follows-label"))) {
          nameInput.value = nameFromLabel(target.value);
          nameInput.setAttribute("data-follows-label", "");
        }
      }
      later();
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      // The icon beside "Question N" follows its type.
      if (target && target.name && /^question-\d+-type$/.test(target.name)) {
        var fieldset = target.closest("fieldset");
        var path = fieldset && fieldset.querySelector("legend .type-icon path");
        if (path) {
          path.setAttribute("d", icons[target.value] || "");
        }
      }
      later();
    });

    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        toggle.textContent = toggle.getAttribute(open ? "data-hide" : "data-show");
        preview.classList.toggle("is-open", open);
        if (open) {
          preview.focus();
        }
      });
    }
    preview.hidden = false;
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
