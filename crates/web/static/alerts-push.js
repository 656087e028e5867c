// Browser notifications on the alert subscription form: an enhancement. Where the browser
// has service workers and the Push API, it shows the "notifications in this browser" part;
// the button registers the service worker (/sw.js), asks for the permission, subscribes with
// the office's VAPID key and writes the subscription (endpoint and keys) into the form's
// hidden fields. The resident then submits the form as usual, so the choice of topics and
// place, the CSRF check and the error messages are the form's own. The texts come from the
// page (data-* attributes, translated there).
(function () {
  'use strict';
  var box = document.getElementById('push-field');
  if (!box || !('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) return;
  var button = document.getElementById('push');
  var status = document.getElementById('push-status');
  var fields = {
    endpoint: document.getElementById('push_endpoint'),
    p256dh: document.getElementById('push_p256dh'),
    auth: document.getElementById('push_auth')
  };
  box.hidden = false;
  if (fields.endpoint.value) status.textContent = box.dataset.ready;

  function bytes(b64url) {
    var b64 = b64url.replace(/-/g, '+').replace(/_/g, '/');
    while (b64.length % 4) b64 += '=';
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sameKey(buffer, key) {
    if (!buffer) return false;
    var a = new Uint8Array(buffer);
    if (a.length !== key.length) return false;
    for (var i = 0; i < a.length; i++) if (a[i] !== key[i]) return false;
    return true;
  }

  function fill(subscription) {
    var json = subscription.toJSON();
    fields.endpoint.value = json.endpoint;
    fields.p256dh.value = json.keys.p256dh;
    fields.auth.value = json.keys.auth;
    status.textContent = box.dataset.ready;
  }

  button.addEventListener('click', function () {
    var key = bytes(box.dataset.vapidKey);
    status.textContent = box.dataset.wait;
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== 'granted') throw new Error('denied');
        return navigator.serviceWorker.register('/sw.js');
      })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (old) {
          // A subscription made with another key (the office replaced its key) cannot be
          // used: it is dropped and a new one made.
          if (old && sameKey(old.options && old.options.applicationServerKey, key)) return old;
          return (old ? old.unsubscribe() : Promise.resolve()).then(function () {
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
          });
        });
      })
      .then(fill)
      .catch(function (e) {
        status.textContent = e && e.message === 'denied' ? box.dataset.denied : box.dataset.failed;
      });
  });
})();
