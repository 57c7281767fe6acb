/* The in-page editor of one parcel (issue 11), used by /idle and /parcels/{code}/edit.
 * It offers exactly the fields config.editor.editable[category] lists (from the role table in
 * Python), only the category's stages, saves with If-Match, shows a 412 field by field
 * (yours / theirs, keep or take) and puts 4xx messages next to the field they name.
 * Every text from the server lands through textContent, never as HTML.
 *   var ed = new yatou.Editor(rootElement, config, {onSaved: fn(feature), onClose: fn()});
 *   ed.open(code);
 */
(function (global) {
  'use strict';
  var doc = global.document;

  var el = global.yatou.el;  // from shell.js

  function same(a, b) {
    if (a === undefined) a = null;
    if (b === undefined) b = null;
    if (typeof a === 'number' || typeof b === 'number') return a !== null && b !== null ? Number(a) === Number(b) : a === b;
    return a === b;
  }

  function Editor(root, config, options) {
    this.root = root;
    this.config = config;
    this.options = options || {};
    this.fieldsByName = {};
    var self = this;
    config.editor.fields.forEach(function (f) { self.fieldsByName[f.name] = f; });
  }

  Editor.prototype.editableFields = function () {
    var names = this.config.editor.editable[this.base.category] || [];
    var self = this;
    return names.map(function (n) { return self.fieldsByName[n]; }).filter(Boolean);
  };

  Editor.prototype.open = function (code) {
    var self = this;
    this.code = code;
    this.root.hidden = false;
    doc.body.classList.add('ye-open');
    this.root.textContent = '';
    this.root.appendChild(el('p', 'ye-status', '正在读取…'));
    return global.yatou.fetch('/api/parcels/' + encodeURIComponent(code)).then(function (r) {
      if (!r.ok) throw new Error('读取失败（' + r.status + '）');
      self.etag = r.headers.get('ETag');
      return r.json();
    }).then(function (feature) {
      self.base = feature.properties;
      self.render();
    }).catch(function (e) { self.root.textContent = ''; self.root.appendChild(el('p', 'ye-error', e.message)); });
  };

  Editor.prototype.close = function () {
    this.root.hidden = true;
    this.root.textContent = '';
    doc.body.classList.remove('ye-open');
    if (this.options.onClose) this.options.onClose();
  };

  Editor.prototype.stageLabel = function (value) {
    var found = (this.config.editor.stages[this.base.category] || []).filter(function (s) { return s.value === value; })[0];
    return found ? found.label : (value === null || value === undefined ? '—' : String(value));
  };

  Editor.prototype.shown = function (field, value) {
    if (value === null || value === undefined || value === '') return '—';
    if (field === 'stage') return this.stageLabel(value);
    if (typeof value === 'boolean') return value ? '是' : '否';
    return String(value);
  };

  Editor.prototype.render = function () {
    var self = this, p = this.base;
    var root = this.root;
    root.textContent = '';
    var head = el('div', 'ye-head');
    head.appendChild(el('h2', 'ye-title', p.name + '（' + p.code + '）'));
    var close = el('button', 'ye-close', '关闭');
    close.type = 'button';
    close.addEventListener('click', function () { self.close(); });
    head.appendChild(close);
    root.appendChild(head);
    root.appendChild(el('div', 'ye-meta', (this.config.categories[p.category] || p.category) + ' · 版本 ' + p.version));
    var fields = this.editableFields();
    this.inputs = {};
    this.errors = {};
    if (!fields.length) {
      root.appendChild(el('p', 'ye-readonly', '您的角色不能修改此地块。'));
    } else {
      var form = el('form', 'ye-form');
      form.noValidate = true;
      fields.forEach(function (f) { form.appendChild(self.row(f)); });
      form.appendChild(this.effectiveRow());
      var actions = el('div', 'ye-actions');
      var save = el('button', 'ye-save', '保存');
      save.type = 'submit';
      actions.appendChild(save);
      form.appendChild(actions);
      form.addEventListener('submit', function (ev) { ev.preventDefault(); self.save(); });
      root.appendChild(form);
    }
    this.status = el('p', 'ye-status');
    this.status.setAttribute('role', 'status');
    root.appendChild(this.status);
    this.conflict = el('div', 'ye-conflict');
    this.conflict.hidden = true;
    root.appendChild(this.conflict);
    var history = el('a', 'ye-history', '查看变更历史');
    history.href = '/parcels/' + encodeURIComponent(p.code) + '/history';
    root.appendChild(history);
    if (global.yatou.Photos) {
      this.photos = new global.yatou.Photos(el('section', 'ye-photos'), p.code, fields.length > 0, this.config.photo_max_bytes);
      root.appendChild(this.photos.root);
      this.photos.load();
    }
  };

  Editor.prototype.row = function (f) {
    var self = this;
    var wrap = el('label', 'ye-row');
    wrap.appendChild(el('span', 'ye-label', f.label));
    var input;
    if (f.name === 'stage') {
      input = el('select');
      (this.config.editor.stages[this.base.category] || []).forEach(function (s) { input.appendChild(new Option(s.label, s.value)); });
      input.addEventListener('change', function () { self.stageChanged(); });
    } else if (f.name === 'note') {
      input = el('textarea');
      input.rows = 2;
    } else {
      input = el('input');
      input.type = f.kind === 'date' ? 'date' : (f.kind === 'int' || f.kind === 'number') ? 'number' : f.kind === 'bool' ? 'checkbox' : 'text';
      if (f.kind === 'int') input.step = '1';
      if (f.kind === 'number') input.step = 'any';
      if (input.type === 'number') input.min = '0';
    }
    input.name = f.name;
    this.setValue(f, input, this.base[f.name]);
    this.inputs[f.name] = input;
    wrap.appendChild(input);
    var error = el('span', 'ye-field-error');
    error.setAttribute('data-field', f.name);
    this.errors[f.name] = error;
    wrap.appendChild(error);
    return wrap;
  };

  Editor.prototype.effectiveRow = function () {
    var wrap = el('label', 'ye-row');
    wrap.appendChild(el('span', 'ye-label', '生效日期'));
    var input = el('input');
    input.type = 'date';
    input.name = 'effective_date';
    input.value = this.config.today;
    input.max = this.config.today;
    this.effective = input;
    wrap.appendChild(input);
    var error = el('span', 'ye-field-error');
    error.setAttribute('data-field', 'effective_date');
    this.errors.effective_date = error;
    wrap.appendChild(error);
    return wrap;
  };

  Editor.prototype.setValue = function (f, input, value) {
    if (f.kind === 'bool') input.checked = !!value;
    else input.value = value === null || value === undefined ? '' : String(value);
  };

  Editor.prototype.valueOf = function (f) {
    var input = this.inputs[f.name];
    if (f.kind === 'bool') return input.checked;
    var raw = input.value.trim();
    if (raw === '') return null;
    if (f.kind === 'int' || f.kind === 'number') {
      var n = Number(raw);
      return isNaN(n) ? raw : n;
    }
    return raw;
  };

  Editor.prototype.stageChanged = function () {
    var done = this.config.editor.completed_stage[this.base.category];
    var completed = this.inputs.completed_on;
    if (!completed) return;
    if (this.inputs.stage.value === done && !completed.value) completed.value = this.effective.value || this.config.today;
    if (this.inputs.stage.value !== done) completed.value = '';
  };

  Editor.prototype.mine = function () {
    var self = this, out = {};
    this.editableFields().forEach(function (f) { out[f.name] = self.valueOf(f); });
    return out;
  };

  Editor.prototype.changes = function () {
    var self = this, mine = this.mine(), out = {}, any = false;
    Object.keys(mine).forEach(function (k) {
      if (!same(mine[k], self.base[k])) { out[k] = mine[k]; any = true; }
    });
    return any ? out : null;
  };

  Editor.prototype.clearErrors = function () {
    var self = this;
    Object.keys(this.errors).forEach(function (k) { self.errors[k].textContent = ''; });
    this.status.textContent = '';
    this.status.className = 'ye-status';
  };

  Editor.prototype.save = function () {
    var self = this;
    this.clearErrors();
    var changes = this.changes();
    if (!changes) { this.status.textContent = '没有修改。'; return Promise.resolve(); }
    var url = '/api/parcels/' + encodeURIComponent(this.code);
    if (this.effective.value) url += '?effective_date=' + encodeURIComponent(this.effective.value);
    this.status.textContent = '正在保存…';
    return global.yatou.fetch(url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json', 'If-Match': this.etag },
      body: JSON.stringify({ properties: changes })
    }).then(function (r) {
      if (r.status === 412) return self.showConflict();
      return r.json().then(function (body) {
        if (!r.ok) return self.showError(body);
        self.etag = r.headers.get('ETag');
        self.base = body.properties;
        self.render();
        self.status.textContent = '已保存（版本 ' + body.properties.version + '）。';
        self.status.className = 'ye-status ye-ok';
        if (self.options.onSaved) self.options.onSaved(body);
      });
    }).catch(function (e) { self.status.textContent = '保存失败：' + e.message; });
  };

  Editor.prototype.showError = function (body) {
    var target = body && body.field && this.errors[body.field];
    var message = (body && body.message) || '保存失败';
    if (target) target.textContent = message;
    else this.status.textContent = message;
    this.status.className = 'ye-status ye-bad';
    if (target && !this.status.textContent) this.status.textContent = '请检查标红的字段。';
  };

  /* 412: somebody saved first. Show, field by field, what differs; keep mine or take theirs. */
  Editor.prototype.showConflict = function () {
    var self = this;
    return global.yatou.fetch('/api/parcels/' + encodeURIComponent(this.code)).then(function (r) {
      var etag = r.headers.get('ETag');
      return r.json().then(function (feature) { self.renderConflict(feature.properties, etag); });
    });
  };

  Editor.prototype.renderConflict = function (theirs, etag) {
    var self = this, mine = this.mine(), old = this.base;
    var rows = this.editableFields().filter(function (f) {
      var n = f.name;
      return !same(mine[n], theirs[n]) && (!same(mine[n], old[n]) || !same(theirs[n], old[n]));
    });
    var box = this.conflict;
    box.textContent = '';
    box.hidden = false;
    box.appendChild(el('h3', null, '保存冲突：' + (theirs.last_change && theirs.last_change.actor ? theirs.last_change.actor : '他人') + ' 已先保存了此地块（版本 ' + theirs.version + '）'));
    var table = el('table', 'ye-conflict-table');
    var head = el('tr');
    ['字段', '我的', '他人的', '保留'].forEach(function (t) { head.appendChild(el('th', null, t)); });
    table.appendChild(head);
    var choices = {};
    rows.forEach(function (f) {
      var tr = el('tr');
      tr.setAttribute('data-field', f.name);
      tr.appendChild(el('td', null, f.label));
      tr.appendChild(el('td', 'ye-mine', self.shown(f.name, mine[f.name])));
      tr.appendChild(el('td', 'ye-theirs', self.shown(f.name, theirs[f.name])));
      var pick = el('td');
      // Default: keep what I typed, take theirs where I typed nothing new.
      var iChanged = !same(mine[f.name], old[f.name]);
      [['mine', '我的'], ['theirs', '他人的']].forEach(function (o) {
        var label = el('label');
        var radio = el('input');
        radio.type = 'radio';
        radio.name = 'keep-' + f.name;
        radio.value = o[0];
        radio.checked = (o[0] === 'mine') === iChanged;
        label.appendChild(radio);
        label.appendChild(doc.createTextNode(o[1]));
        pick.appendChild(label);
      });
      tr.appendChild(pick);
      choices[f.name] = pick;
      table.appendChild(tr);
    });
    box.appendChild(table);
    var again = el('button', 'ye-resave', '按所选再次保存');
    again.type = 'button';
    again.addEventListener('click', function () {
      self.editableFields().forEach(function (f) {
        var pick = choices[f.name];
        var keepMine = pick ? pick.querySelector('input:checked').value === 'mine' : !same(mine[f.name], old[f.name]);
        self.setValue(f, self.inputs[f.name], keepMine ? mine[f.name] : theirs[f.name]);
      });
      self.base = theirs;
      self.etag = etag;
      box.hidden = true;
      self.save();
    });
    box.appendChild(again);
    this.status.textContent = '他人已修改此地块：请逐项选择后再次保存，您填写的内容都还在。';
    this.status.className = 'ye-status ye-bad';
  };

  global.yatou = global.yatou || {};
  global.yatou.Editor = Editor;
})(window);
