/* The leadership screen's parcels above map_embed_limit (issue 10, goal 4).
 *
 * The screen's JSON then carries no outline: MapLibre GL (through @maplibre/maplibre-gl-leaflet,
 * a layer of the screen's Leaflet map) draws the parcels from /api/screen/tiles as of the date
 * the screen shows, coloured by level as screen.js colours its Leaflet paths. The style loads
 * no glyphs or sprites: nothing leaves the machine. Names are not labelled in this mode.
 */
(function (global) {
  "use strict";

  var PANE = "ysParcels";
  var FILL = "parcels-fill";
  var LINE = "parcels-line";
  var LEVEL = ["to-string", ["coalesce", ["get", "level"], "grey"]];
  // screen.js restyle(): overdue parcels outlined bright and thicker, done ones paler.
  var OUTLINE = "#0a1424";
  var RED_OUTLINE = "#ff5a4e";

  var glMap = null;
  var shownUrl = null;

  function tileUrl(cfg, asOf, key) {
    var params = new URLSearchParams();
    if (asOf) params.set("as_of", asOf);
    if (key) params.set("key", key);
    var query = params.toString();
    // MapLibre fetches tiles from a worker, which cannot resolve a path against the page.
    return global.location.origin + cfg.tiles.url + (query ? "?" + query : "");
  }

  function fillColour(cfg) {
    var e = ["match", LEVEL];
    cfg.legend.levels.forEach(function (l) { e.push(l.level, l.colour); });
    e.push(cfg.legend.levels[cfg.legend.levels.length - 1].colour);
    return e;
  }

  function style(cfg, url) {
    var red = ["==", LEVEL, "red"];
    var common = { source: "parcels", "source-layer": "parcels" };
    return {
      version: 8,
      sources: { parcels: { type: "vector", tiles: [url], minzoom: 0, maxzoom: 16 } },
      layers: [
        L.extend({ id: FILL, type: "fill", paint: {
          "fill-color": fillColour(cfg),
          "fill-opacity": ["case", ["==", LEVEL, "green"], 0.6, 0.85],
        } }, common),
        L.extend({ id: LINE, type: "line", paint: {
          "line-color": ["case", red, RED_OUTLINE, OUTLINE],
          "line-width": ["case", red, 1.5, 0.8],
        } }, common),
      ],
    };
  }

  // Draw the parcels as of a date; a later date only swaps the tile URL.
  function show(map, cfg, asOf, key) {
    var url = tileUrl(cfg, asOf, key);
    if (glMap === null) {
      map.createPane(PANE).style.zIndex = 450; // above the land and community outlines
      var layer = L.maplibreGL({ style: style(cfg, url), pane: PANE, interactive: false, attributionControl: false });
      layer.addTo(map);
      glMap = layer.getMaplibreMap();
    } else if (url !== shownUrl) {
      var source = glMap.getSource("parcels");
      if (source) source.setTiles([url]);
      else glMap.once("load", function () { glMap.getSource("parcels").setTiles([tileUrl(cfg, asOf, key)]); });
    }
    shownUrl = url;
  }

  function renderedCodes() {
    if (!glMap || !glMap.loaded()) return [];
    var codes = {};
    glMap.queryRenderedFeatures({ layers: [FILL] }).forEach(function (f) { codes[f.properties.code] = true; });
    return Object.keys(codes);
  }

  global.YatouScreenTiles = {
    show: show,
    renderedCodes: renderedCodes,
    glMap: function () { return glMap; },
  };
})(window);
