// The validation form (server/templates/validate.html): forgiving without a round trip.
// * A file or text over the service's limit is refused here, before it is sent, so nothing
//   chosen or typed is lost.
// * The text and options are kept in this tab's session storage when the form is sent; if
//   the service refused the body as too large (it does so before reading it, so it cannot
//   send the text back), they are put back in the form.
// * After a send, focus moves to the outcome (the refusal or the report), so a keyboard or
//   screen-reader user starts there.
(function () {
  'use strict';
  var form = document.getElementById('validate-form');
  if (!form) { return; }
  var KEY = 'pob-validate-form';
  var fields = ['data', 'profile', 'inference', 'lang'];
  var notice = document.getElementById('client-error');
  var lang = document.documentElement.lang;

  function size(n) {  // as the page says the limit (server/routes/forms.py: _size)
    var mega = n >= 1000000;
    var text = (mega ? n / 1000000 : n / 1000).toFixed(1).replace(/\.0$/, '');
    return (lang === 'da' ? text.replace('.', ',') : text) + (mega ? ' MB' : ' kB');
  }

  form.addEventListener('submit', function (event) {
    var file = document.getElementById('file').files[0];
    var text = document.getElementById('data').value;
    var bytes = file ? file.size : new Blob([text]).size;
    if (bytes > Number(notice.getAttribute('data-limit'))) {
      event.preventDefault();
      notice.textContent = notice.getAttribute('data-template')
        .replace('{size}', size(bytes)).replace('{limit}', notice.getAttribute('data-limit-text'));
      notice.hidden = false;
      notice.setAttribute('tabindex', '-1');
      notice.focus();
      return;
    }
    var kept = {};
    fields.forEach(function (name) { kept[name] = form.elements[name].value; });
    try { sessionStorage.setItem(KEY, JSON.stringify(kept)); } catch (e) { /* private mode */ }
  });

  var error = document.getElementById('error');
  if (error && error.getAttribute('data-kind') === 'too_large') {
    try {
      var kept = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      if (kept) {
        fields.forEach(function (name) {
          if (name !== 'lang' && kept[name] !== undefined) { form.elements[name].value = kept[name]; }
        });
      }
    } catch (e) { /* nothing kept */ }
  }
  var outcome = error || document.getElementById('report');
  if (outcome) {
    if (!outcome.hasAttribute('tabindex')) { outcome.setAttribute('tabindex', '-1'); }
    outcome.focus();
  }
}());
