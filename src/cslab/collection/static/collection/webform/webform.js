/* The web form: draws a form version's render model (cslab.collection.form_model), checks
 * its rules as you type, keeps a draft on this device, and puts finished observations in the
 * outbox (queue.js), which sends them now or when the connection returns.
 *
 * Page data (no inline scripts under the CSP): #webform-model and #webform-texts are
 * json_script blocks; #webform carries the URLs and settings as data-attributes. Without a
 * model (the offline page) only the outbox panel runs.
 */
(function () {
  "use strict";

  var E = window.CslabExpressions;
  var Q = window.CslabQueue;
  var TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var PIN_COLOUR = "#0b6b3a";
  var DRAFT_DELAY_MS = 400;
  var RETRY_MS = 60000;
  var MEDIA = {
    image: { accept: "image/*", capture: "environment", extension: "jpg" },
    audio: { accept: "audio/*", capture: "", extension: "m4a" },
    video: { accept: "video/*", capture: "environment", extension: "mp4" },
    file: { accept: "", capture: null, extension: "bin" },
  };
  var EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
    "image/heic": "heic", "image/avif": "avif", "audio/mpeg": "mp3", "audio/mp4": "m4a",
    "audio/x-m4a": "m4a", "audio/aac": "aac", "audio/ogg": "ogg", "audio/wav": "wav",
    "audio/x-wav": "wav", "audio/webm": "webm", "audio/3gpp": "3gp", "audio/amr": "amr",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "video/3gpp": "3gp",
    "application/pdf": "pdf", "text/csv": "csv", "text/plain": "txt",
  };

  var root = null;
  var config = {};
  var texts = {};
  var model = null;
  var language = "";
  var state = null;
  var bindings = [];
  var hiddenKeys = {};
  var touched = {};
  var draftTimer = null;
  var map = null;
  var pin = null;
  var idCounter = 0;
  // The form builder's preview draws the questions into its own container and keeps no draft.
  var previewContainer = null;
  var rendering = false;

  function byId(id) {
    return document.getElementById(id);
  }

  function text(key, values) {
    var message = texts[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      message = message.split("%(" + name + ")s").join(String(values[name]));
    });
    return message;
  }

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      var value = attributes[name];
      if (value === null || value === undefined || value === false) {
        return;
      }
      if (name === "text") {
        node.textContent = value;
      } else if (name === "className") {
        node.className = value;
      } else {
        node.setAttribute(name, value === true ? "" : value);
      }
    });
    (children || []).forEach(function (child) {
      if (child) {
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
    });
    return node;
  }

  function newId(prefix) {
    idCounter += 1;
    return "webform-" + prefix + "-" + idCounter;
  }

  function uuid() {
    if (window.crypto && window.crypto.randomUUID) {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (byte) {
      return (byte + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  /* --- words in the form's language ---------------------------------------------------- */

  function translated(values) {
    if (!values) {
      return "";
    }
    var order = [language, model.default_language, "default"];
    for (var index = 0; index < order.length; index += 1) {
      if (values[order[index]]) {
        return values[order[index]];
      }
    }
    var keys = Object.keys(values);
    return keys.length ? values[keys[0]] : "";
  }

  /* Replace ${name} in a label with the answer, as ODK does ("You counted ${bees} bees"). */
  function withAnswers(label, scope) {
    return label.replace(/\$\{\s*([A-Za-z_][\w.-]*)\s*\}/g, function (whole, name) {
      return E.toText(lookup(name, scope));
    });
  }

  /* --- answers: a tree of {name: value}; a repeat is a list of such objects ------------- */

  function keyOf(path) {
    return path.join(".");
  }

  function containerAt(path) {
    var container = state.values;
    for (var index = 0; index < path.length - 1; index += 1) {
      container = container[path[index]];
      if (container === undefined || container === null) {
        return null;
      }
    }
    return container;
  }

  function valueAt(path) {
    var container = containerAt(path);
    var value = container ? container[path[path.length - 1]] : undefined;
    return value === undefined || value === null ? "" : value;
  }

  function setValue(path, value) {
    var container = containerAt(path);
    if (container) {
      container[path[path.length - 1]] = value;
    }
  }

  /* scope: the answer objects from the innermost repeat instance out, with their paths. */
  function lookup(name, scope) {
    for (var index = 0; index < scope.length; index += 1) {
      var level = scope[index];
      if (Object.prototype.hasOwnProperty.call(level.values, name)) {
        var path = level.path.concat([name]);
        if (hiddenKeys[keyOf(path)]) {
          return "";
        }
        return level.values[name];
      }
    }
    return "";
  }

  /* The XLSForm type of each question: expressions see answers typed as JavaRosa does. */
  var typesByName = null;

  function typeOf(name) {
    if (!typesByName) {
      typesByName = {};
      (function collect(nodes) {
        nodes.forEach(function (node) {
          if (node.kind === "question") {
            typesByName[node.name] = node.type;
          }
          if (node.children) {
            collect(node.children);
          }
        });
      })(model.children);
    }
    return typesByName[name];
  }

  function check(expression, binding, current, fallback) {
    if (!expression) {
      return fallback;
    }
    try {
      return E.check(expression, {
        lookup: function (name) {
          return lookup(name, binding.scope);
        },
        current: current,
        type: typeOf,
        currentType: binding.node ? binding.node.type : undefined,
      });
    } catch (error) {
      // An expression the browser cannot read: the server checks it again.
      if (window.console) {
        window.console.warn("webform:", error.message);
      }
      return fallback;
    }
  }

  function calculate(expression, binding) {
    try {
      return E.toText(
        E.evaluate(expression, {
          lookup: function (name) {
            return lookup(name, binding.scope);
          },
          current: valueAt(binding.path),
          type: typeOf,
          currentType: binding.node ? binding.node.type : undefined,
        })
      );
    } catch (error) {
      return "";
    }
  }

  /* --- drawing ----------------------------------------------------------------------- */

  function firstGeopoint(nodes) {
    for (var index = 0; index < nodes.length; index += 1) {
      var node = nodes[index];
      if (node.kind === "question" && node.type === "geopoint") {
        return node;
      }
      if (node.kind === "group") {
        var inner = firstGeopoint(node.children);
        if (inner) {
          return inner;
        }
      }
    }
    return null;
  }

  function render() {
    var container = previewContainer || byId("webform-questions");
    if (map) {
      map.remove();
      map = null;
      pin = null;
    }
    // While half drawn (removing a focused field fires its change event too), the summary
    // would see only some questions, or none: it waits for all.
    rendering = true;
    try {
      bindings = [];
      container.replaceChildren();
      var scope = [{ values: state.values, path: [] }];
      var mapQuestion = firstGeopoint(model.children);
      renderNodes(model.children, container, [], scope, mapQuestion);
      if (!mapQuestion) {
        container.appendChild(renderLocation(null, []));
      }
    } finally {
      rendering = false;
    }
    refresh();
    setUpMap();
  }

  function renderNodes(nodes, container, path, scope, mapQuestion) {
    nodes.forEach(function (node) {
      if (node.kind === "group") {
        container.appendChild(renderGroup(node, path, scope, mapQuestion));
      } else if (node.kind === "repeat") {
        container.appendChild(renderRepeat(node, path, scope));
      } else if (node === mapQuestion) {
        container.appendChild(renderLocation(node, path.concat([node.name])));
      } else {
        var drawn = renderQuestion(node, path.concat([node.name]), scope);
        if (drawn) {
          container.appendChild(drawn);
        }
      }
    });
  }

  function renderGroup(node, path, scope, mapQuestion) {
    var label = translated(node.label);
    var group = element(label ? "fieldset" : "div", { className: "webform-group" });
    if (label) {
      group.appendChild(element("legend", { text: label }));
    }
    var hint = translated(node.hint);
    if (hint) {
      group.appendChild(element("p", { className: "helptext", text: hint }));
    }
    renderNodes(node.children, group, path, scope, mapQuestion);
    bindings.push({ kind: "group", node: node, path: path.concat(["#" + node.name]), scope: scope,
                    wrapper: group });
    return group;
  }

  function repeatCount(node, scope) {
    if (!node.repeat_count) {
      return null;
    }
    var value = E.toNumber(calculate(node.repeat_count, { scope: scope, path: [] }));
    return isNaN(value) ? 0 : Math.max(0, Math.min(100, Math.floor(value)));
  }

  function renderRepeat(node, path, scope) {
    var label = translated(node.label) || node.name;
    var repeatPath = path.concat([node.name]);
    var container = containerAt(repeatPath);
    if (!Array.isArray(container[node.name])) {
      container[node.name] = [{}];
    }
    var instances = container[node.name];
    var fixed = repeatCount(node, scope);
    if (fixed !== null) {
      while (instances.length < fixed) {
        instances.push({});
      }
      instances.length = fixed;
    }
    var section = element("section", { className: "webform-repeat", "aria-label": label });
    section.appendChild(element("h2", { className: "webform-repeat-title", text: label }));
    instances.forEach(function (values, position) {
      var instancePath = repeatPath.concat([position]);
      var instanceScope = [{ values: values, path: instancePath }].concat(scope);
      var legendId = newId("repeat");
      var fieldset = element("fieldset", { className: "webform-repeat-instance",
                                           "data-repeat": keyOf(instancePath) });
      fieldset.appendChild(element("legend", { id: legendId, tabindex: "-1",
                                               text: label + " " + (position + 1) }));
      renderNodes(node.children, fieldset, instancePath, instanceScope, null);
      if (fixed === null && instances.length > 1) {
        var remove = element("button", { type: "button", className: "button button-secondary",
          text: text("remove_repeat", { label: label, number: position + 1 }) });
        remove.addEventListener("click", function () {
          instances.splice(position, 1);
          changed();
          render();
          var add = document.querySelector("[data-add-repeat='" + keyOf(repeatPath) + "']");
          if (add) {
            add.focus();
          }
        });
        fieldset.appendChild(element("p", {}, [remove]));
      }
      section.appendChild(fieldset);
    });
    if (fixed === null) {
      var add = element("button", { type: "button", className: "button button-secondary",
                                    "data-add-repeat": keyOf(repeatPath),
                                    text: text("add_repeat", { label: label }) });
      add.addEventListener("click", function () {
        instances.push({});
        changed();
        render();
        var legends = document.querySelectorAll(
          "[data-repeat^='" + keyOf(repeatPath) + ".'] > legend"
        );
        if (legends.length) {
          legends[legends.length - 1].focus();
        }
      });
      section.appendChild(element("p", {}, [add]));
    }
    bindings.push({ kind: "repeat", node: node, path: repeatPath.concat(["#"]), scope: scope,
                    wrapper: section, fixed: fixed });
    return section;
  }

  function labelText(node) {
    return translated(node.label) || node.name;
  }

  function requiredMark(binding) {
    var mark = element("span", { className: "webform-required", text: " " + text("required") });
    binding.requiredMark = mark;
    return mark;
  }

  function renderQuestion(node, path, scope) {
    var binding = { kind: "question", node: node, path: path, scope: scope, inputs: [] };
    var type = node.type;
    if (type === "metadata") {
      return null;
    }
    if (type === "calculate" || type === "hidden" || type === "start" || type === "end" ||
        type === "today") {
      bindings.push(binding);
      return null;
    }
    // Stable IDs (from the answer's path) keep the focus where it was when the form redraws.
    var id = "webform-q-" + keyOf(path).replace(/[^A-Za-z0-9_-]/g, "-");
    var hintId = id + "-hint";
    var errorId = id + "-error";
    var wrapper = element("div", { className: "webform-question webform-" + type,
                                   "data-name": node.name });
    binding.wrapper = wrapper;
    binding.id = id;
    var described = [];
    var hint = translated(node.hint);
    var hintElement = element("p", { id: hintId, className: "helptext", text: hint });
    if (hint) {
      described.push(hintId);
    }
    var error = element("p", { id: errorId, className: "webform-error", hidden: true });
    binding.error = error;
    described.push(errorId);
    var describedBy = described.join(" ");
    if (type === "note" || type === "unsupported") {
      var note = element("p", { className: "webform-note" });
      binding.noteLabel = note;
      wrapper.appendChild(note);
      if (type === "unsupported") {
        wrapper.appendChild(element("p", { className: "helptext",
                                           text: text("unsupported", { type: node.original_type }) }));
      }
      if (hint) {
        wrapper.appendChild(hintElement);
      }
      bindings.push(binding);
      return wrapper;
    }
    if (type === "select_one" || type === "select_multiple") {
      renderChoices(binding, wrapper, id, hint ? hintElement : null, error);
      bindings.push(binding);
      return wrapper;
    }
    var holder = wrapper;
    var label;
    if (type === "geopoint") {
      // Two inputs (latitude, longitude) under one question: a fieldset names them both.
      holder = element("fieldset", { className: "webform-choices" });
      label = element("legend", { className: "webform-label" });
      wrapper.appendChild(holder);
    } else {
      label = element("label", { "for": id, className: "webform-label" });
    }
    binding.label = label;
    holder.appendChild(label);
    if (hint) {
      holder.appendChild(hintElement);
    }
    var input = renderInput(binding, id, describedBy);
    holder.appendChild(input);
    holder.appendChild(error);
    bindings.push(binding);
    return wrapper;
  }

  function renderChoices(binding, wrapper, id, hintElement, error) {
    var node = binding.node;
    var multiple = node.type === "select_multiple";
    var describedBy = (hintElement ? hintElement.id + " " : "") + error.id;
    if (!multiple && /\bminimal\b/.test(node.appearance)) {
      var label = element("label", { "for": id, className: "webform-label" });
      binding.label = label;
      var select = element("select", { id: id, name: keyOf(binding.path),
                                       "aria-describedby": describedBy });
      select.appendChild(element("option", { value: "", text: text("choose") }));
      node.choices.forEach(function (choice) {
        select.appendChild(element("option", { value: choice.name,
                                                text: translated(choice.label) }));
      });
      select.addEventListener("change", function () {
        answered(binding, select.value);
      });
      binding.inputs.push(select);
      wrapper.appendChild(label);
      if (hintElement) {
        wrapper.appendChild(hintElement);
      }
      wrapper.appendChild(select);
      wrapper.appendChild(error);
      return;
    }
    var fieldset = element("fieldset", { className: "webform-choices",
                                         "aria-describedby": describedBy });
    var legend = element("legend", { className: "webform-label" });
    binding.label = legend;
    binding.group = fieldset;
    fieldset.appendChild(legend);
    if (hintElement) {
      fieldset.appendChild(hintElement);
    }
    node.choices.forEach(function (choice, position) {
      var choiceId = id + "-" + position;
      var input = element("input", { type: multiple ? "checkbox" : "radio", id: choiceId,
                                     name: keyOf(binding.path), value: choice.name });
      input.addEventListener("change", function () {
        if (multiple) {
          var picked = binding.inputs.filter(function (box) {
            return box.checked;
          }).map(function (box) {
            return box.value;
          });
          answered(binding, picked.join(" "));
        } else {
          answered(binding, input.value);
        }
      });
      binding.inputs.push(input);
      fieldset.appendChild(element("div", { className: "webform-choice" }, [
        input, element("label", { "for": choiceId, text: translated(choice.label) }),
      ]));
    });
    if (!multiple) {
      var clear = element("button", { type: "button", className: "link-button webform-clear",
                                      text: text("clear_answer") });
      clear.addEventListener("click", function () {
        answered(binding, "");
      });
      fieldset.appendChild(clear);
    }
    fieldset.appendChild(error);
    wrapper.appendChild(fieldset);
  }

  function renderInput(binding, id, describedBy) {
    var node = binding.node;
    var type = node.type;
    var attributes = { id: id, name: keyOf(binding.path), "aria-describedby": describedBy };
    var input;
    if (type === "text" && /\bmultiline\b/.test(node.appearance)) {
      input = element("textarea", Object.assign(attributes, { rows: "6" }));
    } else if (type === "integer") {
      input = element("input", Object.assign(attributes, {
        type: "text", inputmode: "numeric", autocomplete: "off" }));
    } else if (type === "decimal") {
      input = element("input", Object.assign(attributes, {
        type: "text", inputmode: "decimal", autocomplete: "off" }));
    } else if (type === "date") {
      input = element("input", Object.assign(attributes, { type: "date" }));
    } else if (type === "time") {
      input = element("input", Object.assign(attributes, { type: "time" }));
    } else if (type === "datetime") {
      input = element("input", Object.assign(attributes, { type: "datetime-local" }));
    } else if (type === "range") {
      return renderRange(binding, attributes);
    } else if (type === "acknowledge") {
      input = element("input", Object.assign(attributes, { type: "checkbox", value: "OK" }));
      input.addEventListener("change", function () {
        answered(binding, input.checked ? "OK" : "");
      });
      binding.inputs.push(input);
      binding.label.classList.add("webform-acknowledge-label");
      return input;
    } else if (type === "geopoint") {
      return renderGeopoint(binding, attributes);
    } else if (MEDIA[type]) {
      return renderMedia(binding, attributes);
    } else {
      input = element("input", Object.assign(attributes, { type: "text" }));
    }
    input.addEventListener("input", function () {
      answered(binding, fromInput(type, input.value), true);
    });
    input.addEventListener("change", function () {
      touched[keyOf(binding.path)] = true;
      answered(binding, fromInput(type, input.value));
    });
    binding.inputs.push(input);
    return input;
  }

  function fromInput(type, value) {
    if (type === "decimal") {
      return value.trim().replace(",", ".");
    }
    if (type === "integer") {
      return value.trim();
    }
    if (type === "datetime" && value) {
      var parsed = new Date(value);
      return isNaN(parsed.getTime()) ? value : E.isoDateTime(parsed);
    }
    return value;
  }

  function toInput(type, value) {
    if (type === "datetime" && value) {
      return String(value).slice(0, 16);
    }
    if (type === "time" && value) {
      return String(value).slice(0, 5);
    }
    return String(value);
  }

  function renderRange(binding, attributes) {
    var parameters = binding.node.parameters;
    var low = Math.min(parameters.start, parameters.end);
    var high = Math.max(parameters.start, parameters.end);
    var input = element("input", Object.assign(attributes, {
      type: "range", min: String(low), max: String(high), step: String(parameters.step) }));
    var output = element("output", { "for": attributes.id, className: "webform-range-value" });
    binding.output = output;
    input.addEventListener("input", function () {
      answered(binding, input.value, true);
    });
    input.addEventListener("change", function () {
      answered(binding, input.value);
    });
    binding.inputs.push(input);
    var clear = element("button", { type: "button", className: "link-button webform-clear",
                                    text: text("clear_answer") });
    clear.addEventListener("click", function () {
      answered(binding, "");
    });
    return element("div", { className: "webform-range-row" }, [input, output, clear]);
  }

  function renderGeopoint(binding, attributes) {
    var latitudeId = attributes.id;
    var longitudeId = attributes.id + "-longitude";
    var latitude = element("input", { id: latitudeId, type: "text", inputmode: "decimal",
      autocomplete: "off", "aria-describedby": attributes["aria-describedby"] });
    var longitude = element("input", { id: longitudeId, type: "text", inputmode: "decimal",
      autocomplete: "off", "aria-describedby": attributes["aria-describedby"] });
    function update() {
      var lat = latitude.value.trim().replace(",", ".");
      var lon = longitude.value.trim().replace(",", ".");
      answered(binding, lat || lon ? lat + " " + lon + " 0 0" : "");
    }
    latitude.addEventListener("change", update);
    longitude.addEventListener("change", update);
    binding.inputs.push(latitude, longitude);
    binding.geopointInputs = { latitude: latitude, longitude: longitude };
    var locate = element("button", { type: "button", className: "button button-secondary",
                                     text: text("use_my_location") });
    var status = element("p", { className: "helptext", role: "status" });
    locate.addEventListener("click", function () {
      locateDevice(status, function (position) {
        latitude.value = position.latitude.toFixed(6);
        longitude.value = position.longitude.toFixed(6);
        answered(binding, position.latitude.toFixed(6) + " " + position.longitude.toFixed(6) +
          " 0 " + Math.round(position.accuracy || 0));
      });
    });
    return element("div", { className: "webform-latlon" }, [
      element("div", {}, [element("label", { "for": latitudeId, text: text("latitude") }),
                          latitude]),
      element("div", {}, [element("label", { "for": longitudeId, text: text("longitude") }),
                          longitude]),
      element("p", {}, [locate]),
      status,
    ]);
  }

  function renderMedia(binding, attributes) {
    var kind = MEDIA[binding.node.type];
    var input = element("input", Object.assign(attributes, { type: "file",
      accept: kind.accept || null, capture: kind.capture === null ? null : kind.capture || true }));
    var preview = element("div", { className: "webform-preview" });
    binding.preview = preview;
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) {
        return;
      }
      var extension = EXTENSIONS[file.type] ||
        (file.name.indexOf(".") > 0 ? file.name.split(".").pop().toLowerCase() : kind.extension);
      var name = binding.node.name + "-" + Date.now() + "." + extension.replace(/[^a-z0-9]/g, "");
      state.files[keyOf(binding.path)] = { name: name, blob: file, type: file.type,
                                           original: file.name };
      touched[keyOf(binding.path)] = true;
      answered(binding, name);
      showPreview(binding);
    });
    binding.inputs.push(input);
    return element("div", {}, [input, preview]);
  }

  function showPreview(binding) {
    var preview = binding.preview;
    if (!preview) {
      return;
    }
    preview.replaceChildren();
    var stored = state.files[keyOf(binding.path)];
    if (!stored || !stored.blob || valueAt(binding.path) !== stored.name) {
      return;
    }
    var description = text("chosen_file", { name: stored.original || stored.name });
    if (binding.node.type === "image") {
      // A data: URL, not a blob: one: the site's Content Security Policy allows images from
      // data: but not from blob:, which would show a broken image.
      var photo = element("img", { alt: description, className: "webform-photo" });
      var reader = new FileReader();
      reader.onload = function () {
        photo.src = String(reader.result);
      };
      reader.readAsDataURL(stored.blob);
      preview.appendChild(photo);
    } else if (binding.node.type === "audio") {
      preview.appendChild(element("audio", { src: URL.createObjectURL(stored.blob),
                                             controls: true, "aria-label": description }));
    }
    preview.appendChild(element("p", { className: "helptext", text: description }));
    var remove = element("button", { type: "button", className: "button button-secondary",
                                     text: text("remove_file") });
    remove.addEventListener("click", function () {
      delete state.files[keyOf(binding.path)];
      binding.inputs[0].value = "";
      answered(binding, "");
      showPreview(binding);
      binding.inputs[0].focus();
    });
    preview.appendChild(remove);
  }

  /* --- the observation's location: a map pin, the device's position, or typed in -------- */

  function renderLocation(node, path) {
    var fieldset = element("fieldset", { className: "webform-location", id: "webform-location" });
    var title = node ? labelText(node) : text("where");
    var legend = element("legend", { className: "webform-label", text: title });
    fieldset.appendChild(legend);
    var binding = null;
    if (node) {
      binding = { kind: "question", node: node, path: path, scope: [], inputs: [],
                  wrapper: fieldset, label: legend, isMapQuestion: true };
      binding.scope = [{ values: state.values, path: [] }];
      var hint = translated(node.hint);
      if (hint) {
        fieldset.appendChild(element("p", { className: "helptext", text: hint }));
      }
    }
    fieldset.appendChild(element("p", { className: "helptext", id: "webform-map-help",
                                        text: text("map_help") }));
    fieldset.appendChild(element("div", { id: "webform-map", className: "webform-map",
                                          role: "region", "aria-label": text("map_label"),
                                          "aria-describedby": "webform-map-help" }));
    var locate = element("button", { type: "button", id: "webform-locate",
                                     className: "button button-secondary",
                                     text: text("use_my_location") });
    var status = element("p", { className: "helptext", role: "status",
                                id: "webform-location-status" });
    locate.addEventListener("click", function () {
      locateDevice(status, function (position) {
        setLocation(position.latitude, position.longitude, position.accuracy, "device");
      });
    });
    fieldset.appendChild(element("p", {}, [locate]));
    fieldset.appendChild(status);
    var latitude = element("input", { id: "webform-latitude", type: "text",
                                      inputmode: "decimal", autocomplete: "off" });
    var longitude = element("input", { id: "webform-longitude", type: "text",
                                       inputmode: "decimal", autocomplete: "off" });
    function typed() {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lon = parseFloat(longitude.value.replace(",", "."));
      if (latitude.value.trim() === "" && longitude.value.trim() === "") {
        setLocation(null, null, null, "typed");
      } else if (!isNaN(lat) && !isNaN(lon)) {
        setLocation(lat, lon, null, "typed");
      }
    }
    latitude.addEventListener("change", typed);
    longitude.addEventListener("change", typed);
    fieldset.appendChild(element("div", { className: "webform-latlon" }, [
      element("div", {}, [element("label", { "for": "webform-latitude", text: text("latitude") }),
                          latitude]),
      element("div", {}, [element("label", { "for": "webform-longitude",
                                              text: text("longitude") }), longitude]),
    ]));
    var error = element("p", { id: "webform-location-error", className: "webform-error",
                               hidden: true });
    fieldset.appendChild(error);
    latitude.setAttribute("aria-describedby", "webform-location-error");
    longitude.setAttribute("aria-describedby", "webform-location-error");
    if (binding) {
      binding.error = error;
      binding.inputs.push(latitude, longitude);
      binding.id = "webform-latitude";
      bindings.push(binding);
    } else {
      bindings.push({ kind: "location", node: null, path: [], scope: [], inputs: [latitude,
        longitude], wrapper: fieldset, error: error, id: "webform-latitude" });
    }
    return fieldset;
  }

  function locateDevice(status, done) {
    if (!navigator.geolocation) {
      status.textContent = text("location_unavailable");
      return;
    }
    status.textContent = text("locating");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        status.textContent = text("located", {
          accuracy: Math.round(position.coords.accuracy || 0) });
        done({ latitude: position.coords.latitude, longitude: position.coords.longitude,
               accuracy: position.coords.accuracy });
      },
      function (error) {
        status.textContent = text(error && error.code === 1 ? "location_denied" :
          "location_failed");
      },
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
    );
  }

  function setLocation(latitude, longitude, accuracy, source) {
    if (latitude === null || latitude === undefined) {
      state.location = null;
    } else {
      state.location = { latitude: Math.round(latitude * 1e6) / 1e6,
                         longitude: Math.round(longitude * 1e6) / 1e6,
                         accuracy: accuracy === null || accuracy === undefined ? null :
                           Math.round(accuracy * 10) / 10,
                         source: source };
    }
    var mapBinding = locationBinding();
    if (mapBinding && mapBinding.node) {
      setValue(mapBinding.path, state.location ? state.location.latitude + " " +
        state.location.longitude + " 0 " + (state.location.accuracy || 0) : "");
    }
    touched.location = true;
    showLocation();
    changed();
    refresh();
  }

  function locationBinding() {
    for (var index = 0; index < bindings.length; index += 1) {
      if (bindings[index].kind === "location" || bindings[index].isMapQuestion) {
        return bindings[index];
      }
    }
    return null;
  }

  function showLocation() {
    var latitude = byId("webform-latitude");
    var longitude = byId("webform-longitude");
    var location = state.location;
    if (latitude && longitude && document.activeElement !== latitude &&
        document.activeElement !== longitude) {
      latitude.value = location ? String(location.latitude) : "";
      longitude.value = location ? String(location.longitude) : "";
    }
    if (!map) {
      return;
    }
    if (!location) {
      if (pin) {
        pin.remove();
        pin = null;
      }
      return;
    }
    var position = [location.latitude, location.longitude];
    if (pin) {
      pin.setLatLng(position);
    } else {
      pin = window.L.circleMarker(position, { radius: 9, color: PIN_COLOUR, weight: 3,
                                               fillOpacity: 0.7 }).addTo(map);
    }
  }

  function setUpMap() {
    var container = byId("webform-map");
    if (!container || !window.L) {
      if (container) {
        container.hidden = true;
      }
      showLocation();
      return;
    }
    map = window.L.map(container, { scrollWheelZoom: false, worldCopyJump: true });
    var attribution = document.createElement("a");
    attribution.href = "https://www.openstreetmap.org/copyright";
    attribution.textContent = text("map_attribution");
    window.L.tileLayer(TILE_URL, { maxZoom: 19, attribution: attribution.outerHTML }).addTo(map);
    var start = state.location || config.center;
    if (start) {
      map.setView([start.latitude, start.longitude], state.location ? 15 : config.zoom || 10);
    } else {
      map.setView([52.1, 5.1], 7);
    }
    map.on("click", function (event) {
      var wrapped = event.latlng.wrap();
      setLocation(wrapped.lat, wrapped.lng, null, "map");
      var status = byId("webform-location-status");
      if (status) {
        status.textContent = text("pin_placed", {
          latitude: wrapped.lat.toFixed(5), longitude: wrapped.lng.toFixed(5) });
      }
    });
    showLocation();
  }

  /* --- rules: calculations, relevance, required, constraints ---------------------------- */

  function isEmpty(value) {
    return value === undefined || value === null || value === "" ||
      (Array.isArray(value) && !value.length);
  }

  function ancestorsHidden(binding) {
    var path = binding.path;
    for (var index = 0; index < bindings.length; index += 1) {
      var other = bindings[index];
      if ((other.kind === "group" || other.kind === "repeat") && other.hidden) {
        var prefix = keyOf(other.path.slice(0, -1));
        var inside = other.kind === "group"
          ? other.wrapper.contains(binding.wrapper || null)
          : keyOf(path).indexOf(prefix + ".") === 0;
        if (inside && other !== binding) {
          return true;
        }
      }
    }
    return false;
  }

  function refresh() {
    // Calculations may depend on each other: a few passes settle chains.
    for (var pass = 0; pass < 4; pass += 1) {
      var changedAny = false;
      bindings.forEach(function (binding) {
        var node = binding.node;
        if (binding.kind !== "question" || !node.calculation) {
          return;
        }
        var value = calculate(node.calculation, binding);
        if (value !== E.toText(valueAt(binding.path))) {
          setValue(binding.path, value);
          changedAny = true;
        }
      });
      if (!changedAny) {
        break;
      }
    }
    bindings.forEach(function (binding) {
      if (binding.kind === "location") {
        return;
      }
      var node = binding.node;
      var relevant = check(node.relevant, binding, valueAt(binding.path), true);
      binding.hidden = !relevant;
    });
    hiddenKeys = {};
    bindings.forEach(function (binding) {
      if (binding.kind === "location") {
        return;
      }
      if (!binding.hidden && ancestorsHidden(binding)) {
        binding.hidden = true;
      }
      if (binding.hidden) {
        // Questions by their path; groups as "…#name", repeats as "…name.#".
        hiddenKeys[keyOf(binding.path)] = true;
      }
      if (binding.wrapper) {
        binding.wrapper.hidden = binding.hidden;
      }
      if (binding.kind === "question") {
        updateQuestion(binding);
      }
    });
    refreshSummary();
  }

  function isRequired(binding) {
    var node = binding.node;
    return node.required || (node.required_expression ?
      check(node.required_expression, binding, valueAt(binding.path), false) : false);
  }

  function updateQuestion(binding) {
    var node = binding.node;
    var label = labelText(node);
    if (binding.noteLabel) {
      binding.noteLabel.textContent = withAnswers(label, binding.scope);
    }
    if (binding.label) {
      binding.label.textContent = withAnswers(label, binding.scope);
      if (isRequired(binding)) {
        binding.label.appendChild(requiredMark(binding));
      }
    }
    var readonly = node.type !== "note" && (node.readonly ||
      (node.readonly_expression ? check(node.readonly_expression, binding, "", false) : false));
    var value = valueAt(binding.path);
    binding.inputs.forEach(function (input) {
      if (isRequired(binding)) {
        input.setAttribute("aria-required", "true");
      } else {
        input.removeAttribute("aria-required");
      }
      if (readonly) {
        input.setAttribute(input.type === "checkbox" || input.type === "radio" ||
          input.type === "file" || input.tagName === "SELECT" ? "disabled" : "readonly", "");
      }
      showValue(binding, input, value);
    });
    if (binding.output) {
      binding.output.textContent = value === "" ? text("not_answered") : String(value);
    }
  }

  function showValue(binding, input, value) {
    if (document.activeElement === input && input.type !== "checkbox" &&
        input.type !== "radio") {
      return;
    }
    var type = binding.node.type;
    if (binding.isMapQuestion) {
      return;
    }
    if (input.type === "radio") {
      input.checked = input.value === value;
    } else if (input.type === "checkbox" && type === "select_multiple") {
      input.checked = String(value).split(" ").indexOf(input.value) >= 0;
    } else if (input.type === "checkbox") {
      input.checked = value === "OK";
    } else if (input.type === "file") {
      return;
    } else if (binding.geopointInputs) {
      var parts = String(value).split(" ");
      binding.geopointInputs.latitude.value = value ? parts[0] : "";
      binding.geopointInputs.longitude.value = value ? parts[1] || "" : "";
    } else if (input.type === "range") {
      if (value !== "") {
        input.value = value;
      }
    } else {
      input.value = toInput(type, value);
    }
  }

  function problemOf(binding) {
    if (binding.hidden) {
      return "";
    }
    if (binding.kind === "location") {
      return locationProblem();
    }
    var node = binding.node;
    var value = valueAt(binding.path);
    if (binding.isMapQuestion) {
      var locationMessage = locationProblem();
      if (locationMessage) {
        return locationMessage;
      }
    }
    if (isEmpty(value)) {
      if (isRequired(binding)) {
        return translated(node.required_message) || text("required_message");
      }
      return "";
    }
    var typeProblem = typeProblemOf(node.type, String(value));
    if (typeProblem) {
      return typeProblem;
    }
    if (node.constraint && !check(node.constraint, binding, value, true)) {
      return withAnswers(translated(node.constraint_message) || text("constraint_message"),
        binding.scope);
    }
    return "";
  }

  function locationProblem() {
    var latitude = byId("webform-latitude");
    var longitude = byId("webform-longitude");
    if (!latitude || !longitude) {
      return "";
    }
    var lat = latitude.value.trim();
    var lon = longitude.value.trim();
    if (lat === "" && lon === "") {
      return "";
    }
    var latNumber = Number(lat.replace(",", "."));
    var lonNumber = Number(lon.replace(",", "."));
    if (lat === "" || lon === "" || isNaN(latNumber) || isNaN(lonNumber) ||
        Math.abs(latNumber) > 90 || Math.abs(lonNumber) > 180) {
      return text("location_invalid");
    }
    return "";
  }

  function typeProblemOf(type, value) {
    if (type === "integer" && !/^-?\d+$/.test(value)) {
      return text("integer_message");
    }
    if ((type === "decimal" || type === "range") &&
        !/^-?(\d+(\.\d*)?|\.\d+)$/.test(value)) {
      return text("decimal_message");
    }
    if (type === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      return text("date_message");
    }
    if (type === "geopoint") {
      var parts = value.split(" ");
      var lat = Number(parts[0]);
      var lon = Number(parts[1]);
      if (parts.length < 2 || isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 ||
          Math.abs(lon) > 180 || parts[0] === "" || parts[1] === "") {
        return text("location_invalid");
      }
    }
    return "";
  }

  function showProblem(binding, message) {
    if (!binding.error) {
      return;
    }
    binding.error.textContent = message;
    binding.error.hidden = !message;
    var targets = binding.inputs.length ? binding.inputs : [];
    targets.forEach(function (input) {
      if (message) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
    });
    if (binding.wrapper) {
      binding.wrapper.classList.toggle("webform-invalid", !!message);
    }
  }

  function validateAll() {
    var problems = [];
    bindings.forEach(function (binding) {
      if (binding.kind !== "question" && binding.kind !== "location") {
        return;
      }
      var message = problemOf(binding);
      showProblem(binding, message);
      // From now on each answer is checked as it is typed, so a message goes away at once
      // (not on leaving the field, which would move the page under the pointer).
      touched[binding.kind === "location" ? "location" : keyOf(binding.path)] = true;
      if (message) {
        problems.push({ binding: binding, message: message });
      }
    });
    return problems;
  }

  /* --- changes and the draft ---------------------------------------------------------- */

  /* A repeat_count that now gives another number of instances needs the repeat redrawn. */
  function repeatCountsChanged() {
    return bindings.some(function (binding) {
      return binding.kind === "repeat" && binding.fixed !== null &&
        repeatCount(binding.node, binding.scope) !== binding.fixed;
    });
  }

  function answered(binding, value, typing) {
    setValue(binding.path, value);
    if (!typing) {
      touched[keyOf(binding.path)] = true;
    }
    refresh();
    // Redrawn once the answer is complete (not while typing, which would lose the focus).
    if (!typing && repeatCountsChanged()) {
      var focused = document.activeElement && document.activeElement.id;
      render();
      if (focused && byId(focused)) {
        byId(focused).focus();
      }
    }
    if (touched[keyOf(binding.path)]) {
      showProblem(binding, problemOf(binding));
    }
    changed();
  }

  function changed() {
    if (previewContainer) {
      return;
    }
    window.clearTimeout(draftTimer);
    draftTimer = window.setTimeout(saveDraft, DRAFT_DELAY_MS);
  }

  /* Drafts are kept per person (shared devices): another person never sees or sends one. */
  function draftKey() {
    return config.person + "/" + config.project + "/" + config.formId;
  }

  function saveDraft() {
    window.clearTimeout(draftTimer);
    draftTimer = null;
    state.savedAt = new Date().toISOString();
    state.geoprivacy = chosenGeoprivacy();
    var draft = Object.assign({}, state, { key: draftKey(), owner: config.person });
    return Q.draftPut(draft).then(function () {
      var status = byId("webform-draft-status");
      if (status) {
        status.textContent = text("draft_saved", { time: new Date().toLocaleTimeString() });
      }
    }).catch(function () {
      // Private browsing may refuse storage; the form still works, only without a draft.
    });
  }

  function freshState() {
    return {
      instanceId: "uuid:" + uuid(),
      version: model.version,
      values: {},
      files: {},
      location: null,
      geoprivacy: config.defaultGeoprivacy,
      startedAt: E.isoDateTime(new Date()),
    };
  }

  function applyDefaults(nodes, values, scope, path) {
    nodes.forEach(function (node) {
      if (node.kind === "group") {
        applyDefaults(node.children, values, scope, path);
      } else if (node.kind === "repeat") {
        var instances = values[node.name];
        if (!Array.isArray(instances)) {
          instances = values[node.name] = [{}];
        }
        instances.forEach(function (instance, position) {
          var instancePath = path.concat([node.name, position]);
          applyDefaults(node.children, instance,
            [{ values: instance, path: instancePath }].concat(scope), instancePath);
        });
      } else if (!Object.prototype.hasOwnProperty.call(values, node.name)) {
        var value = "";
        if (node.type === "start") {
          value = state.startedAt;
        } else if (node.type === "today") {
          value = state.startedAt.slice(0, 10);
        } else if (node.default_expression) {
          value = calculate(node.default_expression, { scope: scope, path: path });
        } else if (node.default !== null && node.default !== undefined) {
          value = node.default;
        }
        if (value !== "") {
          values[node.name] = value;
        }
      }
    });
  }

  function chosenGeoprivacy() {
    var picked = document.querySelector("input[name=geoprivacy]:checked");
    return picked ? picked.value : config.defaultGeoprivacy;
  }

  function restoreGeoprivacy() {
    var radios = document.querySelectorAll("input[name=geoprivacy]");
    Array.prototype.forEach.call(radios, function (radio) {
      radio.checked = radio.value === (state.geoprivacy || config.defaultGeoprivacy);
    });
  }

  /* --- finishing: the answers as the API takes them ------------------------------------ */

  function answersOf(nodes, values, path) {
    var answers = {};
    nodes.forEach(function (node) {
      if (node.kind === "group") {
        if (!hiddenKeys[keyOf(path.concat(["#" + node.name]))]) {
          Object.assign(answers, answersOf(node.children, values, path));
        }
        return;
      }
      var nodePath = path.concat([node.name]);
      if (node.kind === "repeat") {
        if (hiddenKeys[keyOf(nodePath.concat(["#"]))]) {
          return;
        }
        var instances = (values[node.name] || []).map(function (instance, position) {
          return answersOf(node.children, instance, nodePath.concat([position]));
        });
        if (instances.length) {
          answers[node.name] = instances;
        }
        return;
      }
      if (!node.answered || node.type === "note" || hiddenKeys[keyOf(nodePath)]) {
        return;
      }
      var value = values[node.name];
      if (node.type === "end") {
        value = E.isoDateTime(new Date());
      }
      if (isEmpty(value)) {
        return;
      }
      if ((node.type === "integer" || node.type === "decimal" || node.type === "range") &&
          !isNaN(Number(value)) && String(value).trim() !== "") {
        value = Number(value);
      } else {
        value = String(value);
      }
      answers[node.name] = value;
    });
    return answers;
  }

  function filesOf() {
    var files = [];
    Object.keys(state.files).forEach(function (key) {
      var stored = state.files[key];
      if (stored && stored.blob && !hiddenKeys[key] &&
          valueAt(key.split(".").map(function (part) {
            return /^\d+$/.test(part) ? Number(part) : part;
          })) === stored.name) {
        files.push({ name: stored.name, blob: stored.blob, type: stored.type, sent: false });
      }
    });
    return files;
  }

  /* The summary of problems is rebuilt from the answers as they stand: on every attempt to
     send, and, while it is shown, on every change, so a fixed answer leaves it at once and a
     new problem joins it (a summary kept from the last attempt would point at answers that are
     fine now). */
  var summaryShown = false;
  var summarySignature = "";

  function currentProblems() {
    var problems = [];
    bindings.forEach(function (binding) {
      if (binding.kind !== "question" && binding.kind !== "location") {
        return;
      }
      if (!touched[binding.kind === "location" ? "location" : keyOf(binding.path)]) {
        return;
      }
      var message = problemOf(binding);
      showProblem(binding, message);
      if (message) {
        problems.push({ binding: binding, message: message });
      }
    });
    return problems;
  }

  function showSummary(problems, moveFocus) {
    var summary = byId("webform-problems");
    if (!summary) {
      return;
    }
    function entryText(problem) {
      return labelText(problem.binding.node || { label: {}, name: text("where") }) + ": " +
        problem.message;
    }
    // The entries as they read (the label follows the chosen language too).
    var signature = problems.map(function (problem) {
      return problem.binding.id + "\u0000" + entryText(problem);
    }).join("\u0001");
    summaryShown = problems.length > 0;
    if (!problems.length) {
      summary.replaceChildren();
      summary.hidden = true;
      summarySignature = "";
      return;
    }
    // Unchanged while typing: leave it be, so a screen reader is not read the list again.
    if (signature !== summarySignature || moveFocus) {
      summarySignature = signature;
      summary.replaceChildren();
      summary.appendChild(element("h2", { text: text("problems_title",
                                                     { count: problems.length }) }));
      var list = element("ul");
      problems.forEach(function (problem) {
        var link = element("a", { href: "#" + problem.binding.id, text: entryText(problem) });
        link.addEventListener("click", function (click) {
          click.preventDefault();
          var target = byId(problem.binding.id) || problem.binding.inputs[0];
          if (target) {
            target.focus();
          }
        });
        list.appendChild(element("li", {}, [link]));
      });
      summary.appendChild(list);
    }
    summary.hidden = false;
    if (moveFocus) {
      summary.focus();
    }
  }

  function refreshSummary() {
    if (summaryShown && !rendering) {
      showSummary(currentProblems(), false);
    }
  }

  function finish(event) {
    event.preventDefault();
    refresh();
    var problems = validateAll();
    if (problems.length) {
      showSummary(problems, true);
      return;
    }
    showSummary([], false);
    // The draft becomes the outbox item: no late draft save may bring it back.
    window.clearTimeout(draftTimer);
    draftTimer = null;
    var payload = {
      instance_id: state.instanceId,
      version: model.version,
      answers: answersOf(model.children, state.values, []),
      observed_at: E.isoDateTime(new Date()),
      geoprivacy: chosenGeoprivacy(),
    };
    if (state.location) {
      payload.location = { latitude: state.location.latitude,
                           longitude: state.location.longitude };
      if (state.location.accuracy !== null && state.location.accuracy !== undefined) {
        payload.location.accuracy = state.location.accuracy;
      }
    }
    // Who saved it travels with it, to the server too: sent from another person's session,
    // it is refused rather than stored as theirs.
    payload.queued_by = config.person;
    var item = {
      instanceId: state.instanceId,
      owner: config.person,
      title: model.title || config.formId,
      submitUrl: config.submitUrl,
      mediaUrl: Q.withQueuedBy(config.mediaUrl, config.person),
      observationsUrl: config.observationsUrl,
      csrfToken: config.csrfToken,
      payload: payload,
      files: filesOf(),
    };
    var button = byId("webform-submit");
    button.disabled = true;
    Q.enqueue(item, draftKey()).then(function () {
      announce(text("saved_for_sending"));
      state = freshState();
      touched = {};
      applyDefaults(model.children, state.values, [{ values: state.values, path: [] }], []);
      restoreGeoprivacy();
      render();
      byId("webform-announcement").focus();
      requestBackgroundSync();
      return sendOutbox();
    }).catch(function () {
      announce(text("storage_failed"));
    }).then(function () {
      button.disabled = false;
    });
  }

  function announce(message) {
    var announcement = byId("webform-announcement");
    if (announcement) {
      announcement.textContent = message;
      announcement.hidden = !message;
    }
  }

  /* --- the outbox panel ---------------------------------------------------------------- */

  var sending = false;

  function sendOutbox() {
    if (sending) {
      return Promise.resolve();
    }
    sending = true;
    return Q.send({ csrfToken: config.csrfToken, owner: config.person }).then(function (summary) {
      sending = false;
      if (summary && summary.sent) {
        announce(text(summary.sent === 1 ? "sent_one" : "sent_other", { count: summary.sent }));
      }
      if (summary && summary.stopped === "signed-out") {
        announce(text("signed_out"));
      }
      return showOutbox();
    }, function () {
      sending = false;
      return showOutbox();
    });
  }

  /* The signed-in person's items, then those saved before owners were recorded. */
  function visibleItems() {
    var own = config.person ? Q.itemsOf(config.person) : Promise.resolve([]);
    return Promise.all([own, Q.unclaimed()]).then(function (found) {
      return found[0].concat(found[1]);
    });
  }

  function showOutbox() {
    return visibleItems().then(function (items) {
      var status = byId("webform-outbox-status");
      var list = byId("webform-outbox-list");
      var sendButton = byId("webform-send-now");
      if (!status || !list) {
        return;
      }
      var waiting = items.filter(function (item) {
        return item.state === "waiting" && item.owner;
      });
      if (!items.length) {
        status.textContent = text("outbox_empty");
      } else {
        status.textContent = text(waiting.length === 1 ? "waiting_one" : "waiting_other",
                                  { count: waiting.length }) +
          (navigator.onLine === false ? " " + text("offline_now") : "");
      }
      if (sendButton) {
        sendButton.hidden = !waiting.length;
      }
      list.replaceChildren();
      items.forEach(function (item) {
        var entry = element("li", { className: "webform-outbox-item" }, [
          element("span", { text: item.title + " · " +
            new Date(item.createdAt).toLocaleString() }),
        ]);
        if (!item.owner) {
          entry.appendChild(element("p", { className: "webform-error",
                                           text: text("unclaimed_message") }));
          var claim = element("button", { type: "button", className: "button button-secondary",
                                          text: text("send_as_me") });
          claim.addEventListener("click", function () {
            Q.claim(item.id, config.person).then(sendOutbox);
          });
          var drop = element("button", { type: "button", className: "button button-secondary",
                                         text: text("discard") });
          drop.addEventListener("click", function () {
            if (window.confirm(text("discard_confirm"))) {
              Q.discard(item.id).then(showOutbox);
            }
          });
          if (config.person) {
            entry.appendChild(element("p", { className: "webform-outbox-actions" },
                                      [claim, " ", drop]));
          }
        } else if (item.state !== "waiting" && item.code === "consent_required" &&
                   item.consentUrl) {
          entry.appendChild(element("p", { className: "webform-error",
                                           text: text("consent_message") }));
          var consentLink = element("a", { text: text("consent_link") });
          consentLink.href = item.consentUrl +
            "?next=" + encodeURIComponent(window.location.pathname);
          var retry = element("button", { type: "button", className: "button button-secondary",
                                          text: text("try_again") });
          retry.addEventListener("click", function () {
            Q.retry(item.id).then(sendOutbox);
          });
          entry.appendChild(element("p", { className: "webform-outbox-actions" },
                                    [consentLink, " ", retry]));
        } else if (item.state !== "waiting") {
          entry.appendChild(element("p", { className: "webform-error",
            text: text(item.state === "conflict" ? "conflict_message" : "refused_message") +
              (item.message ? " " + item.message : "") }));
          var discard = element("button", { type: "button", className: "button button-secondary",
                                            text: text("discard") });
          discard.addEventListener("click", function () {
            if (window.confirm(text("discard_confirm"))) {
              Q.discard(item.id).then(showOutbox);
            }
          });
          var again = element("button", { type: "button", className: "button button-secondary",
                                          text: text("try_again") });
          again.addEventListener("click", function () {
            Q.retry(item.id).then(sendOutbox);
          });
          entry.appendChild(element("p", { className: "webform-outbox-actions" },
                                    [again, " ", discard]));
        } else {
          entry.appendChild(element("span", { className: "helptext",
                                              text: text("waiting_state") }));
        }
        list.appendChild(entry);
      });
      if (root) {
        root.setAttribute("data-outbox-count", String(waiting.length));
        root.setAttribute("data-outbox-kept", String(items.length - waiting.length));
      }
    }).catch(function () {
      return null;
    });
  }

  function requestBackgroundSync() {
    if (!("serviceWorker" in navigator)) {
      return;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync && registration.sync.register) {
        return registration.sync.register(Q.SYNC_TAG);
      }
      return null;
    }).catch(function () {
      return null;
    });
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !config.serviceWorkerUrl) {
      return;
    }
    navigator.serviceWorker.register(config.serviceWorkerUrl, { scope: config.serviceWorkerScope })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        // Keep this page for offline use (the first visit is not yet served by the worker).
        if (registration.active && model) {
          registration.active.postMessage({ type: "keep-page", url: window.location.href });
        }
        if (root) {
          root.setAttribute("data-offline-ready", "true");
        }
      })
      .catch(function () {
        return null;
      });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") {
        showOutbox();
      }
    });
  }

  /* --- start ---------------------------------------------------------------------------- */

  function readJson(id) {
    var script = byId(id);
    return script ? JSON.parse(script.textContent) : null;
  }

  function startForm() {
    var form = byId("webform-form");
    language = config.language || model.default_language;
    var picker = byId("webform-language");
    if (picker) {
      picker.value = language;
      picker.addEventListener("change", function () {
        language = picker.value;
        state.language = language;
        render();
        changed();
      });
    }
    form.addEventListener("submit", finish);
    // Leaving or hiding the page keeps what was typed in the last moments too.
    window.addEventListener("pagehide", function () {
      if (draftTimer) {
        saveDraft();
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && draftTimer) {
        saveDraft();
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("input[name=geoprivacy]"),
      function (radio) {
        radio.addEventListener("change", changed);
      });
    byId("webform-discard-draft").addEventListener("click", function () {
      if (!window.confirm(text("start_over_confirm"))) {
        return;
      }
      Q.draftDelete(draftKey()).catch(function () { return null; }).then(function () {
        state = freshState();
        touched = {};
        applyDefaults(model.children, state.values, [{ values: state.values, path: [] }], []);
        restoreGeoprivacy();
        render();
        announce(text("started_over"));
      });
    });
    return Q.draftGet(draftKey()).catch(function () {
      return null;
    }).then(function (draft) {
      if (draft && draft.instanceId) {
        state = draft;
        delete state.key;
        delete state.owner;
        state.values = state.values || {};
        state.files = state.files || {};
        if (draft.language && picker) {
          language = draft.language;
          picker.value = language;
        }
        announce(text("draft_restored", {
          time: new Date(draft.savedAt || draft.startedAt).toLocaleString() }));
      } else {
        state = freshState();
      }
      applyDefaults(model.children, state.values, [{ values: state.values, path: [] }], []);
      restoreGeoprivacy();
      render();
      bindings.forEach(showPreview);
      form.hidden = false;
      root.setAttribute("data-ready", "true");
    });
  }

  function start() {
    root = byId("webform");
    if (!root || !E || !Q) {
      return;
    }
    var needsScript = byId("webform-needs-script");
    if (needsScript) {
      needsScript.hidden = true;
    }
    config = {
      project: root.getAttribute("data-project"),
      formId: root.getAttribute("data-form-id"),
      submitUrl: root.getAttribute("data-submit-url"),
      mediaUrl: root.getAttribute("data-media-url"),
      observationsUrl: root.getAttribute("data-observations-url"),
      csrfToken: root.getAttribute("data-csrf-token"),
      // The signed-in person's opaque key; absent on the offline page (a kept copy must not
      // speak for whoever is signed in now), where the last page's word is used.
      person: root.getAttribute("data-person"),
      defaultGeoprivacy: root.getAttribute("data-default-geoprivacy") || "open",
      language: root.getAttribute("data-language"),
      serviceWorkerUrl: root.getAttribute("data-service-worker-url"),
      serviceWorkerScope: root.getAttribute("data-service-worker-scope") || "/",
      center: null,
    };
    var center = readJson("webform-center");
    if (center && typeof center.latitude === "number") {
      config.center = center;
      config.zoom = center.zoom;
    }
    texts = readJson("webform-texts") || {};
    model = readJson("webform-model");
    var outbox = byId("webform-outbox");
    if (outbox) {
      outbox.hidden = false;
    }
    var sendNow = byId("webform-send-now");
    if (sendNow) {
      sendNow.addEventListener("click", sendOutbox);
    }
    window.addEventListener("online", sendOutbox);
    window.addEventListener("offline", showOutbox);
    window.setInterval(function () {
      if (navigator.onLine !== false) {
        sendOutbox();
      }
    }, RETRY_MS);
    registerServiceWorker();
    var known = config.person
      ? Q.personSet(config.person).catch(function () { return null; })
      : Q.personGet().then(function (person) {
        config.person = person;
      }, function () { return null; });
    known.then(function () {
      return model ? startForm() : null;
    }).then(function () {
      return showOutbox();
    }).then(function () {
      if (navigator.onLine !== false) {
        return sendOutbox();
      }
      return null;
    });
  }

  /* The form builder's live preview: the same drawing code as the web form, from the render
     model of the builder's current rows. Answers typed into the preview stay while the rows
     change; nothing is stored or sent. */
  window.CslabWebformPreview = function (container, previewModel, previewTexts, previewLanguage) {
    previewContainer = container;
    texts = previewTexts || {};
    model = previewModel;
    typesByName = null;
    language = previewLanguage || model.default_language;
    config = { defaultGeoprivacy: "open", center: null };
    touched = {};
    summaryShown = false;
    if (!state) {
      state = freshState();
    }
    state.version = model.version;
    applyDefaults(model.children, state.values, [{ values: state.values, path: [] }], []);
    render();
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
