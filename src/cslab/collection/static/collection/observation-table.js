/* The observation table's filters: htmx sends every field of the form; leave out the empty
 * ones so that the address pushed to the history stays short and readable. Without
 * JavaScript the form is a plain GET form and works the same. */
(function () {
  "use strict";

  document.addEventListener("htmx:configRequest", function (event) {
    var detail = event.detail || {};
    var form = detail.elt && detail.elt.closest ? detail.elt.closest("#observation-filter-form") : null;
    var formData = detail.formData;
    if (!form || !formData || typeof formData.forEach !== "function") {
      return;
    }
    var empty = [];
    formData.forEach(function (value, name) {
      if (typeof value === "string" && value.trim() === "" && empty.indexOf(name) < 0) {
        empty.push(name);
      }
    });
    empty.forEach(function (name) {
      var kept = formData.getAll(name).filter(function (value) {
        return typeof value !== "string" || value.trim() !== "";
      });
      formData.delete(name);
      kept.forEach(function (value) {
        formData.append(name, value);
      });
    });
  });
})();
