/*
 * Yatou renewal map: the opening view's parcel tiles asked for before the page's scripts load
 * (issue 10, goal 4: first parcels drawn within 3 s on a cold visit).
 *
 * Inlined at the top of <head> of a map drawn from vector tiles. MapLibre asks for its first
 * tile only after ~1 MB of scripts are parsed, the Leaflet map is built and its worker has
 * started: on two cores about a second after the HTML arrived. This script works out the view
 * the map will open at (the same function planner_tiles.js opens it with) and fetches that
 * view's tiles at once, so PostgreSQL builds them while the browser parses the scripts.
 * planner_tiles.js then hands MapLibre these responses (a custom protocol) instead of asking
 * again. Pure Web Mercator arithmetic: Leaflet is not loaded yet.
 */
(function (global) {
  'use strict';

  var TILE_MAX_ZOOM = 16; // the service's deepest tiles; deeper views overzoom them
  // The first view holds about this many parcels at most: a view of the whole of 100,000
  // parcels asks PostgreSQL to build tiles of all of them (tens of seconds cold) to draw shapes
  // smaller than a pixel. Past the budget the map opens zoomed in on the data's middle.
  var FIRST_VIEW_PARCELS = 10000;
  var MAX_ZOOM = 19; // the Leaflet map's maxZoom (maps/planner.py)
  // The MapLibre canvas reaches this share of the map's size past each side (maplibre-gl-leaflet's
  // `padding`; planner_tiles.js passes it): what a drag shows before the pan ends and it redraws.
  var GL_PADDING = 0.1;
  // Only the tiles nearest the middle are fetched ahead: the first parcels need one, and each
  // tile fetched ahead is built while the server also answers the page's scripts. With all
  // twenty of a desktop view asked at once (two cores, loaded), the scripts came seconds later.
  var AHEAD = 4;
  var held = {};

  // Leaflet's EPSG:3857 pixel coordinates at a zoom (256-pixel tiles).
  function project(lat, lng, zoom) {
    var scale = 256 * Math.pow(2, zoom);
    var s = Math.sin(Math.max(Math.min(lat, 85.0511287798), -85.0511287798) * Math.PI / 180);
    return {
      x: scale * (lng + 180) / 360,
      y: scale * (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI))
    };
  }

  function latOf(y, zoom) {
    var n = Math.PI - 2 * Math.PI * y / (256 * Math.pow(2, zoom));
    return 180 / Math.PI * Math.atan(Math.sinh(n));
  }

  // Leaflet's getBoundsZoom (no padding, zoomSnap 1): the deepest zoom showing the bounds.
  function boundsZoom(b, width, height) {
    var sw = project(b[0][0], b[0][1], 0);
    var ne = project(b[1][0], b[1][1], 0);
    var scale = Math.min(width / Math.max(ne.x - sw.x, 1e-12), height / Math.max(sw.y - ne.y, 1e-12));
    var zoom = Math.round(Math.log(scale) / Math.LN2 * 100) / 100; // Leaflet: within 1 % snaps
    return Math.max(0, Math.min(MAX_ZOOM, Math.floor(zoom)));
  }

  // The share of the data's bbox a view at `zoom` centred on it covers (parcels taken as
  // spread evenly over their bbox).
  function share(b, centre, zoom, width, height) {
    var spanX = b[1][1] - b[0][1];
    var spanY = b[1][0] - b[0][0];
    var c = project(centre[0], centre[1], zoom);
    var degX = width / (256 * Math.pow(2, zoom)) * 360;
    var degY = latOf(c.y - height / 2, zoom) - latOf(c.y + height / 2, zoom);
    return Math.min(1, degX / Math.max(spanX, 1e-9)) * Math.min(1, degY / Math.max(spanY, 1e-9));
  }

  // The view the map opens at: the data's bounds fitted ([[south, west], [north, east]]), then
  // closer while it would hold more than FIRST_VIEW_PARCELS. {centre: [lat, lng], zoom}.
  function firstView(b, total, width, height) {
    var centre = [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2];  // LatLngBounds.getCenter
    var fitted = boundsZoom(b, width, height);
    var zoom = fitted;
    while (zoom < TILE_MAX_ZOOM && total * share(b, centre, zoom, width, height) > FIRST_VIEW_PARCELS) zoom += 1;
    return { centre: centre, zoom: zoom, fitted: fitted };
  }

  // The z/x/y of the tiles MapLibre asks for that view: its zoom is Leaflet's minus one
  // (512-pixel tiles), its canvas the map plus GL_PADDING on every side.
  function viewTiles(view, width, height) {
    var z = Math.min(view.zoom - 1, TILE_MAX_ZOOM);
    var c = project(view.centre[0], view.centre[1], view.zoom);
    var scale = Math.pow(2, view.zoom - 1 - z) * 512;
    var halfW = width * (0.5 + GL_PADDING) + 1;
    var halfH = height * (0.5 + GL_PADDING) + 1;
    var last = Math.pow(2, z) - 1;
    var x0 = Math.max(0, Math.floor((c.x - halfW) / scale)), x1 = Math.min(last, Math.floor((c.x + halfW) / scale));
    var y0 = Math.max(0, Math.floor((c.y - halfH) / scale)), y1 = Math.min(last, Math.floor((c.y + halfH) / scale));
    var out = [];
    for (var x = x0; x <= x1; x++) for (var y = y0; y <= y1; y++) out.push([z, x, y]);
    var mx = c.x / scale, my = c.y / scale;  // nearest the middle first, as MapLibre asks
    out.sort(function (a, b) {
      return Math.hypot(a[1] + 0.5 - mx, a[2] + 0.5 - my) - Math.hypot(b[1] + 0.5 - mx, b[2] + 0.5 - my);
    });
    return out;
  }

  function tilePath(template, t) {
    return template.replace('{z}', t[0]).replace('{x}', t[1]).replace('{y}', t[2]);
  }

  function fetchView(cfg) {
    var width = global.innerWidth;
    var height = global.innerHeight - cfg.top;
    if (width <= 0 || height <= 0) return;
    var view = firstView(cfg.bounds, cfg.total, width, height);
    if (view.zoom <= view.fitted) return; // the whole data in view: no budgeted first view
    viewTiles(view, width, height).slice(0, AHEAD).forEach(function (t) {
      var path = tilePath(cfg.tile_url, t);
      held[path] = global.fetch(path, { credentials: 'same-origin' }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.arrayBuffer();
      });
      // A failure is MapLibre's to report when it takes the tile, not an unhandled rejection.
      held[path].catch(function () {});
    });
  }

  // Start fetching the opening view's tiles. `cfg`: tile_url (a path template), bounds,
  // total, top (the page's bar above the map, in CSS pixels). Started from a timer: it runs
  // once the parser waits for the first script, by when the scripts and styles have been
  // asked for. Asked first, the tiles would hold the browser's six connections to the
  // server while the scripts waited behind them.
  function start(cfg) {
    global.YatouTilePrefetch.config = cfg;
    if (!cfg.bounds || !global.fetch) return;
    global.setTimeout(function () { fetchView(cfg); }, 0);
  }

  // The response fetched for a tile path, once (null when it was not fetched ahead).
  function take(path) {
    var found = held[path] || null;
    delete held[path];
    return found;
  }

  global.YatouTilePrefetch = {
    start: start, take: take, firstView: firstView, viewTiles: viewTiles, padding: GL_PADDING
  };
})(window);
