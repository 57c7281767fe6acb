/* The leadership large screen (/screen, issue 13).
 *
 * The page carries its settings in <script type="application/json" id="ys-config"> and, in a
 * standalone file, its data in #ys-data. Live pages poll the JSON API with If-None-Match and
 * redraw only on a 200. Every text from the data goes in through textContent (or ECharts'
 * canvas), never innerHTML: names and units come from the database.
 */
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("ys-config").textContent);
  var embedded = document.getElementById("ys-data");
  var key = new URLSearchParams(window.location.search).get("key");
  var colours = {};
  var shorts = {};
  cfg.legend.levels.forEach(function (l) {
    colours[l.level] = l.colour;
    shorts[l.level] = l.short;
  });
  var TEXT = "#cfdcf0";
  var MUTED = "#8aa0bf";
  var GRID = "#1d2f4c";
  var FONTS = getComputedStyle(document.body).fontFamily;

  var state = {
    etag: null,
    data: null,
    lastGood: null,
    cycles: 0,
    timer: null,
    playing: false,
    frameDate: null,
    drawnAt: null,
    stale: false,
  };

  // ---- small DOM helpers (text only) -------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function rem() {
    return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  }

  function formatNumber(value) {
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: 1 });
  }

  function hhmm(date) {
    return String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0");
  }

  // ---- KPI tiles ---------------------------------------------------------------------

  var tiles = {};

  function tile(kpi) {
    var node = el("article", "ys-tile");
    node.dataset.kpi = kpi.id;
    var top = el("div", "ys-tile-top");
    top.append(el("span", "ys-tile-title", kpi.title_zh), el("span", "ys-chip"));
    var value = el("div", "ys-tile-value");
    value.append(el("span", "ys-num"), el("span", "ys-unit", kpi.unit));
    var bar = el("div", "ys-bar");
    bar.append(el("i"));
    var foot = el("div", "ys-tile-foot");
    foot.append(el("span", "ys-target"), el("span", "ys-days"));
    node.append(top, value, bar, foot);
    node.title = kpi.detail_zh || "";
    return node;
  }

  function legendTile() {
    var node = el("article", "ys-legend-tile");
    cfg.legend.levels.forEach(function (l) {
      if (l.level === "grey") return;
      node.append(legendItem(l));
    });
    return node;
  }

  function legendItem(l) {
    var item = el("span", "ys-legend-item");
    var swatch = el("i", "ys-swatch");
    swatch.style.setProperty("--level", l.colour);
    item.append(swatch, el("span", null, l.label));
    return item;
  }

  function drawTiles(kpis) {
    var box = byId("ys-tiles");
    if (!box.firstChild) {
      kpis.forEach(function (k) {
        tiles[k.id] = tile(k);
        box.append(tiles[k.id]);
      });
      box.append(legendTile());
    }
    kpis.forEach(function (k) {
      var node = tiles[k.id];
      if (!node) return;
      node.dataset.level = k.level;
      node.dataset.actual = String(k.actual);
      node.style.setProperty("--level", colours[k.level]);
      node.querySelector(".ys-chip").textContent = shorts[k.level];
      node.querySelector(".ys-num").textContent = formatNumber(k.actual);
      node.querySelector(".ys-bar > i").style.width = Math.min(100, k.percent) + "%";
      node.querySelector(".ys-target").textContent =
        "目标" + formatNumber(k.target) + " · " + k.percent + "%";
      var days = node.querySelector(".ys-days");
      days.textContent = k.days_zh; // the rules' phrase (rules.phrases.deadline_phrase)
      days.classList.toggle("ys-days-late", k.level !== "green" && k.days_left < 0);
      node.title = k.detail_zh || "";
    });
  }

  // ---- charts (ECharts, drawn on canvas; no tooltips: nobody holds a mouse) ----------

  var charts = {};
  var pendingDraws = {};

  function chart(id) {
    if (!charts[id]) {
      charts[id] = echarts.init(byId(id), null, { renderer: "canvas" });
      charts[id].on("finished", function () {
        if (pendingDraws[id]) {
          delete pendingDraws[id];
          if (Object.keys(pendingDraws).length === 0 && state.drawnAt === null) {
            state.drawnAt = performance.now();
          }
        }
      });
    }
    return charts[id];
  }

  // A wall PC set to reduce motion (or a test measuring memory) gets no chart animation.
  var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function motion() {
    return {
      animation: !still,
      animationDuration: state.playing ? 0 : 600,
      animationDurationUpdate: state.playing ? 150 : 500,
    };
  }

  function axisStyle(r) {
    return {
      axisLine: { lineStyle: { color: GRID } },
      axisTick: { show: false },
      axisLabel: { color: MUTED, fontSize: r * 0.85 },
      splitLine: { lineStyle: { color: GRID, type: "dashed" } },
    };
  }

  // Each chart's look (grid, axes, styles, formatters) is set once per font size; a refresh
  // merges only its data into it. Rebuilding whole options every poll made ECharts rebuild
  // its components each time: more work per refresh on a wall PC that runs for months.
  var skeletonRem = {};

  function setChart(id, skeleton, update, replaceMerge) {
    var r = rem();
    pendingDraws[id] = true;
    if (skeletonRem[id] !== r) {
      var look = skeleton(r);
      // A canvas needs real family names ("inherit" is not a font and falls back to 10 px).
      look.textStyle = { color: TEXT, fontSize: r * 0.9, fontFamily: FONTS };
      chart(id).setOption(look, true);
      skeletonRem[id] = r;
    }
    chart(id).setOption(Object.assign(motion(), update), {
      replaceMerge: replaceMerge || [],
    });
  }

  var levelValues = {}; // the ring legend's numbers, read by its formatter

  function levelsLook(r) {
    return {
      title: {
        subtext: "地块总数",
        left: "34%",
        top: "36%",
        textAlign: "center",
        textStyle: { color: "#fff", fontSize: r * 2, fontWeight: 700 },
        subtextStyle: { color: MUTED, fontSize: r * 0.85 },
        itemGap: r * 0.1,
      },
      legend: {
        orient: "vertical",
        right: "2%",
        top: "middle",
        itemWidth: r * 0.9,
        itemHeight: r * 0.9,
        textStyle: { color: TEXT, fontSize: r * 0.95 },
        formatter: function (name) { return name + "  " + (levelValues[name] || 0); },
      },
      series: [{
        type: "pie",
        radius: ["52%", "80%"],
        center: ["35%", "52%"],
        label: { show: false },
        itemStyle: { borderColor: "#0e1a2f", borderWidth: 2 },
      }],
    };
  }

  function drawLevels(counts) {
    var total = 0;
    var data = cfg.legend.levels.map(function (l) {
      var value = counts[l.level] || 0;
      total += value;
      levelValues[l.short] = value;
      return { name: l.short, value: value, itemStyle: { color: l.colour } };
    });
    setChart("ys-chart-levels", levelsLook, { title: { text: String(total) }, series: [{ data: data }] });
  }

  function categoriesLook(r) {
    return {
      grid: { left: r * 2.5, right: r * 0.8, top: r * 2, bottom: r * 1.6 },
      legend: {
        top: 0,
        right: 0,
        itemWidth: r * 0.9,
        itemHeight: r * 0.6,
        textStyle: { color: TEXT, fontSize: r * 0.85 },
      },
      xAxis: Object.assign({ type: "category" }, axisStyle(r)),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle(r)),
      series: [
        { name: "目标", type: "bar", barGap: "10%", itemStyle: { color: "#3b5b86" },
          label: { show: true, position: "top", color: MUTED, fontSize: r * 0.8 } },
        { name: "已完成", type: "bar", itemStyle: { color: colours.green },
          label: { show: true, position: "top", color: "#bfe8c9", fontSize: r * 0.8 } },
      ],
    };
  }

  function drawCategories(rows) {
    setChart("ys-chart-categories", categoriesLook, {
      xAxis: { data: rows.map(function (c) { return cfg.legend.categories[c.category] || c.category; }) },
      series: [
        { data: rows.map(function (c) { return c.target; }) },
        { data: rows.map(function (c) { return c.actual; }) },
      ],
    });
  }

  function monthlyLook(r) {
    return {
      grid: { left: r * 2.2, right: r * 0.8, top: r * 1.2, bottom: r * 1.6 },
      xAxis: Object.assign({ type: "category" }, axisStyle(r)),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, axisStyle(r)),
      series: [{
        type: "bar",
        barWidth: "55%",
        label: { show: true, position: "top", color: TEXT, fontSize: r * 0.8 },
      }],
    };
  }

  function drawMonthly(rows, asOf) {
    var month = asOf.slice(0, 7);
    setChart("ys-chart-monthly", monthlyLook, {
      xAxis: { data: rows.map(function (m) { return Number(m.month.slice(5)) + "月"; }) },
      series: [{
        data: rows.map(function (m) {
          return {
            value: m.month > month ? null : m.completions,
            itemStyle: { color: m.month === month ? "#7fd3ff" : "#2f7fc1" },
          };
        }),
      }],
    });
  }

  function investmentLook(r) {
    return {
      title: { left: 0, top: 0, textStyle: { color: TEXT, fontSize: r * 0.9, fontWeight: 400 } },
      grid: { left: r * 4, right: r * 1.5, top: r * 2.6, bottom: r * 1.6 },
      xAxis: Object.assign({ type: "value", axisLabel: { color: MUTED, fontSize: r * 0.85, formatter: "{value}亿" } },
        { axisLine: { show: false }, splitLine: { lineStyle: { color: GRID, type: "dashed" } } }),
      yAxis: Object.assign({ type: "category", data: ["计划投资", "已完成"], inverse: true }, axisStyle(r)),
    };
  }

  // An axis ending on a tick: ECharts labels the end of an axis too, so a max of 13 beside a
  // tick at 12 printed "12亿13亿" on top of each other.
  function valueScale(top, ticks) {
    if (!(top > 0)) return {};
    var raw = top / ticks;
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 2.5, 5, 10].map(function (f) { return f * power; })
      .filter(function (v) { return v >= raw; })[0];
    return { interval: step, max: Math.ceil(top / step) * step };
  }

  function drawInvestment(rows) {
    var target = cfg.legend.key_project_target_wan / 10000;
    var planned = 0;
    var done = 0;
    var series = rows.map(function (p, i) {
      var yi = p.investment_wan / 10000;
      planned += yi;
      if (p.done) done += yi;
      return {
        id: "project-" + i,
        name: p.name,
        type: "bar",
        stack: "all",
        barWidth: "45%",
        itemStyle: { color: p.done ? colours.green : "#3b6ea8", borderColor: "#0e1a2f", borderWidth: 1 },
        data: [yi, p.done ? yi : null],
      };
    });
    series.push({
      id: "target",
      name: "目标",
      type: "bar",
      stack: "all",
      data: [null, null],
      markLine: {
        symbol: "none",
        lineStyle: { color: "#fdae61", width: 2, type: "solid" },
        label: { show: false }, // the panel's heading names the target (13亿)
        data: [{ xAxis: target }],
      },
    });
    setChart("ys-chart-investment", investmentLook, {
      title: { text: "已完成 " + formatNumber(done) + " 亿 / 计划 " + formatNumber(planned) + " 亿（橙线为目标）" },
      xAxis: valueScale(Math.max(target, planned), 4),
      series: series,
    }, ["series"]); // the number of projects may change between polls
  }

  // ---- map (Leaflet, SVG paths so overdue parcels can pulse by CSS) ------------------

  var map = null;
  var parcelLayer = null;
  var layersByCode = {};
  var bounds = null;

  function setupMap() {
    map = L.map("ys-map", {
      zoomControl: false,
      attributionControl: false,
      dragging: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      keyboard: false,
      touchZoom: false,
      zoomSnap: 0.1,
    });
    if (cfg.land) {
      L.geoJSON(cfg.land, {
        interactive: false,
        style: { color: "#24344f", weight: 1, fillColor: "#121e33", fillOpacity: 1 },
      }).addTo(map);
    }
    L.geoJSON(cfg.communities, {
      interactive: false,
      style: { color: "#4f6f99", weight: 1.2, dashArray: "4 4", fill: false },
    }).addTo(map);
    parcelLayer = L.featureGroup().addTo(map);
    var legend = byId("ys-legend");
    cfg.legend.levels.forEach(function (l) {
      if (l.level !== "grey") legend.append(legendItem({ colour: l.colour, label: l.short }));
    });
  }

  function drawParcels(collection) {
    if (!map) setupMap();
    var codes = collection.features.map(function (f) { return f.properties.code; }).join("|");
    if (codes !== drawParcels.codes) {
      parcelLayer.clearLayers();
      layersByCode = {};
      collection.features.forEach(function (f) {
        var layer = L.geoJSON(f, { interactive: false }).getLayers()[0];
        if (!layer) return;
        layersByCode[f.properties.code] = { layer: layer, name: f.properties.name, level: null };
        parcelLayer.addLayer(layer);
      });
      drawParcels.codes = codes;
      bounds = parcelLayer.getBounds();
      fit();
    }
    var levels = {};
    collection.features.forEach(function (f) {
      levels[f.properties.code] = f.properties.level;
      var entry = layersByCode[f.properties.code];
      if (entry && entry.name !== f.properties.name) {
        entry.name = f.properties.name;
        entry.level = null; // draw its label again with the new name
      }
    });
    restyle(levels);
  }

  // Above map_embed_limit the parcels come from vector tiles as of the date shown
  // (screen_tiles.js); the JSON then carries no outlines.
  function drawParcelTiles(asOf) {
    if (!map) setupMap();
    if (!bounds && cfg.tiles.bounds) {
      bounds = L.latLngBounds(cfg.tiles.bounds);
      fit();
    }
    window.YatouScreenTiles.show(map, cfg, asOf, key);
  }

  function restyle(levels) {
    Object.keys(layersByCode).forEach(function (code) {
      var entry = layersByCode[code];
      var level = levels[code] || "grey";
      if (entry.level === level) return;
      entry.level = level;
      entry.layer.setStyle({
        color: level === "red" ? "#ff5a4e" : "#0a1424",
        weight: level === "red" ? 1.5 : 0.8,
        fillColor: colours[level],
        fillOpacity: level === "green" ? 0.6 : 0.85,
      });
      var path = entry.layer.getElement && entry.layer.getElement();
      if (path) path.classList.toggle("ys-pulse", level === "red");
      label(entry, level === "red" || level === "orange");
    });
    declutter();
  }

  // A label stands above its parcel; near the map's side it goes to the side with room, and
  // one that still would not fit inside the map is hidden rather than cut by the frame.
  // Labels that would cover one already placed are hidden, red ones placed first, so the
  // overdue names always read; the others show as soon as there is room.
  function declutter() {
    var entries = Object.keys(layersByCode).map(function (c) { return layersByCode[c]; });
    entries.sort(function (a, b) { return (a.level === "red" ? 0 : 1) - (b.level === "red" ? 0 : 1); });
    var tips = entries.map(function (entry) { return entry.layer.getTooltip(); });
    var nodes = tips.map(function (tip) { return tip && tip.getElement(); });
    // All reads after all resets and before any hiding: one layout, not one per label.
    nodes.forEach(function (node) { if (node) node.style.visibility = ""; });
    var sizes = nodes.map(function (node) { return node ? [node.offsetWidth, node.offsetHeight] : null; });
    var frame = byId("ys-map").getBoundingClientRect();
    tips.forEach(function (tip, i) {
      if (!nodes[i]) return;
      var side = labelSide(map.latLngToContainerPoint(tip.getLatLng()), sizes[i], frame.width);
      if (tip.options.direction === side) return;
      tip.options.direction = side;
      tip.update();
    });
    var boxes = nodes.map(function (node) { return node ? node.getBoundingClientRect() : null; });
    var placed = [];
    boxes.forEach(function (box, i) {
      if (!box) return;
      var inside = box.left >= frame.left && box.right <= frame.right &&
        box.top >= frame.top && box.bottom <= frame.bottom;
      var hit = placed.some(function (p) {
        return box.left < p.right && p.left < box.right && box.top < p.bottom && p.top < box.bottom;
      });
      if (!inside || (hit && entries[i].level !== "red")) {
        nodes[i].style.visibility = "hidden";
      } else {
        placed.push(box);
      }
    });
  }

  // Where a label of this size goes for a parcel at a point of the map: above it when it
  // fits there, below it at the map's top, else to the left or right, whichever has room.
  function labelSide(at, size, mapWidth) {
    var gap = rem() * 0.3;
    var half = size[0] / 2 + gap;
    if (at.x - half < 0 || at.x + half > mapWidth) return at.x > mapWidth / 2 ? "left" : "right";
    return at.y - size[1] - gap >= 0 ? "top" : "bottom";
  }

  function label(entry, show) {
    if (!show) {
      entry.layer.unbindTooltip();
      return;
    }
    var text = el("span", null, entry.name);
    entry.layer.unbindTooltip();
    entry.layer.bindTooltip(text, { permanent: true, direction: "top", className: "ys-label", opacity: 1 });
    var tip = entry.layer.getTooltip();
    if (tip && tip.getElement()) tip.getElement().style.setProperty("--level", colours[entry.level]);
  }

  function fit() {
    if (map && bounds && bounds.isValid()) {
      map.invalidateSize(false);
      map.fitBounds(bounds, { padding: [rem(), rem()], animate: false });
    }
  }

  // ---- 督办 list and per-unit counts -------------------------------------------------

  function drawWatch(rows) {
    var list = byId("ys-watch-list");
    var items = rows.map(function (w) {
      var li = el("li");
      li.dataset.code = w.code;
      li.style.setProperty("--level", colours[w.level]);
      var state = el("span", "ys-state", w.days_zh);
      li.append(el("span", "ys-name", w.name || w.code), el("span", "ys-unit-cell", w.unit || "—"), state);
      return li;
    });
    list.replaceChildren.apply(list, items.length ? items : [el("li", "ys-empty", "暂无逾期或临期事项")]);
    var overdue = rows.filter(function (w) { return w.level === "red"; }).length;
    byId("ys-watch-count").textContent = "逾期" + overdue + " · 临期" + (rows.length - overdue);
  }

  function drawUnits(rows) {
    var box = byId("ys-units");
    var most = rows.reduce(function (m, u) { return Math.max(m, u.overdue); }, 1);
    var items = rows.map(function (u) {
      var li = el("li");
      var bar = el("i", "ys-unit-bar");
      bar.style.width = (100 * u.overdue / most) + "%";
      li.append(el("span", "ys-unit-name", u.unit), el("span", "ys-unit-n", u.overdue), bar);
      return li;
    });
    box.replaceChildren.apply(box, items.length ? items : [el("li", "ys-empty", "无逾期事项")]);
  }

  // The list scrolls itself when longer than its box: a pixel per frame, a pause at each end.
  function autoScroll() {
    var box = byId("ys-watch");
    var pause = 0;
    var step = function () {
      var room = box.scrollHeight - box.clientHeight;
      if (room <= 0) {
        box.scrollTop = 0;
      } else if (pause > 0) {
        pause -= 1;
      } else if (box.scrollTop >= room - 1) {
        box.scrollTop = 0;
        pause = 120;
      } else {
        box.scrollTop += Math.max(1, rem() / 16) * 0.5;
        if (box.scrollTop >= room - 1) pause = 120;
      }
      window.requestAnimationFrame(step);
    };
    window.requestAnimationFrame(step);
  }

  // ---- applying data -----------------------------------------------------------------

  // A part is redrawn only when its data differs from what is shown: a wall PC at 4K
  // should not re-animate four charts because one parcel's name changed.
  var shown = {};

  function changed(part, value, draw) {
    var text = JSON.stringify(value);
    if (shown[part] === text) return;
    shown[part] = text;
    draw(value);
  }

  function apply(data) {
    state.data = data;
    state.frameDate = data.as_of;
    byId("ys-date").textContent = data.as_of;
    drawTiles(data.kpis);
    changed("levels", data.level_counts, drawLevels);
    changed("categories", data.categories, drawCategories);
    changed("monthly", [data.monthly, data.as_of], function (m) { drawMonthly(m[0], m[1]); });
    changed("investment", data.investments, drawInvestment);
    changed("watch", data.watch, drawWatch);
    changed("units", data.overdue_by_unit, drawUnits);
    if (data.parcels) drawParcels(data.parcels);
    if (cfg.tiles) drawParcelTiles(data.as_of);
    if (data.levels_by_code) restyle(data.levels_by_code);
  }

  // ---- live refresh with If-None-Match -----------------------------------------------

  function apiUrl(path, asOf) {
    var url = new URL(path, window.location.href);
    if (asOf) url.searchParams.set("as_of", asOf);
    if (key) url.searchParams.set("key", key);
    return url.toString();
  }

  function markGood() {
    state.lastGood = new Date();
    state.stale = false;
    byId("ys-updated").textContent = "数据更新于 " + hhmm(state.lastGood);
    byId("ys-stale").hidden = true;
  }

  function markStale() {
    state.stale = true;
    var since = state.lastGood ? hhmm(state.lastGood) : "—";
    var warning = byId("ys-stale");
    warning.textContent = "⚠ 连接中断，显示 " + since + " 的数据，正在重试";
    warning.hidden = false;
  }

  // options.force: ask without If-None-Match (a full answer); options.asOf: another date.
  function refresh(options) {
    var force = options && options.force;
    var asOf = (options && options.asOf) || cfg.as_of;
    var headers = {};
    if (state.etag && !force) headers["If-None-Match"] = state.etag;
    return fetch(apiUrl(cfg.api, asOf), { headers: headers, cache: "no-store" })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error("HTTP " + response.status);
        state.etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (data) {
        if (data && !state.playing) apply(data);
        markGood();
      })
      .catch(function () {
        markStale();
      })
      .then(function () {
        state.cycles += 1;
      });
  }

  function schedule() {
    window.clearTimeout(state.timer);
    state.timer = window.setTimeout(function () {
      if (state.playing) return schedule();
      refresh().then(schedule);
    }, cfg.refresh_seconds * 1000);
  }

  // ---- playback of the plan's year ---------------------------------------------------

  function play() {
    var button = byId("ys-play");
    if (state.playing) return Promise.resolve();
    button.disabled = true;
    button.textContent = "回放载入中…";
    return fetch(apiUrl(cfg.playback_api), { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) { return runFrames(body.frames); })
      .catch(function () {
        button.textContent = "回放失败";
      })
      .then(function () {
        button.disabled = false;
        button.textContent = "▶ 回放2021";
      });
  }

  function runFrames(frames) {
    state.playing = true;
    var overlay = byId("ys-playback-date");
    overlay.hidden = false;
    byId("ys-play").textContent = "回放中";
    var interval = (cfg.playback_seconds * 1000) / frames.length;
    return new Promise(function (resolve) {
      var i = 0;
      var step = function () {
        apply(frames[i]);
        overlay.textContent = frames[i].as_of;
        i += 1;
        if (i < frames.length) {
          window.setTimeout(step, interval);
          return;
        }
        state.playing = false;
        resolve();
        // Hold the year's end on screen a while, then go back to live data.
        window.setTimeout(function () {
          overlay.hidden = true;
          if (cfg.live && !state.playing) {
            state.etag = null;
            refresh();
          }
        }, cfg.playback_seconds * 1000);
      };
      step();
    });
  }

  // ---- start -------------------------------------------------------------------------

  function onResize() {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    shown = {}; // font sizes follow the window: draw everything again
    if (state.data) apply(state.data);
    fit();
  }

  function start() {
    autoScroll();
    window.addEventListener("resize", onResize);
    byId("ys-play").addEventListener("click", play);
    if (!cfg.live) {
      byId("ys-play").hidden = true;
      apply(JSON.parse(embedded.textContent));
      byId("ys-updated").textContent = "离线文件 · 数据截至 " + state.data.as_of;
      return;
    }
    refresh().then(function () {
      schedule();
      if (new URLSearchParams(window.location.search).get("playback") === "1") play();
    });
  }

  window.YatouScreen = {
    state: state,
    refresh: refresh,
    play: play,
    charts: function () { return charts; },
  };
  start();
})();
