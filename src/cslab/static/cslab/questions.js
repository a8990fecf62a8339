/* Research questions: maps as an enhancement. Without JavaScript (or without Leaflet) the
   latitude/longitude fields and the place written out in words do the same job. */
(function () {
  "use strict";

  var TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';

  function ready(callback) {
    if (document.readyState !== "loading") {
      callback();
    } else {
      document.addEventListener("DOMContentLoaded", callback);
    }
  }

  function number(value) {
    var parsed = parseFloat(value);
    return isNaN(parsed) ? null : parsed;
  }

  /* Leaflet looks for its marker images next to leaflet.css, by a file name that the hashed
     static files (ManifestStaticFilesStorage) no longer have, and then asks for marker-icon.png
     relative to the page (a 404). The map element carries the real static addresses. */
  function useStaticMarkerImages(element) {
    var data = element.dataset;
    if (!data.markerIcon) {
      return;
    }
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions({
      iconUrl: data.markerIcon,
      iconRetinaUrl: data.markerIconRetina || data.markerIcon,
      shadowUrl: data.markerShadow
    });
  }

  function baseMap(element, latitude, longitude, zoom) {
    element.hidden = false;
    useStaticMarkerImages(element);
    var map = L.map(element).setView([latitude, longitude], zoom);
    L.tileLayer(TILES, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);
    return map;
  }

  function picker(element) {
    var latitudeInput = document.getElementById(element.dataset.latitudeInput);
    var longitudeInput = document.getElementById(element.dataset.longitudeInput);
    if (!latitudeInput || !longitudeInput) {
      return;
    }
    var latitude = number(latitudeInput.value);
    var longitude = number(longitudeInput.value);
    var hasPin = latitude !== null && longitude !== null;
    var map = baseMap(
      element,
      hasPin ? latitude : number(element.dataset.defaultLatitude),
      hasPin ? longitude : number(element.dataset.defaultLongitude),
      hasPin ? 14 : 11
    );
    var marker = hasPin ? L.marker([latitude, longitude]).addTo(map) : null;

    function place(lat, lng) {
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        marker = L.marker([lat, lng]).addTo(map);
      }
    }

    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(5);
      var lng = event.latlng.wrap().lng.toFixed(5);
      latitudeInput.value = lat;
      longitudeInput.value = lng;
      place(lat, lng);
    });

    function fromInputs() {
      var lat = number(latitudeInput.value);
      var lng = number(longitudeInput.value);
      if (lat !== null && lng !== null && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(lat, lng);
        map.panTo([lat, lng]);
      }
    }
    latitudeInput.addEventListener("change", fromInputs);
    longitudeInput.addEventListener("change", fromInputs);
  }

  function display(element) {
    var latitude = number(element.dataset.latitude);
    var longitude = number(element.dataset.longitude);
    var areaScript = document.getElementById(element.dataset.areaScript || "");
    var area = areaScript ? JSON.parse(areaScript.textContent) : null;
    if (latitude === null && !area) {
      return;
    }
    var map = baseMap(element, latitude || 0, longitude || 0, 14);
    if (latitude !== null && longitude !== null) {
      L.marker([latitude, longitude]).addTo(map);
    }
    if (area) {
      var layer = L.geoJSON(area).addTo(map);
      if (latitude === null) {
        map.fitBounds(layer.getBounds(), { maxZoom: 15 });
      }
    }
  }

  ready(function () {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-question-map-picker]").forEach(picker);
    document.querySelectorAll("[data-question-map]").forEach(display);
  });
})();
