/* The project directory's enhancements: "use my location", the map, tidy htmx requests.
 * Without JavaScript the page works as a plain GET form with a list of results. */
(function () {
  "use strict";

  var TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var COLOUR = "#0b6b3a";
  var map = null;
  var areas = null;
  var loadedUrl = null;

  function byId(id) {
    return document.getElementById(id);
  }

  function submit(form) {
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      form.submit();
    }
  }

  /* "Use my location": the browser's position fills the near field, then the form is sent. */
  function setUpNearMe(form) {
    var button = byId("directory-near-me");
    var field = byId("directory-near");
    var status = byId("directory-near-status");
    if (!button || !field || !status || !("geolocation" in navigator)) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.getAttribute("data-locating");
      button.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          button.disabled = false;
          status.textContent = "";
          field.value =
            position.coords.latitude.toFixed(4) + ", " + position.coords.longitude.toFixed(4);
          submit(form);
        },
        function (error) {
          button.disabled = false;
          status.textContent = button.getAttribute(
            error && error.code === 1 ? "data-denied" : "data-failed"
          );
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 }
      );
    });
  }

  /* htmx sends every field; leave out the empty ones so the address bar stays readable. */
  function dropEmptyParameters(event) {
    var formData = event.detail && event.detail.formData;
    if (!formData || !event.detail.elt || !event.detail.elt.closest("#directory-form")) {
      return;
    }
    var names = [];
    formData.forEach(function (value, name) {
      if (names.indexOf(name) < 0) {
        names.push(name);
      }
    });
    names.forEach(function (name) {
      var values = formData.getAll(name);
      var kept = values.filter(function (value) {
        return typeof value !== "string" || value.trim() !== "";
      });
      if (kept.length !== values.length) {
        formData.delete(name);
        kept.forEach(function (value) {
          formData.append(name, value);
        });
      }
    });
    // A distance means nothing without a position.
    if (!formData.has("near")) {
      formData.delete("within_km");
    }
  }

  function popupFor(feature) {
    var properties = feature.properties || {};
    var container = document.createElement("div");
    var title = document.createElement("p");
    var link = document.createElement("a");
    link.href = properties.url || "#";
    link.textContent = properties.name || "";
    title.appendChild(link);
    container.appendChild(title);
    if (properties.status) {
      var status = document.createElement("p");
      status.textContent = properties.status;
      container.appendChild(status);
    }
    return container;
  }

  function currentMapUrl() {
    var body = document.querySelector("#directory-results [data-map-url]");
    return body ? body.getAttribute("data-map-url") : null;
  }

  function refreshMap() {
    var url = currentMapUrl();
    if (!map || !url || url === loadedUrl) {
      return;
    }
    loadedUrl = url;
    fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (collection) {
        if (!collection || url !== loadedUrl) {
          return;
        }
        if (areas) {
          areas.remove();
        }
        areas = window.L.geoJSON(collection, {
          style: { color: COLOUR, weight: 2, fillOpacity: 0.15 },
          pointToLayer: function (feature, position) {
            return window.L.circleMarker(position, {
              radius: 7, color: COLOUR, weight: 2, fillOpacity: 0.6
            });
          },
          onEachFeature: function (feature, layer) {
            layer.bindPopup(popupFor(feature));
          }
        }).addTo(map);
        var bounds = areas.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { maxZoom: 12, padding: [24, 24] });
        }
      })
      .catch(function () {
        loadedUrl = null;
      });
  }

  function setUpMap() {
    var element = byId("directory-map");
    var fallback = byId("directory-map-fallback");
    if (!element || !window.L || !window.fetch) {
      return;
    }
    element.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }
    // After htmx restored the page from history the element may hold an old map's markup.
    element.replaceChildren();
    element.className = "directory-map";
    map = window.L.map(element, { scrollWheelZoom: false, worldCopyJump: true });
    map.setView([30, 0], 2);
    var attribution = document.createElement("a");
    attribution.href = "https://www.openstreetmap.org/copyright";
    attribution.textContent = element.getAttribute("data-attribution") || "OpenStreetMap";
    window.L.tileLayer(TILE_URL, { maxZoom: 19, attribution: attribution.outerHTML }).addTo(map);
    refreshMap();
  }

  /* The filters sit in a <details> panel, closed in the page so that a phone shows the results
   * first. Wide screens have room for them beside the results: open it there. Once the visitor
   * opens or closes it, it stays that way when htmx replaces the results (and the panel). */
  var WIDE = "(min-width: 48rem)";
  var filtersOpen = null;

  function setUpFilters() {
    var panel = byId("directory-filters");
    if (!panel) {
      return;
    }
    if (filtersOpen === null) {
      if (window.matchMedia && window.matchMedia(WIDE).matches) {
        panel.open = true;
      }
    } else {
      panel.open = filtersOpen;
    }
    panel.addEventListener("toggle", function () {
      filtersOpen = panel.open;
    });
  }

  function afterSwap(event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "directory-results") {
      return;
    }
    setUpFilters();
    refreshMap();
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.closest && trigger.closest(".directory-pagination")) {
      var heading = byId("directory-results-heading");
      if (heading) {
        heading.focus();
        heading.scrollIntoView({ block: "start" });
      }
    }
  }

  function setUp() {
    var form = byId("directory-form");
    if (!form) {
      return false;
    }
    if (map) {
      try {
        map.remove();
      } catch (error) {
        // The old map's element is already gone from the page.
      }
    }
    map = null;
    areas = null;
    loadedUrl = null;
    setUpNearMe(form);
    setUpFilters();
    setUpMap();
    return true;
  }

  function start() {
    if (!setUp()) {
      return;
    }
    document.body.addEventListener("htmx:configRequest", dropEmptyParameters);
    document.body.addEventListener("htmx:afterSwap", afterSwap);
    // Going back and forth re-renders the page (hx-history="false"): set it up again.
    document.body.addEventListener("htmx:historyRestore", setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
