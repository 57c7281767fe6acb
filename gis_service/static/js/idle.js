/* /idle, the investment team's workspace (issue 11): map + list (stacked on a phone), filters,
 * search, the editor, and the pipeline board of the five stages. Data: /api/parcels; writes go
 * through yatou.fetch (CSRF header) with If-Match. Text lands through textContent only.
 */
(function (global) {
  'use strict';
  var doc = global.document;
  var config = JSON.parse(doc.getElementById('idle-config').textContent);
  var el = global.yatou.el;
  var stages = config.editor.stages[config.category];
  var stageLabel = {}, stageIndex = {};
  stages.forEach(function (s, i) { stageLabel[s.value] = s.label; stageIndex[s.value] = i; });
  var fieldLabel = {};
  config.editor.fields.forEach(function (f) { fieldLabel[f.name] = f.label; });
  var levelLabel = {};
  config.levels.forEach(function (l) { levelLabel[l.key] = l.label; });
  var state = { parcels: [], layers: {}, map: null };
  var editable = config.editor.editable[config.category] || [];
  var editor = new global.yatou.Editor(doc.getElementById('idle-editor'), config, {
    onSaved: function () { refresh(); },
    onClose: function () { resized(); }
  });

  // The editor panel narrows the page on a desk; Leaflet must measure its box again.
  function resized() { global.setTimeout(function () { if (state.map) state.map.invalidateSize(); }, 0); }

  function openEditor(code) {
    focus(code, false);
    editor.open(code);
    resized();
  }

  function area(v) { return v === null || v === undefined ? '—' : Number(v).toLocaleString('zh-CN') + '㎡'; }

  function option(select, value, label) { select.appendChild(new Option(label, value)); }

  /* ---------- KPI headline ---------- */
  function showKpi(r) {
    doc.getElementById('kpi-now').textContent = r.now + '%';
    doc.getElementById('kpi-start-label').textContent = '年初（' + r.baseline_date + '）';
    doc.getElementById('kpi-start').textContent = r.start + '%';
    doc.getElementById('kpi-change').textContent = (r.change >= 0 ? '+' : '') + r.change + ' 个百分点';
    doc.getElementById('kpi-gap').textContent = r.gap > 0 ? '还差 ' + r.gap + ' 个百分点' : '已达成';
  }

  /* ---------- data ---------- */
  function load() {
    var url = '/api/parcels?category=' + config.category + '&as_of=' + config.as_of + '&limit=1000';
    return global.yatou.fetch(url).then(function (r) { return r.json(); }).then(function (fc) {
      state.parcels = fc.features.map(function (f) { return { props: f.properties, geometry: f.geometry }; });
    });
  }

  function refresh() {
    return Promise.all([
      load(),
      global.yatou.fetch('/api/idle/revitalisation?as_of=' + config.today).then(function (r) { return r.json(); }).then(showKpi)
    ]).then(function () { drawMap(); renderList(); renderBoard(); });
  }

  /* ---------- filters ---------- */
  function fillFilters() {
    var stage = doc.getElementById('f-stage');
    option(stage, '', '全部阶段');
    stages.forEach(function (s) { option(stage, s.value, s.label); });
    var community = doc.getElementById('f-community');
    option(community, '', '全部社区');
    var names = {};
    state.parcels.forEach(function (p) { if (p.props.community) names[p.props.community] = true; });
    Object.keys(names).sort().forEach(function (n) { option(community, n, n); });
    var level = doc.getElementById('f-level');
    option(level, '', '全部风险等级');
    config.levels.forEach(function (l) { option(level, l.key, l.label); });
    ['f-search', 'f-stage', 'f-community', 'f-level', 'f-sort'].forEach(function (id) {
      doc.getElementById(id).addEventListener('input', function () { renderList(); drawMap(); });
    });
  }

  function passes(p) {
    var q = doc.getElementById('f-search').value.trim().toLowerCase();
    var stage = doc.getElementById('f-stage').value;
    var community = doc.getElementById('f-community').value;
    var level = doc.getElementById('f-level').value;
    if (stage && p.stage !== stage) return false;
    if (community && p.community !== community) return false;
    if (level && p.level !== level) return false;
    if (!q) return true;
    return [p.name, p.code, p.intended_tenant, p.contact, p.community].some(function (v) {
      return v && String(v).toLowerCase().indexOf(q) >= 0;
    });
  }

  function sorted(list) {
    var key = doc.getElementById('f-sort').value;
    var by = {
      stage: function (p) { return p.stage in stageIndex ? stageIndex[p.stage] : 99; },
      vacant: function (p) { return -(p.vacant_area_m2 || 0); },
      floor: function (p) { return -(p.floor_area_m2 || 0); },
      changed: function (p) { return -(Date.parse(p.updated_at) || 0); },
      name: function (p) { return p.name; }
    }[key];
    return list.slice().sort(function (a, b) {
      var x = by(a.props), y = by(b.props);
      if (x < y) return -1;
      if (x > y) return 1;
      return a.props.name.localeCompare(b.props.name, 'zh-CN');
    });
  }

  /* ---------- list ---------- */
  function lastChange(p) {
    var c = p.last_change;
    if (!c) return '最近变更：—';
    return '最近变更：' + [fieldLabel[c.field] || c.field, c.effective_date, c.actor].filter(Boolean).join(' · ');
  }

  function renderList() {
    var list = doc.getElementById('idle-list');
    list.textContent = '';
    var shown = sorted(state.parcels.filter(function (e) { return passes(e.props); }));
    doc.getElementById('idle-count').textContent = '共 ' + shown.length + ' 栋';
    shown.forEach(function (e) {
      var p = e.props;
      var li = el('li', 'idle-item');
      li.setAttribute('data-code', p.code);
      var head = el('div', 'ii-head');
      head.appendChild(el('strong', 'ii-name', p.name));
      head.appendChild(el('span', 'ii-code', p.code));
      var badge = el('span', 'ii-stage', stageLabel[p.stage] || p.stage);
      badge.style.background = config.stage_colours[p.stage] || '#999';
      head.appendChild(badge);
      li.appendChild(head);
      li.appendChild(el('div', 'ii-facts', '空置 ' + area(p.vacant_area_m2) + ' / 建筑 ' + area(p.floor_area_m2) + ' · ' + (p.community || '—') + ' · ' + (levelLabel[p.level] || '')));
      li.appendChild(el('div', 'ii-tenant', '意向租户：' + (p.intended_tenant || '—') + ' · 联系方式：' + (p.contact || '—')));
      li.appendChild(el('div', 'ii-change', lastChange(p)));
      var actions = el('div', 'ii-actions');
      var locate = el('button', 'ii-locate', '定位');
      locate.type = 'button';
      locate.addEventListener('click', function () { focus(p.code); });
      actions.appendChild(locate);
      var edit = el('button', 'ii-edit', editable.length ? '编辑' : '详情');
      edit.type = 'button';
      edit.addEventListener('click', function () { openEditor(p.code); });
      actions.appendChild(edit);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }

  /* ---------- map ---------- */
  function initMap() {
    var map = L.map('idle-map', { zoomControl: true, attributionControl: false });
    state.map = map;
    map.setView([37.165, 122.43], 13);
    var base = config.base || {};
    if (base.land) L.geoJSON(base.land, { style: { color: '#b9c7b0', weight: 1, fillColor: '#eef2e6', fillOpacity: 1 }, interactive: false }).addTo(map);
    if (base.avenue) L.geoJSON(base.avenue, { style: { color: '#c8a15a', weight: 4 }, interactive: false }).addTo(map);
    state.group = L.featureGroup().addTo(map);
  }

  function popup(p) {
    var box = el('div', 'yatou-popup');
    box.appendChild(el('strong', null, p.name + '（' + p.code + '）'));
    box.appendChild(el('div', null, '阶段：' + (stageLabel[p.stage] || p.stage)));
    box.appendChild(el('div', null, '空置 ' + area(p.vacant_area_m2) + ' / 建筑 ' + area(p.floor_area_m2)));
    box.appendChild(el('div', null, '意向租户：' + (p.intended_tenant || '—')));
    var open = el('button', 'ip-edit', editable.length ? '编辑' : '详情');
    open.type = 'button';
    open.addEventListener('click', function () { openEditor(p.code); });
    box.appendChild(open);
    var photos = el('div', 'yp-photos');
    photos.setAttribute('data-code', p.code);
    box.appendChild(photos);
    global.yatou.fillPopupPhotos(photos);
    return box;
  }

  function drawMap() {
    state.group.clearLayers();
    state.layers = {};
    state.parcels.forEach(function (e) {
      var p = e.props;
      if (!e.geometry || !passes(p)) return;
      var layer = L.geoJSON(e.geometry, { style: { color: '#333', weight: 1, fillColor: config.stage_colours[p.stage] || '#999', fillOpacity: 0.8 } });
      layer.bindTooltip(function () { return el('span', null, p.name); });
      layer.bindPopup(function () { return popup(p); });
      state.layers[p.code] = layer;
      state.group.addLayer(layer);
    });
    if (!state.fitted && state.group.getLayers().length) { state.map.fitBounds(state.group.getBounds().pad(0.1)); state.fitted = true; }
  }

  function focus(code, withPopup) {
    var layer = state.layers[code];
    if (!layer) return;
    state.map.fitBounds(layer.getBounds(), { maxZoom: 17 });
    if (withPopup === false) return;
    layer.openPopup();
    doc.getElementById('idle-map').scrollIntoView({ block: 'nearest' });
  }

  /* ---------- pipeline board ---------- */
  function renderBoard() {
    var board = doc.getElementById('idle-board');
    board.textContent = '';
    stages.forEach(function (s) {
      var column = el('section', 'ib-column');
      column.setAttribute('data-stage', s.value);
      var cards = state.parcels.filter(function (e) { return e.props.stage === s.value; });
      var head = el('h3', 'ib-head', s.label + '（' + cards.length + '）');
      head.style.borderColor = config.stage_colours[s.value] || '#999';
      column.appendChild(head);
      column.addEventListener('dragover', function (ev) { if (editable.indexOf('stage') >= 0) ev.preventDefault(); });
      column.addEventListener('drop', function (ev) {
        ev.preventDefault();
        move(ev.dataTransfer.getData('text/plain'), s.value);
      });
      cards.forEach(function (e) { column.appendChild(card(e.props)); });
      board.appendChild(column);
    });
  }

  function card(p) {
    var c = el('article', 'ib-card');
    c.setAttribute('data-code', p.code);
    c.appendChild(el('strong', null, p.name));
    c.appendChild(el('div', 'ib-facts', '空置 ' + area(p.vacant_area_m2) + ' / ' + area(p.floor_area_m2)));
    c.appendChild(el('div', 'ib-tenant', p.intended_tenant || '—'));
    if (editable.indexOf('stage') >= 0) {
      c.draggable = true;
      c.addEventListener('dragstart', function (ev) { ev.dataTransfer.setData('text/plain', p.code); });
      var to = el('select', 'ib-move');
      to.setAttribute('aria-label', '移动 ' + p.name + ' 到');
      option(to, '', '移至…');
      stages.forEach(function (s) { if (s.value !== p.stage) option(to, s.value, s.label); });
      to.addEventListener('change', function () { if (to.value) move(p.code, to.value); });
      c.appendChild(to);
    }
    return c;
  }

  function move(code, stage) {
    var entry = state.parcels.filter(function (e) { return e.props.code === code; })[0];
    if (!entry || entry.props.stage === stage) return Promise.resolve();
    var p = entry.props;
    var status = doc.getElementById('board-status');
    var day = doc.getElementById('board-effective').value || config.today;
    var changes = { stage: stage };
    var done = config.editor.completed_stage[config.category];
    if (editable.indexOf('completed_on') >= 0) {
      if (stage === done) changes.completed_on = day;
      else if (p.completed_on) changes.completed_on = null;
    }
    status.textContent = '正在移动 ' + p.name + '…';
    return global.yatou.fetch('/api/parcels/' + encodeURIComponent(code) + '?effective_date=' + day, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': '"v' + p.version + '"' },
      body: JSON.stringify({ properties: changes })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (r.status === 412) status.textContent = p.name + ' 已被他人修改，看板已刷新，请再试一次。';
        else if (!r.ok) status.textContent = body.message || ('移动失败（' + r.status + '）');
        else status.textContent = p.name + ' 已移至 ' + stageLabel[stage] + '。';
        return refresh();
      });
    });
  }

  /* ---------- tabs ---------- */
  function initTabs() {
    Array.prototype.forEach.call(doc.querySelectorAll('.idle-tabs [role="tab"]'), function (tab) {
      tab.addEventListener('click', function () {
        var view = tab.getAttribute('data-view');
        Array.prototype.forEach.call(doc.querySelectorAll('.idle-tabs [role="tab"]'), function (t) {
          t.setAttribute('aria-selected', String(t === tab));
        });
        doc.getElementById('view-list').hidden = view !== 'list';
        doc.getElementById('view-board').hidden = view !== 'board';
        if (view === 'list') state.map.invalidateSize();
      });
    });
  }

  doc.getElementById('board-effective').value = config.today;
  doc.getElementById('board-effective').max = config.today;
  showKpi(config.revitalisation);
  initTabs();
  initMap();
  load().then(function () {
    fillFilters();
    drawMap();
    renderList();
    renderBoard();
    var wanted = new URLSearchParams(global.location.search).get('edit');
    if (wanted) openEditor(wanted);
    doc.body.setAttribute('data-ready', '1');
  });
})(window);
