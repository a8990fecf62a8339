/* The frame every page shares: the phone menu.
 *
 * Loaded in <head> without `defer` so the `js` class is set before the header is drawn: the
 * style sheet folds the menu only when this script runs, and without JavaScript the menu simply
 * stays open. The Menu button reports its state with aria-expanded; Escape closes the menu and
 * gives focus back to the button.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUp() {
    var toggle = document.querySelector(".menu-toggle");
    if (!toggle) return;
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) return;

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
