/* Site photos of a parcel (issue 11): thumbnails, upload from a file or phone camera, removal.
 *   new yatou.Photos(sectionElement, code, canEdit, maxBytes).load()
 * Also fills every map popup that planner.js marks with `.yp-photos[data-code]`: thumbnails,
 * and an edit link for people whose role may edit that category (shell bar's data).
 */
(function (global) {
  'use strict';
  var doc = global.document;

  var el = global.yatou.el;  // from shell.js

  function listUrl(code) { return '/api/parcels/' + encodeURIComponent(code) + '/photos'; }

  function thumbnail(photo) {
    var a = el('a', 'yph-thumb');
    a.href = photo.url;
    a.target = '_blank';
    a.rel = 'noopener';
    var img = el('img');
    img.src = photo.thumbnail_url;
    img.alt = '现场照片 ' + (photo.file_name || photo.id);
    img.title = photo.added_by + ' · ' + photo.added_at.slice(0, 16).replace('T', ' ');
    img.loading = 'lazy';
    a.appendChild(img);
    return a;
  }

  function Photos(root, code, canEdit, maxBytes) {
    this.root = root;
    this.code = code;
    this.canEdit = canEdit;
    this.maxBytes = maxBytes;
  }

  Photos.prototype.load = function () {
    var self = this;
    return global.yatou.fetch(listUrl(this.code)).then(function (r) { return r.json(); })
      .then(function (body) { self.render(body.photos || []); });
  };

  Photos.prototype.render = function (photos) {
    var self = this, root = this.root;
    root.textContent = '';
    root.appendChild(el('h3', null, '现场照片（' + photos.length + '）'));
    var list = el('div', 'yph-list');
    photos.forEach(function (photo) {
      var item = el('figure', 'yph-item');
      item.appendChild(thumbnail(photo));
      item.appendChild(el('figcaption', null, photo.added_by + ' ' + photo.added_at.slice(0, 10)));
      if (self.canEdit) {
        var remove = el('button', 'yph-remove', '删除');
        remove.type = 'button';
        remove.addEventListener('click', function () { self.remove(photo.id); });
        item.appendChild(remove);
      }
      list.appendChild(item);
    });
    root.appendChild(list);
    if (this.canEdit) {
      var label = el('label', 'yph-upload');
      label.appendChild(el('span', null, '添加照片'));
      var input = el('input');
      input.type = 'file';
      input.accept = 'image/jpeg,image/png,image/webp';
      input.addEventListener('change', function () { if (input.files[0]) self.upload(input.files[0]); });
      label.appendChild(input);
      root.appendChild(label);
    }
    this.message = el('p', 'yph-message');
    this.message.setAttribute('role', 'status');
    root.appendChild(this.message);
  };

  Photos.prototype.upload = function (file) {
    var self = this;
    if (file.size > this.maxBytes) {
      this.message.textContent = '照片太大：最大 ' + Math.round(this.maxBytes / 1048576) + ' MB';
      return Promise.resolve();
    }
    var data = new FormData();
    data.append('file', file, file.name);
    this.message.textContent = '正在上传…';
    return global.yatou.fetch(listUrl(this.code), { method: 'POST', body: data }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { self.message.textContent = '上传失败：' + (body.message || r.status); return; }
        return self.load().then(function () { self.message.textContent = '已上传。'; });
      });
    });
  };

  Photos.prototype.remove = function (id) {
    var self = this;
    return global.yatou.fetch('/api/photos/' + id, { method: 'DELETE' }).then(function (r) {
      if (!r.ok) return r.json().then(function (b) { self.message.textContent = b.message || '删除失败'; });
      return self.load().then(function () { self.message.textContent = '已删除。'; });
    });
  };

  /* Map popups: planner.js leaves an empty `.yp-photos` box with the parcel's code. */
  function fillPopup(box) {
    var code = box.getAttribute('data-code');
    var category = box.getAttribute('data-category');
    if (!code || box.getAttribute('data-filled')) return;
    box.setAttribute('data-filled', '1');
    var bar = doc.querySelector('.ys-bar');
    var editable = ((bar && bar.getAttribute('data-edit-categories')) || '').split(' ');
    if (category && editable.indexOf(category) >= 0) {
      var link = el('a', 'yp-edit', '编辑');
      link.href = '/parcels/' + encodeURIComponent(code) + '/edit';
      link.target = '_blank';
      link.rel = 'noopener';
      box.appendChild(link);
    }
    global.yatou.fetch(listUrl(code)).then(function (r) { return r.ok ? r.json() : { photos: [] }; })
      .then(function (body) {
        var photos = body.photos || [];
        if (!photos.length) return;
        var strip = el('div', 'yph-strip');
        photos.slice(0, 4).forEach(function (p) { strip.appendChild(thumbnail(p)); });
        box.appendChild(strip);
      });
  }

  doc.addEventListener('yatou:popup', function (ev) { fillPopup(ev.detail.box); });

  global.yatou = global.yatou || {};
  global.yatou.Photos = Photos;
  global.yatou.fillPopupPhotos = fillPopup;
})(window);
