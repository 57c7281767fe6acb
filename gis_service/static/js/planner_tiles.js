/*
 * Yatou renewal map: the planners' map above map_embed_limit (issue 10, goal 4).
 *
 * No parcel is embedded in the page: MapLibre GL (through @maplibre/maplibre-gl-leaflet, a
 * layer inside the Leaflet map of the folium page) draws them from the service's own vector
 * tiles. Colours and filters become MapLibre expressions built from the same embedded classes
 * planner.js uses; a filter changes the layers' filter, never refetches data. Legend counts
 * come from the embedded groups (parcels counted per category, stage, level, community and
 * deadline window). A click asks the service for the parcel's popup record and planner.js
 * builds the same popup from it, with textContent. The style loads no glyphs or sprites: the
 * page makes no request off the machine. This file spells no word and no colour.
 */
(function (global) {
  'use strict';

  var SOURCE = 'parcels';
  var FILL = 'parcels-fill';
  var LINE = 'parcels-line';
  var PANE = 'yatouParcels';
  var TILE_MAX_ZOOM = 16; // deeper views overzoom the z16 tiles: ~360 parcels a tile already
  // Tiles go through this protocol: the opening view's were fetched by tile_prefetch.js
  // (inlined at the top of the page) while the scripts loaded, and are handed over once.
  var PROTOCOL = 'yatou-tile://';
  var prefetch = global.YatouTilePrefetch;
  var LEVEL = ['to-string', ['coalesce', ['get', 'level'], 'grey']];
  var CATEGORY = ['to-string', ['get', 'category']];
  var DEADLINE = ['to-string', ['get', 'deadline']];

  // A custom protocol is fetched on the page's thread (MapLibre's worker asks it by message),
  // so paths resolve against the page; ETags and the HTTP cache work as for MapLibre's own.
  function loadTile(params, abort) {
    var path = params.url.slice(PROTOCOL.length);
    var held = prefetch.take(path);
    var body = held || global.fetch(path, { credentials: 'same-origin', signal: abort.signal })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.arrayBuffer();
      });
    return body.then(function (data) { return { data: data }; });
  }

  // Not maplibregl.prewarm(): starting the worker this early, its parse of the library
  // competed with the page's own scripts on two cores and the map came later (bench_map pairs).
  if (global.maplibregl) global.maplibregl.addProtocol(PROTOCOL.slice(0, -3), loadTile);

  function matchExpression(input, classes, fallback) {
    var e = ['match', input];
    classes.forEach(function (c) { e.push(c.key, c.colour); });
    e.push(fallback);
    return e;
  }

  function colourExpression(state) {
    var d = state.data;
    if (state.colour === 'stage') {
      var stageKey = ['concat', CATEGORY, '/', ['to-string', ['get', 'stage']]];
      return matchExpression(stageKey, d.stages, d.unknown_colour);
    }
    return matchExpression(LEVEL, d.levels, d.unknown_colour);
  }

  // The deadline windows of payload.deadline_windows, on the bounds the page was given.
  function windowExpression(bounds, name) {
    var open = ['all', ['has', 'deadline'], ['!=', LEVEL, 'green']];
    if (name === 'overdue') return ['all', open, ['<', DEADLINE, bounds.on]];
    var end = name === 'month' ? bounds.month_end : bounds.quarter_end;
    return ['all', open, ['>=', DEADLINE, bounds.on], ['<=', DEADLINE, end]];
  }

  function shownCategories(state) {
    var f = state.filters;
    return state.data.categories.map(function (c) { return c.key; }).filter(function (key) {
      var group = state.layers[key];
      return group && state.map.hasLayer(group) && (!f.category || f.category === key);
    });
  }

  function filterExpression(state) {
    var f = state.filters;
    var all = ['all', ['in', CATEGORY, ['literal', shownCategories(state)]]];
    if (f.community) all.push(['==', ['to-string', ['get', 'community']], f.community]);
    if (f.level) all.push(['==', LEVEL, f.level]);
    if (f.window) all.push(windowExpression(state.data.tiles.window_bounds, f.window));
    return all;
  }

  function style(state) {
    var t = state.data.tiles;
    var source = { type: 'vector', tiles: [PROTOCOL + t.tile_url], minzoom: 0, maxzoom: TILE_MAX_ZOOM };
    var filter = filterExpression(state);
    var common = { source: SOURCE, 'source-layer': 'parcels', filter: filter };
    var fillPaint = { 'fill-color': colourExpression(state), 'fill-opacity': 0.75 };
    var linePaint = { 'line-color': state.data.parcel_outline, 'line-width': 1, 'line-opacity': 0.9 };
    var out = {
      version: 8,
      sources: { parcels: source },
      layers: [
        L.extend({ id: FILL, type: 'fill', paint: fillPaint }, common),
        L.extend({ id: LINE, type: 'line', paint: linePaint }, common)
      ]
    };
    var speck = warmSpeck(t.bounds);
    if (speck) {
      out.sources[WARM] = speck;
      out.layers.unshift({ id: WARM + '-fill', type: 'fill', source: WARM, paint: fillPaint },
        { id: WARM + '-line', type: 'line', source: WARM, paint: linePaint });
    }
    return out;
  }

  /* ---------- shaders compiled before the tiles arrive ---------- */

  // The first frame with parcels compiles MapLibre's fill and line shaders; where WebGL runs
  // on the CPU (SwiftShader, the bench's headless Chromium) that took longer than cutting the
  // first tile. A speck (0.1 m) in the middle of the first view, painted like the parcels, is
  // drawn once the style has loaded, so the shaders compile while the worker cuts the tiles.
  // It lies under the parcels' layers and goes once they have drawn (unwarm).
  var WARM = 'yatou-warm';

  function warmSpeck(bounds) {
    if (!bounds) return null;
    var lat = (bounds[0][0] + bounds[1][0]) / 2, lng = (bounds[0][1] + bounds[1][1]) / 2, d = 1e-6;
    var ring = [[lng, lat], [lng + d, lat], [lng + d, lat + d], [lng, lat + d], [lng, lat]];
    var speck = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [ring] } };
    return { type: 'geojson', data: speck };
  }

  function unwarm(glMap) {
    var drop = function (e) {
      if (e.sourceId !== SOURCE || !e.tile) return;
      glMap.off('sourcedata', drop);
      glMap.once('render', function () {
        [WARM + '-fill', WARM + '-line'].forEach(function (id) { if (glMap.getLayer(id)) glMap.removeLayer(id); });
        if (glMap.getSource(WARM)) glMap.removeSource(WARM);
      });
    };
    glMap.on('sourcedata', drop);
  }

  /* ---------- counts from the embedded groups ---------- */

  // A group row: [category, stage, level, community, window bucket, parcels].
  function groupPasses(state, g) {
    var f = state.filters;
    var group = state.layers[g[0]];
    if (!group || !state.map.hasLayer(group)) return false;
    if (f.category && g[0] !== f.category) return false;
    if (f.community && g[3] !== f.community) return false;
    if (f.level && g[2] !== f.level) return false;
    if (f.window && state.data.tiles.buckets[g[4]].indexOf(f.window) < 0) return false;
    return true;
  }

  function counts(state) {
    var out = {};
    state.data.tiles.groups.forEach(function (g) {
      if (!groupPasses(state, g)) return;
      var key = state.colour === 'stage' ? g[0] + '/' + g[1] : g[2];
      out[key] = (out[key] || 0) + g[5];
    });
    return out;
  }

  function sum(groups, keep) {
    return groups.reduce(function (n, g) { return keep(g) ? n + g[5] : n; }, 0);
  }

  // The zoom to open at: tile_prefetch.js's first view, the one whose tiles it fetched ahead.
  function firstZoom(map, bounds, total) {
    var b = [[bounds.getSouth(), bounds.getWest()], [bounds.getNorth(), bounds.getEast()]];
    var size = map.getSize();
    return prefetch.firstView(b, total, size.x, size.y).zoom;
  }

  /* ---------- clicks, hover, search ---------- */

  function featureAt(glMap, latlng) {
    var found = glMap.queryRenderedFeatures(glMap.project([latlng.lng, latlng.lat]), { layers: [FILL] });
    return found.length ? found[0].properties : null;
  }

  function fetchJson(url) {
    return global.fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      });
  }

  function openPopup(state, parts, code, latlng) {
    var popup = L.popup({ minWidth: 260, maxWidth: 360, autoPanPaddingTopLeft: state.popupPadding })
      .setLatLng(latlng)
      .setContent(parts.el('div', 'yatou-popup', parts.word(state, 'loading')))
      .openOn(state.map);
    var url = parts.fillTemplate(state.data.tiles.popup_url, 'code', code);
    return fetchJson(url).then(function (p) {
      popup.setContent(parts.popupContent(state, p));
    }, function (err) {
      popup.setContent(parts.el('div', 'yatou-popup', parts.word(state, 'popup_failed', { status: err.message })));
    });
  }

  function hover(state, parts, glMap, ready) {
    var tooltip = L.tooltip({ direction: 'top', offset: [0, -8] });
    var pending = null;
    state.map.on('mousemove', function (ev) {
      if (ev.originalEvent.buttons) return; // dragging: no hover work per move
      pending = ev.latlng;
      global.requestAnimationFrame(function () {
        if (!pending || !ready()) return;
        var p = featureAt(glMap, pending);
        var latlng = pending;
        pending = null;
        state.map.getContainer().style.cursor = p ? 'pointer' : '';
        if (!p) { state.map.closeTooltip(tooltip); return; }
        tooltip.setLatLng(latlng).setContent(parts.tooltipContent(state, p));
        if (!state.map.hasLayer(tooltip)) state.map.openTooltip(tooltip);
      });
    });
    state.map.on('mouseout', function () { pending = null; state.map.closeTooltip(tooltip); });
  }

  function search(state, query) {
    var url = state.data.tiles.search_url + '&q=' + encodeURIComponent(query);
    return fetchJson(url).then(function (fc) {
      return (fc.features || []).filter(function (f) { return f.geometry; }).map(function (f) {
        return { p: f.properties, bounds: L.geoJSON(f.geometry).getBounds() };
      });
    });
  }

  /* ---------- the layer ---------- */

  // Redrawn when a pan ends, as Leaflet's own canvas renderer is: during a drag the drawn
  // canvas (with its padding) slides with the map pane, and no GL frame is rendered per mouse
  // move. Those per-move frames stalled panning where WebGL runs on the CPU (no GPU).
  var PanEndLayer = L.MaplibreGL.extend({
    getEvents: function () {
      var events = L.MaplibreGL.prototype.getEvents.call(this);
      events.moveend = events.move;
      delete events.move;
      return events;
    }
  });

  function attach(state, parts) {
    var pane = state.map.createPane(PANE);
    pane.style.zIndex = 450; // above the light base and the outlines (overlayPane, 400)
    var layer = new PanEndLayer({
      style: style(state), pane: PANE, interactive: false, attributionControl: false,
      padding: prefetch.padding, fadeDuration: 0  // no fade-in: parcels show when drawn
    });
    layer.addTo(state.map);
    var glMap = layer.getMaplibreMap();
    unwarm(glMap);
    // The style is inline (no request): it is loaded ('styledata') long before every tile of
    // the view has arrived ('load'), and parcels drawn by then can be clicked and filtered.
    var loaded = false;
    glMap.once('styledata', function () { loaded = true; });
    var ready = function () { return loaded; };
    state.map.on('click', function (ev) {
      var p = ready() ? featureAt(glMap, ev.latlng) : null;
      if (p && p.code) openPopup(state, parts, String(p.code), ev.latlng);
    });
    hover(state, parts, glMap, ready);
    var groups = state.data.tiles.groups;
    var whenReady = function (fn) { if (ready()) fn(); else glMap.once('styledata', fn); };
    return {
      glMap: glMap,
      filter: function () {
        whenReady(function () {
          var e = filterExpression(state);
          glMap.setFilter(FILL, e);
          glMap.setFilter(LINE, e);
        });
      },
      restyle: function () {
        whenReady(function () { glMap.setPaintProperty(FILL, 'fill-color', colourExpression(state)); });
      },
      counts: function () { return counts(state); },
      shown: function () { return sum(groups, function (g) { return groupPasses(state, g); }); },
      total: function () { return sum(groups, function () { return true; }); },
      communities: function () { return groups.map(function (g) { return g[3]; }).filter(Boolean); },
      bounds: function () { return state.data.tiles.bounds ? L.latLngBounds(state.data.tiles.bounds) : null; },
      firstZoom: function (bounds) { return firstZoom(state.map, bounds, sum(groups, function () { return true; })); },
      renderedCodes: function () {
        if (!ready()) return [];
        var codes = {};
        glMap.queryRenderedFeatures({ layers: [FILL] }).forEach(function (f) { codes[f.properties.code] = true; });
        return Object.keys(codes);
      },
      search: function (query) { return search(state, query); },
      open: function (code, latlng) { return openPopup(state, parts, code, latlng); }
    };
  }

  global.YatouPlannerTiles = { attach: attach };
})(window);
