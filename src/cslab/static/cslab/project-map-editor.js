/*
 * Project areas on a Leaflet map.
 *
 * - `[data-map-view="ID"]` shows the GeoJSON in the <script type="application/json" id="ID">.
 * - `[data-map-editor="TEXTAREA_ID"]` lets people draw a polygon (click to add corners, finish,
 *   remove the last corner, clear) and shows what the GeoJSON textarea holds; a chosen .geojson
 *   file (`data-file-input`) is shown too. The textarea is what the form sends, so the page works
 *   the same without this script: paste GeoJSON or upload the file.
 *
 * The button labels and status messages come from data-* attributes, so they are translated by
 * the template. No inline code: the Content-Security-Policy allows only our own scripts.
 */
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
  var HOME = { centre: [52.16, 4.49], zoom: 8 };
  var STYLE = { color: "#0b6b3a", weight: 3, fillOpacity: 0.15 };
  var SKETCH_STYLE = { color: "#b35c00", weight: 3, dashArray: "6 4", fillOpacity: 0.1 };

  function baseMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);
    map.setView(HOME.centre, HOME.zoom);
    return map;
  }

  function areaLayer(geojson) {
    return L.geoJSON(geojson, {
      style: STYLE,
      pointToLayer: function (_feature, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: STYLE.color });
      },
    });
  }

  function fit(map, layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { maxZoom: 14, padding: [16, 16] });
    } else {
      map.setView(HOME.centre, HOME.zoom);
    }
  }

  function round(value) {
    return Math.round(value * 1e6) / 1e6;
  }

  // Twice the signed area of a closed ring of [lon, lat]: positive when counter-clockwise.
  function signedArea(ring) {
    var sum = 0;
    for (var i = 0; i < ring.length - 1; i++) {
      sum += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
    }
    return sum;
  }

  function initView(element) {
    var source = document.getElementById(element.getAttribute("data-map-view"));
    if (!source) return;
    var geojson;
    try {
      geojson = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    element.hidden = false;
    var map = baseMap(element);
    fit(map, areaLayer(geojson).addTo(map));
  }

  function initEditor(element) {
    var textarea = document.getElementById(element.getAttribute("data-map-editor"));
    if (!textarea) return;
    var fileInput = document.getElementById(element.getAttribute("data-file-input") || "");
    var text = function (name) {
      return element.getAttribute("data-" + name) || "";
    };

    var toolbar = document.createElement("div");
    toolbar.className = "button-row map-toolbar";
    var mapElement = document.createElement("div");
    mapElement.className = "project-map";
    mapElement.setAttribute("role", "region");
    mapElement.setAttribute("aria-label", text("label-map"));
    var status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("role", "status");

    function button(label, secondary) {
      var node = document.createElement("button");
      node.type = "button";
      node.textContent = label;
      if (secondary) node.className = "button-secondary";
      toolbar.appendChild(node);
      return node;
    }
    // Secondary: the form's Save button is the one primary action of the page.
    var drawButton = button(text("label-draw"), true);
    var finishButton = button(text("label-finish"), true);
    var undoButton = button(text("label-undo"), true);
    var clearButton = button(text("label-clear"), true);
    element.appendChild(toolbar);
    element.appendChild(mapElement);
    element.appendChild(status);
    element.hidden = false;

    var map = baseMap(mapElement);
    var shown = null;
    var sketch = L.layerGroup().addTo(map);
    var corners = [];
    var drawing = false;

    function showTextarea() {
      if (shown) {
        map.removeLayer(shown);
        shown = null;
      }
      var value = textarea.value.trim();
      if (!value) return;
      try {
        shown = areaLayer(JSON.parse(value)).addTo(map);
        fit(map, shown);
      } catch (error) {
        shown = null;
        status.textContent = text("status-bad-json");
      }
    }

    function redrawSketch() {
      sketch.clearLayers();
      if (corners.length >= 3) {
        L.polygon(corners, SKETCH_STYLE).addTo(sketch);
      } else if (corners.length === 2) {
        L.polyline(corners, SKETCH_STYLE).addTo(sketch);
      }
      corners.forEach(function (corner) {
        L.circleMarker(corner, { radius: 5, color: SKETCH_STYLE.color }).addTo(sketch);
      });
      drawButton.disabled = drawing;
      finishButton.disabled = !drawing || corners.length < 3;
      undoButton.disabled = !drawing || corners.length === 0;
      mapElement.classList.toggle("is-drawing", drawing);
    }

    function stopDrawing() {
      drawing = false;
      corners = [];
      redrawSketch();
    }

    drawButton.addEventListener("click", function () {
      drawing = true;
      corners = [];
      redrawSketch();
      status.textContent = text("status-drawing") + " 0";
      mapElement.focus();
    });

    map.on("click", function (event) {
      if (!drawing) return;
      corners.push(event.latlng.wrap());
      redrawSketch();
      status.textContent = text("status-drawing") + " " + corners.length;
    });

    undoButton.addEventListener("click", function () {
      corners.pop();
      redrawSketch();
      status.textContent = text("status-drawing") + " " + corners.length;
    });

    finishButton.addEventListener("click", function () {
      if (corners.length < 3) {
        status.textContent = text("status-too-few");
        return;
      }
      var ring = corners.map(function (corner) {
        return [round(corner.lng), round(corner.lat)];
      });
      ring.push(ring[0].slice());
      // RFC 7946: the outer ring of a polygon runs counter-clockwise.
      if (signedArea(ring) < 0) ring.reverse();
      textarea.value = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      if (fileInput) fileInput.value = "";
      stopDrawing();
      showTextarea();
      status.textContent = text("status-done");
    });

    clearButton.addEventListener("click", function () {
      textarea.value = "";
      if (fileInput) fileInput.value = "";
      stopDrawing();
      showTextarea();
      status.textContent = text("status-cleared");
    });

    textarea.addEventListener("change", showTextarea);

    if (fileInput) {
      fileInput.addEventListener("change", function () {
        var file = fileInput.files && fileInput.files[0];
        if (!file) return;
        file.text().then(function (content) {
          textarea.value = content;
          showTextarea();
        });
      });
    }

    redrawSketch();
    showTextarea();
  }

  function start() {
    if (typeof window.L === "undefined") return;
    document.querySelectorAll("[data-map-view]").forEach(initView);
    document.querySelectorAll("[data-map-editor]").forEach(initEditor);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
