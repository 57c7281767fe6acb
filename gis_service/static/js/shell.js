/* The shell of every page (issue 11): the CSRF token of the signed-in person and a fetch
 * that sends it. API (docs/pages.md):
 *   yatou.csrfToken()        the token of this page's sign-in ('' when nobody is signed in)
 *   yatou.fetch(url, init)   window.fetch, same-origin cookies, X-CSRF-Token on unsafe methods
 *   yatou.user               {name, role} of the signed-in person, or null
 *   yatou.el(tag, cls, text) a new element; its text set as textContent, never as HTML
 */
(function (global) {
  'use strict';

  function el(tag, className, text) {
    var node = global.document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function csrfToken() {
    var meta = global.document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  function signedInUser() {
    var name = global.document.querySelector('.ys-bar .ys-user');
    var bar = global.document.querySelector('.ys-bar');
    if (!name || !bar) return null;
    return { name: name.textContent, role: bar.getAttribute('data-role') || '' };
  }

  function yatouFetch(url, init) {
    var options = Object.assign({ credentials: 'same-origin' }, init || {});
    var method = (options.method || 'GET').toUpperCase();
    var headers = new Headers(options.headers || {});
    if (['GET', 'HEAD', 'OPTIONS'].indexOf(method) < 0 && csrfToken()) {
      headers.set('X-CSRF-Token', csrfToken());
    }
    options.headers = headers;
    return global.fetch(url, options);
  }

  var api = { csrfToken: csrfToken, fetch: yatouFetch, user: null, el: el };
  global.yatou = Object.assign(global.yatou || {}, api);
  global.document.addEventListener('DOMContentLoaded', function () { global.yatou.user = signedInUser(); });
})(window);
