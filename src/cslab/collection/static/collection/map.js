/* Maps of observations.
 *
 * #observation-map: the project map. Asks the map-layer API for the current view on every
 * move and draws what comes back: hexagons with their counts (zoomed out) or observations as
 * points (zoomed in). The server decides which, and which locations the viewer may see.
 * #observation-location-map: one observation's location on its page, a marker for an exact
 * point or a rectangle for an obscured area.
 *
 * Without JavaScript both maps stay hidden and the pages say where to look instead. No inline
 * script: everything comes from data-attributes and a json_script block (CSP).
 */
(function () {
  "use strict";

  var TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var COLOUR = "#0b6b3a";
  var OBSCURED_COLOUR = "#8a4b00";
  var MOVE_DELAY_MS = 250;
  var MAX_COUNT_LABELS = 250;

  function format(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_match, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function tiles(element) {
    return L.tileLayer(TILE_URL, {
      maxZoom: 19,
      attribution: element.getAttribute("data-attribution") || "",
    });
  }

  /* The view as west,south,east,north within the ranges the API accepts. */
  function viewBox(map) {
    var bounds = map.getBounds();
    var west = bounds.getWest();
    var east = bounds.getEast();
    var south = Math.max(-90, bounds.getSouth());
    var north = Math.min(90, bounds.getNorth());
    if (east - west >= 360) {
      west = -180;
      east = 180;
    } else {
      west = ((((west + 180) % 360) + 360) % 360) - 180;
      east = ((((east + 180) % 360) + 360) % 360) - 180;
    }
    return [west, south, east, north]
      .map(function (value) {
        return value.toFixed(5);
      })
      .join(",");
  }

  function withQuery(url, query, extra) {
    var parts = [];
    if (query) {
      parts.push(query);
    }
    Object.keys(extra).forEach(function (name) {
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(extra[name]));
    });
    return parts.length ? url + "?" + parts.join("&") : url;
  }

  function hexagonStyle(maximum) {
    return function (feature) {
      var count = feature.properties.count || 0;
      // Logarithmic so that one busy cell does not wash out every other one.
      var share = maximum > 1 ? Math.log(count + 1) / Math.log(maximum + 1) : 1;
      return {
        color: COLOUR,
        weight: 1,
        fillColor: COLOUR,
        fillOpacity: 0.15 + 0.55 * share,
      };
    };
  }

  function countLabel(feature, layer) {
    var centre = layer.getBounds().getCenter();
    return L.marker(centre, {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({
        className: "observation-map-count",
        html: String(feature.properties.count),
        iconSize: null,
      }),
    });
  }

  function setUpProjectMap(element) {
    var summary = document.getElementById("observation-map-summary");
    var tableLink = document.getElementById("observation-map-table-link");
    var fallback = document.getElementById("observation-map-fallback");
    var layerUrl = element.getAttribute("data-layer-url");
    var layerQuery = element.getAttribute("data-layer-query") || "";
    var tableUrl = element.getAttribute("data-table-url");
    var extentScript = document.getElementById("observation-map-extent");
    var extent = extentScript ? JSON.parse(extentScript.textContent || "null") : null;

    element.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }
    var map = L.map(element, { worldCopyJump: true }).setView([20, 0], 2);
    tiles(element).addTo(map);
    var drawn = L.layerGroup().addTo(map);
    var fittedToData = false;
    var initial = (element.getAttribute("data-initial-bbox") || "").split(",").map(parseFloat);
    if (initial.length === 4 && initial.every(isFinite)) {
      map.fitBounds(L.latLngBounds([initial[1], initial[0]], [initial[3], initial[2]]));
      fittedToData = true;
    } else if (extent) {
      try {
        var area = L.geoJSON(extent);
        if (area.getBounds().isValid()) {
          map.fitBounds(area.getBounds(), { maxZoom: 12 });
          fittedToData = true;
        }
      } catch (error) {
        // A malformed extent leaves the world view.
      }
    }
    var controller = null;
    var timer = null;

    function draw(collection) {
      drawn.clearLayers();
      var properties = collection.properties || {};
      var features = collection.features || [];
      if (properties.mode === "points") {
        L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var obscured = feature.properties.obscured;
            return L.circleMarker(latlng, {
              radius: 7,
              color: obscured ? OBSCURED_COLOUR : COLOUR,
              dashArray: obscured ? "3 3" : null,
              weight: 2,
              fillOpacity: 0.6,
            });
          },
          onEachFeature: function (feature, layer) {
            var link = document.createElement("a");
            link.href = feature.properties.url;
            link.textContent = format(element.getAttribute("data-label-observation"), {
              number: feature.properties.id,
            });
            var box = document.createElement("div");
            box.appendChild(link);
            if (feature.properties.obscured) {
              var note = document.createElement("p");
              note.textContent = element.getAttribute("data-label-obscured");
              box.appendChild(note);
            }
            layer.bindPopup(box);
          },
        }).addTo(drawn);
      } else {
        var maximum = features.reduce(function (most, feature) {
          return Math.max(most, feature.properties.count || 0);
        }, 0);
        var labelled = features.length <= MAX_COUNT_LABELS;
        L.geoJSON(collection, {
          style: hexagonStyle(maximum),
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(
              format(element.getAttribute("data-label-hexagon"), {
                count: feature.properties.count,
              })
            );
            if (labelled) {
              countLabel(feature, layer).addTo(drawn);
            }
          },
        }).addTo(drawn);
      }
      if (summary) {
        summary.textContent = format(
          element.getAttribute(
            (properties.mode === "points" ? "data-label-summary-points" : "data-label-summary-hexagons") +
              (properties.total === 1 && element.hasAttribute("data-label-summary-points-one") ? "-one" : "")
          ),
          { total: properties.total || 0, cells: features.length }
        );
      }
      if (!fittedToData && features.length) {
        fittedToData = true;
        var bounds = L.geoJSON(collection).getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { maxZoom: 12 });
        }
      }
    }

    function load() {
      var box = viewBox(map);
      if (tableLink) {
        tableLink.href = withQuery(tableUrl, layerQuery, { bbox: box });
      }
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var url = withQuery(layerUrl, layerQuery, { bbox: box, zoom: map.getZoom() });
      fetch(url, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(draw)
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          if (summary) {
            summary.textContent = element.getAttribute("data-label-failed");
          }
        });
    }

    map.on("moveend", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, MOVE_DELAY_MS);
    });
    load();
  }

  function setUpLocationMap(element) {
    var latitude = parseFloat(element.getAttribute("data-latitude"));
    var longitude = parseFloat(element.getAttribute("data-longitude"));
    if (!isFinite(latitude) || !isFinite(longitude)) {
      return;
    }
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false });
    tiles(element).addTo(map);
    var cell = (element.getAttribute("data-cell") || "").split(",").map(parseFloat);
    if (cell.length === 4 && cell.every(isFinite)) {
      var bounds = L.latLngBounds([cell[1], cell[0]], [cell[3], cell[2]]);
      L.rectangle(bounds, { color: OBSCURED_COLOUR, weight: 2, dashArray: "4 4" }).addTo(map);
      map.fitBounds(bounds);
    } else {
      L.circleMarker([latitude, longitude], { radius: 8, color: COLOUR, fillOpacity: 0.7 }).addTo(
        map
      );
      map.setView([latitude, longitude], 14);
    }
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    var projectMap = document.getElementById("observation-map");
    if (projectMap) {
      setUpProjectMap(projectMap);
    }
    var locationMap = document.getElementById("observation-location-map");
    if (locationMap) {
      setUpLocationMap(locationMap);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
