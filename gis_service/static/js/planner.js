/*
 * Yatou renewal map: the planners' map behaviour (issue 5).
 *
 * Every value from the database is written with textContent or new Option(text): never
 * innerHTML, never a Leaflet popup/tooltip string (Leaflet parses strings as HTML). Every
 * word, label, colour, legend key and derived flag (overdue, deadline windows, the grey level of
 * a parcel without a deadline) comes from the Python side (gis_service.maps.planner, its
 * labels.py and the field table): this file spells no Chinese word and recomputes no rule.
 */
(function (global) {
  'use strict';

  var BASE_STYLE = { weight: 1, opacity: 0.9, fillOpacity: 0.75 };

  /* ---------- small DOM helpers ---------- */

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(parent, children) {
    children.forEach(function (child) { if (child) parent.appendChild(child); });
    return parent;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function fillTemplate(template, key, value) {
    // split/join, not String.replace: replace() would interpret "$&" etc. in the value.
    return template.split('{' + key + '}').join(encodeURIComponent(value));
  }

  function format(template, values) {
    // {name} placeholders of the Python-side words; split/join so "$&" in a value stays literal.
    return Object.keys(values).reduce(function (text, key) {
      return text.split('{' + key + '}').join(String(values[key]));
    }, template);
  }

  function indexBy(list, key) {
    var out = {};
    list.forEach(function (item) { out[item[key]] = item; });
    return out;
  }

  function control(position, build) {
    var Ctl = L.Control.extend({
      onAdd: function () {
        var box = build();
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      }
    });
    return new Ctl({ position: position });
  }

  /* ---------- colours and labels ---------- */

  function classKey(state, p) {
    return state.colour === 'stage' ? p.stage_key : p.level;
  }

  function classesOf(state) {
    return state.colour === 'stage' ? state.data.stages : state.data.levels;
  }

  function colourOf(state, p) {
    var index = state.colour === 'stage' ? state.stageIndex : state.levelIndex;
    var found = index[classKey(state, p)];
    return found ? found.colour : state.data.unknown_colour;
  }

  function levelLabel(state, p) {
    var found = state.levelIndex[p.level];
    return found ? found.label : '';
  }

  function levelColour(state, p) {
    var found = state.levelIndex[p.level];
    return found ? found.colour : state.data.unknown_colour;
  }

  function fieldLabel(state, name) {
    return state.data.field_labels[name] || name;
  }

  function word(state, key, values) {
    return format(state.data.words[key], values || {});
  }

  function stageLabel(state, p) {
    var labels = state.data.stage_labels[p.category] || {};
    return labels[p.stage] || p.stage || '';
  }

  function categoryLabel(state, key) {
    var found = state.categoryIndex[key];
    return found ? found.label : key;
  }

  /* ---------- popup and tooltip ---------- */

  function tooltipContent(state, p) {
    var box = el('div', 'yatou-tooltip');
    return append(box, [el('strong', null, p.name), el('span', 'yt-level', levelLabel(state, p))]);
  }

  function factRow(label, value) {
    if (value === null || value === undefined || value === '') return null;
    var row = el('tr');
    return append(row, [el('th', null, label), el('td', null, value)]);
  }

  function progressBar(state, p) {
    var wrap = el('div', 'yp-progress');
    var bar = el('div', 'yp-bar');
    var fill = el('div', 'yp-fill');
    fill.style.width = Math.max(0, Math.min(100, p.progress || 0)) + '%';
    bar.appendChild(fill);
    var text = word(state, 'progress', { progress: p.progress === null ? '—' : p.progress + '%' });
    if (p.planned_progress !== null) {
      var mark = el('div', 'yp-plan');
      mark.style.left = Math.max(0, Math.min(100, p.planned_progress)) + '%';
      mark.title = word(state, 'planned_mark', { planned: p.planned_progress + '%' });
      bar.appendChild(mark);
      text += word(state, 'planned', { planned: p.planned_progress + '%' });
    }
    return append(wrap, [bar, el('div', 'yp-progress-text', text)]);
  }

  function deadlineRow(state, p) {
    var td = el('td');
    append(td, [document.createTextNode(p.deadline || word(state, 'no_deadline'))]);
    td.appendChild(el('span', p.overdue ? 'yp-overdue' : 'yp-left', p.deadline_text));
    if (p.completed_on) td.appendChild(el('span', 'yp-done', word(state, 'done_on', { date: p.completed_on })));
    if (p.completed_late) td.appendChild(el('span', 'yp-late', fieldLabel(state, 'completed_late')));
    return append(el('tr'), [el('th', null, fieldLabel(state, 'deadline')), td]);
  }

  function milestoneTable(state, p) {
    if (!p.milestones.length) return null;
    var table = el('table', 'yp-milestones');
    var head = append(el('tr'), [
      el('th', null, fieldLabel(state, 'milestones')),
      el('th', null, word(state, 'milestone_due')),
      el('th', null, word(state, 'milestone_done'))
    ]);
    table.appendChild(head);
    p.milestones.forEach(function (m) {
      var done = el('td', m.done_on ? 'yp-ms-done' : 'yp-ms-open', m.done_on || word(state, 'milestone_open'));
      table.appendChild(append(el('tr'), [el('td', null, m.name), el('td', null, m.due_date || '—'), done]));
    });
    return table;
  }

  function lastChange(state, p) {
    var c = p.last_change;
    if (!c) return null;
    var field = c.field ? fieldLabel(state, c.field) : '';
    var parts = [field, c.effective_date, c.actor].filter(function (x) { return x; });
    return el('div', 'yp-change', word(state, 'last_change', { change: parts.join(' · ') }));
  }

  function historyLink(state, p) {
    if (!state.data.history_url || !p.code) return null;
    var a = el('a', 'yp-history', word(state, 'history_link'));
    a.href = fillTemplate(state.data.history_url, 'code', p.code);
    a.target = '_blank';
    a.rel = 'noopener';
    return a;
  }

  // An empty box the pages' photos.js fills (thumbnails, edit link); a plain file leaves it empty.
  function photosBox(p) {
    if (!p.code) return null;
    var box = el('div', 'yp-photos');
    box.setAttribute('data-code', p.code);
    box.setAttribute('data-category', p.category || '');
    global.document.dispatchEvent(new CustomEvent('yatou:popup', { detail: { box: box } }));
    return box;
  }

  function popupContent(state, p) {
    var box = el('div', 'yatou-popup');
    var head = append(el('div', 'yp-head'), [el('strong', 'yp-name', p.name), el('span', 'yp-code', p.code)]);
    var badge = el('span', 'yp-badge', levelLabel(state, p));
    badge.style.background = levelColour(state, p);
    var facts = append(el('table', 'yp-facts'), [
      factRow(fieldLabel(state, 'category'), categoryLabel(state, p.category)),
      factRow(fieldLabel(state, 'stage'), stageLabel(state, p)),
      deadlineRow(state, p),
      factRow(fieldLabel(state, 'responsible_unit'), p.responsible_unit),
      factRow(fieldLabel(state, 'community'), p.community)
    ]);
    var illustrative = p.illustrative ? el('span', 'yp-illustrative', fieldLabel(state, 'illustrative')) : null;
    var flags = append(el('div', 'yp-flags'), [badge, illustrative]);
    return append(box, [head, flags, progressBar(state, p), facts, milestoneTable(state, p), lastChange(state, p), historyLink(state, p), photosBox(p)]);
  }

  /* ---------- layers ---------- */

  function styleOf(state, p) {
    return L.extend({}, BASE_STYLE, { color: state.data.parcel_outline, fillColor: colourOf(state, p) });
  }

  function parcelLayer(state, p) {
    var feature = { type: 'Feature', properties: {}, geometry: p.geometry };
    var layer = L.GeoJSON.geometryToLayer(feature, {
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, { radius: 7 }); }
    });
    layer.setStyle(styleOf(state, p));
    layer.bindTooltip(function () { return tooltipContent(state, p); }, { sticky: true });
    layer.bindPopup(function () { return popupContent(state, p); }, {
      minWidth: 260, maxWidth: 360, autoPanPaddingTopLeft: state.popupPadding
    });
    return layer;
  }

  function drawParcels(state) {
    state.entries = [];
    if (state.data.mode === 'tiles') {
      state.tiles = global.YatouPlannerTiles.attach(state, parts);
      return;
    }
    state.data.parcels.forEach(function (p) {
      var group = state.layers[p.category];
      if (!group || !p.geometry) return;
      state.entries.push({ p: p, group: group, layer: parcelLayer(state, p), shown: false });
    });
  }

  function labelled(layer, name, className) {
    if (name) {
      layer.bindTooltip(el('span', null, name), { permanent: true, direction: 'center', className: className });
    }
    return layer;
  }

  function drawCommunities(state) {
    var style = { color: state.data.community_outline, weight: 1.5, dashArray: '5 4', fill: false, interactive: false };
    state.data.community_shapes.forEach(function (c) {
      if (!c.geometry) return;
      state.layers.communities.addLayer(labelled(L.geoJSON(c.geometry, { style: style, interactive: false }), c.name, 'yatou-community-label'));
    });
  }

  function drawBase(state) {
    if (!state.layers.base) return;
    state.map.getContainer().classList.add('yatou-light-base');
    var land = { stroke: false, fillColor: state.data.land_fill, fillOpacity: 1, interactive: false };
    var road = { color: state.data.avenue_line, weight: 4, opacity: 0.9, interactive: false };
    state.data.land.forEach(function (f) {
      if (f.geometry) state.layers.base.addLayer(L.geoJSON(f.geometry, { style: land, interactive: false }));
    });
    state.data.avenue.forEach(function (f) {
      if (!f.geometry) return;
      var line = L.geoJSON(f.geometry, { style: road, interactive: false });
      state.layers.base.addLayer(labelled(line, f.name || word(state, 'avenue'), 'yatou-road-label'));
    });
  }

  /* ---------- filters and counts ---------- */

  function passes(state, p) {
    var f = state.filters;
    if (f.category && p.category !== f.category) return false;
    if (f.community && p.community !== f.community) return false;
    if (f.level && p.level !== f.level) return false;
    if (f.window && p.windows.indexOf(f.window) < 0) return false;
    return true;
  }

  function applyFilters(state) {
    if (state.tiles) { state.tiles.filter(); updateLegend(state); return; }
    var byGroup = new Map();
    state.entries.forEach(function (e) {
      var want = passes(state, e.p);
      if (want === e.shown) return;
      e.shown = want;
      if (!byGroup.has(e.group)) byGroup.set(e.group, { add: [], remove: [] });
      byGroup.get(e.group)[want ? 'add' : 'remove'].push(e.layer);
    });
    byGroup.forEach(function (change, group) {
      // Marker clusters re-cluster once per batch; feature groups take the layers one by one.
      if (group.addLayers) { group.removeLayers(change.remove); group.addLayers(change.add); }
      else { change.remove.forEach(function (l) { group.removeLayer(l); }); change.add.forEach(function (l) { group.addLayer(l); }); }
    });
    updateLegend(state);
  }

  function visibleEntries(state) {
    return state.entries.filter(function (e) { return e.shown && state.map.hasLayer(e.group); });
  }

  function currentCounts(state) {
    if (state.tiles) return state.tiles.counts();
    var counts = {};
    visibleEntries(state).forEach(function (e) {
      var key = classKey(state, e.p);
      counts[key] = (counts[key] || 0) + 1;
    });
    return counts;
  }

  /* ---------- controls ---------- */

  function titleBar(state) {
    var d = state.data;
    var bar = el('div', 'yatou-titlebar');
    bar.appendChild(el('h1', null, d.title));
    var asOf = el('label', 'yb-asof', word(state, 'as_of'));
    if (d.date_picker_url) {
      var input = el('input');
      input.type = 'date';
      input.value = d.as_of;
      input.setAttribute('aria-label', word(state, 'pick_date'));
      input.addEventListener('change', function () { goToDate(d.date_picker_url, d.iso_date, input.value); });
      asOf.appendChild(input);
    } else {
      asOf.appendChild(el('span', null, d.as_of_text));
    }
    var changed = d.data_changed_at ? el('span', 'yb-changed', word(state, 'data_changed', { moment: d.data_changed_at })) : null;
    append(bar, [asOf, changed]);
    if (d.parcels.some(function (p) { return p.illustrative; })) {
      bar.appendChild(el('span', 'yb-illustrative', fieldLabel(state, 'illustrative')));
    }
    L.DomEvent.disableClickPropagation(bar);
    state.map.getContainer().appendChild(bar);
  }

  // A popup pans clear of what covers the map's top-left corner: the title bar, and on a
  // wide map the search and filter panels. Every popup shares the one Point measured here.
  function measurePopupPadding(state) {
    var container = state.map.getContainer();
    var box = container.getBoundingClientRect();
    var bar = container.querySelector('.yatou-titlebar');
    var panels = container.querySelector('.leaflet-top.leaflet-left');
    var wide = box.width >= 900;
    state.popupPadding.y = bar ? Math.max(5, bar.getBoundingClientRect().bottom - box.top + 5) : 5;
    state.popupPadding.x = panels && wide ? panels.getBoundingClientRect().right - box.left + 5 : 5;
  }

  function goToDate(template, isoDate, value) {
    if (!new RegExp('^' + isoDate + '$').test(value)) return;
    if (template.charAt(0) === '?') {
      // Live page: keep the other query parameters (colour, category, community).
      var params = new URLSearchParams(global.location.search);
      new URLSearchParams(fillTemplate(template.slice(1), 'as_of', value)).forEach(function (v, k) { params.set(k, v); });
      global.location.search = '?' + params.toString();
    } else {
      global.location.href = fillTemplate(template, 'as_of', value);
    }
  }

  function select(name, label, options, state) {
    var box = el('label', 'yf-field', label);
    var sel = el('select');
    sel.name = name;
    options.forEach(function (o) { sel.appendChild(new Option(o[1], o[0])); });
    sel.addEventListener('change', function () { state.filters[name] = sel.value; applyFilters(state); });
    state.selects[name] = sel;
    return append(box, [sel]);
  }

  function communityNames(state) {
    var names = {};
    state.data.community_shapes.forEach(function (c) { if (c.name) names[c.name] = true; });
    state.data.parcels.forEach(function (p) { if (p.community) names[p.community] = true; });
    if (state.tiles) state.tiles.communities().forEach(function (n) { names[n] = true; });
    return Object.keys(names).sort(function (a, b) { return a.localeCompare(b, 'zh-CN'); });
  }

  function filterPanel(state) {
    var box = el('div', 'yatou-panel yatou-filters');
    var title = el('div', 'yatou-panel-title', word(state, 'filters'));
    title.tabIndex = 0; // on a phone the fields fold under the title until it is touched
    box.appendChild(title);
    var all = function (key) { return [['', word(state, key)]]; };
    var pairs = function (classes) { return classes.map(function (c) { return [c.key, c.label]; }); };
    var names = communityNames(state).map(function (n) { return [n, n]; });
    append(box, [
      select('category', fieldLabel(state, 'category'), all('all_categories').concat(pairs(state.data.categories)), state),
      select('community', fieldLabel(state, 'community'), all('all_communities').concat(names), state),
      select('level', word(state, 'level_filter'), all('all_levels').concat(pairs(state.data.levels)), state),
      select('window', fieldLabel(state, 'deadline'), state.data.windows, state)
    ]);
    var reset = el('button', 'yf-reset', word(state, 'reset'));
    reset.type = 'button';
    reset.addEventListener('click', function () { resetFilters(state); });
    return append(box, [reset]);
  }

  function resetFilters(state) {
    Object.keys(state.filters).forEach(function (k) { state.filters[k] = ''; state.selects[k].value = ''; });
    applyFilters(state);
  }

  function searchBox(state) {
    var box = el('div', 'yatou-panel yatou-search');
    var input = el('input');
    input.type = 'search';
    input.placeholder = word(state, 'search_placeholder');
    input.setAttribute('aria-label', word(state, 'search_label'));
    var list = el('ul', 'ys-results');
    input.addEventListener('input', function () { showMatches(state, input.value, list); });
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && list.firstChild) list.firstChild.firstChild.click();
    });
    return append(box, [input, list]);
  }

  function showMatches(state, query, list) {
    clear(list);
    var q = query.trim().toLowerCase();
    if (!q) return;
    if (state.tiles) { searchTiles(state, q, list); return; }
    state.entries.filter(function (e) {
      return (e.p.name || '').toLowerCase().indexOf(q) >= 0 || (e.p.code || '').toLowerCase().indexOf(q) >= 0;
    }).slice(0, 10).forEach(function (e) {
      list.appendChild(hitItem(state, e.p, function () { clear(list); focusEntry(state, e); }));
    });
    if (!list.firstChild) list.appendChild(el('li', 'ys-none', word(state, 'no_match')));
  }

  function hitItem(state, p, onClick) {
    var button = el('button', 'ys-hit', p.name);
    button.type = 'button';
    button.appendChild(el('span', 'ys-cat', categoryLabel(state, p.category)));
    button.addEventListener('click', onClick);
    return append(el('li'), [button]);
  }

  // Above the embed limit the service searches (same fields as the embedded search: name, code).
  function searchTiles(state, q, list) {
    clearTimeout(state.searchTimer);
    state.searchTimer = setTimeout(function () {
      state.tiles.search(q).then(function (hits) {
        clear(list);
        hits.forEach(function (hit) {
          list.appendChild(hitItem(state, hit.p, function () { clear(list); focusHit(state, hit); }));
        });
        if (!list.firstChild) list.appendChild(el('li', 'ys-none', word(state, 'no_match')));
      });
    }, 250);
  }

  function focusHit(state, hit) {
    resetFilters(state);
    state.map.fitBounds(hit.bounds, { maxZoom: 17, padding: [40, 40], animate: false });
    state.tiles.open(hit.p.code, hit.bounds.getCenter());
  }

  function focusEntry(state, e) {
    if (!e.shown) resetFilters(state);
    if (!state.map.hasLayer(e.group)) state.map.addLayer(e.group);
    if (e.group.getVisibleParent) { focusPoint(state, e); return; }
    var bounds = e.layer.getBounds ? e.layer.getBounds() : L.latLngBounds([e.layer.getLatLng()]);
    state.map.fitBounds(bounds, { maxZoom: 17, padding: [40, 40] });
    e.layer.openPopup();
  }

  function focusPoint(state, e) {
    // Clustered points (above the embed limit): zoom in fully, open the cluster if still shared.
    // Not zoomToShowLayer: markercluster 1.1.0 only recognises icon markers there.
    var ll = e.layer.getLatLng();
    state.map.setView(ll, state.map.getMaxZoom(), { animate: false });
    var parent = e.group.getVisibleParent(e.layer);
    if (parent && parent !== e.layer && parent.spiderfy) parent.spiderfy();
    if (e.layer._map) { e.layer.openPopup(); return; }
    L.popup({ minWidth: 260, maxWidth: 360 }).setLatLng(ll).setContent(popupContent(state, e.p)).openOn(state.map);
  }

  function legendPanel(state) {
    var box = el('div', 'yatou-panel yatou-legend');
    box.appendChild(el('div', 'yatou-panel-title', word(state, 'legend')));
    var sw = el('div', 'yl-switch');
    state.data.colourings.forEach(function (o) {
      var label = el('label');
      var radio = el('input');
      radio.type = 'radio';
      radio.name = 'yatou-colour';
      radio.value = o[0];
      radio.checked = state.colour === o[0];
      radio.addEventListener('change', function () { setColour(state, o[0]); });
      sw.appendChild(append(label, [radio, document.createTextNode(o[1])]));
    });
    state.legendRows = el('div', 'yl-rows');
    state.legendTotal = el('div', 'yl-total');
    append(box, [sw, state.legendRows, state.legendTotal]);
    if (state.data.mode === 'tiles') {
      box.appendChild(el('div', 'yl-note', word(state, 'tiles_note', { limit: state.data.embed_limit })));
    }
    if (state.data.mode === 'points') {
      box.appendChild(el('div', 'yl-note', word(state, 'points_note', { limit: state.data.embed_limit })));
    }
    return box;
  }

  function updateLegend(state) {
    if (!state.legendRows) return;
    var counts = currentCounts(state);
    clear(state.legendRows);
    var group = null;
    classesOf(state).forEach(function (c) {
      if (c.group && c.group !== group) { group = c.group; state.legendRows.appendChild(el('div', 'yl-group', group)); }
      var row = el('div', 'yl-row');
      row.setAttribute('data-key', c.key);
      var swatch = el('span', 'yl-swatch');
      swatch.style.background = c.colour;
      append(row, [swatch, el('span', 'yl-label', c.label), el('span', 'yl-count', counts[c.key] || 0)]);
      state.legendRows.appendChild(row);
    });
    var shown = state.tiles ? state.tiles.shown() : visibleEntries(state).length;
    var total = state.tiles ? state.tiles.total() : state.entries.length;
    state.legendTotal.textContent = word(state, 'shown', { shown: shown, total: total });
  }

  function setColour(state, colour) {
    state.colour = colour === 'stage' ? 'stage' : 'level';
    state.entries.forEach(function (e) { e.layer.setStyle({ fillColor: colourOf(state, e.p) }); });
    if (state.tiles) state.tiles.restyle();
    updateLegend(state);
  }

  function fitToData(state) {
    var bounds = L.latLngBounds([]);
    state.entries.forEach(function (e) {
      bounds.extend(e.layer.getBounds ? e.layer.getBounds() : e.layer.getLatLng());
    });
    if (state.tiles && state.tiles.bounds()) {
      bounds = state.tiles.bounds();
      var zoom = state.tiles.firstZoom(bounds);
      if (zoom > state.map.getBoundsZoom(bounds)) { state.map.setView(bounds.getCenter(), zoom, { animate: false }); return; }
    }
    if (!bounds.isValid()) bounds = state.layers.communities.getBounds();
    if (bounds.isValid()) state.map.fitBounds(bounds, { padding: [30, 30], animate: false });
  }

  /* ---------- entry point ---------- */

  function entryOf(state, code) {
    return state.entries.filter(function (x) { return x.p.code === code; })[0];
  }

  function publicApi(state) {
    return {
      counts: function () { return currentCounts(state); },
      setColour: function (c) { setColour(state, c); },
      setFilter: function (name, value) { state.filters[name] = value || ''; state.selects[name].value = value || ''; applyFilters(state); },
      visibleCodes: function () { return visibleEntries(state).map(function (e) { return e.p.code; }); },
      // Above the embed limit: codes of the parcels MapLibre has drawn in the view.
      renderedCodes: function () { return state.tiles ? state.tiles.renderedCodes() : null; },
      glMap: function () { return state.tiles ? state.tiles.glMap : null; },
      pixelOf: function (code) {
        // Page coordinates of a point inside the parcel (for browser tests and other scripts).
        var e = entryOf(state, code);
        if (!e) return null;
        var ll = e.layer.getLatLng ? e.layer.getLatLng() : e.layer.getCenter();
        var pt = state.map.latLngToContainerPoint(ll);
        var box = state.map.getContainer().getBoundingClientRect();
        return { x: box.left + pt.x, y: box.top + pt.y };
      },
      openParcel: function (code) {
        var e = entryOf(state, code);
        if (e) focusEntry(state, e);
        return !!e;
      }
    };
  }

  // photos.js fills a popup's photo strip after the popup opened, so the popup grows when a
  // photo loads; it is placed and auto-panned again, or on a phone its top slides under the
  // title bar. setLatLng re-runs both; update() would also build the content anew (it is a
  // function here), fetch the photos again and loop.
  function keepGrownPopupsInView(map) {
    var open = null;
    var classes = map.getContainer().classList;
    // planner.css hides the corner controls on a phone while this class is set: there they
    // cover the popup's left edge, and the popup's close button brings them back.
    map.on('popupopen', function (e) { open = e.popup; classes.add('yatou-popup-open'); });
    map.on('popupclose', function (e) {
      if (open === e.popup) { open = null; classes.remove('yatou-popup-open'); }
    });
    map.getPane('popupPane').addEventListener('load', function () {
      if (open && open.isOpen()) open.setLatLng(open.getLatLng());
    }, true);  // load does not bubble: caught on the way down
  }

  function init(map, layers, data) {
    var state = {
      map: map, layers: layers, data: data, colour: data.colour, selects: {},
      filters: { category: '', community: '', level: '', window: '' },
      levelIndex: indexBy(data.levels, 'key'),
      stageIndex: indexBy(data.stages, 'key'),
      categoryIndex: indexBy(data.categories, 'key'),
      popupPadding: L.point(5, 5)
    };
    map.getContainer().classList.add('yatou-map');
    if (map.attributionControl) map.attributionControl.setPrefix('Leaflet');  // no outside link
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);
    drawBase(state);
    drawCommunities(state);
    drawParcels(state);
    titleBar(state);
    control('topleft', function () { return searchBox(state); }).addTo(map);
    control('topleft', function () { return filterPanel(state); }).addTo(map);
    control('bottomright', function () { return legendPanel(state); }).addTo(map);
    map.on('overlayadd overlayremove', function () { if (state.tiles) state.tiles.filter(); updateLegend(state); });
    measurePopupPadding(state);
    keepGrownPopupsInView(map);
    map.on('resize', function () { measurePopupPadding(state); });
    applyFilters(state);
    fitToData(state);
    var api = publicApi(state);
    global.YatouPlanner.current = api;
    return api;
  }

  // What planner_tiles.js builds with: the same popup, tooltip and words as embedded parcels.
  var parts = {
    el: el, word: word, fillTemplate: fillTemplate,
    popupContent: popupContent, tooltipContent: tooltipContent
  };

  global.YatouPlanner = { init: init };
})(window);
