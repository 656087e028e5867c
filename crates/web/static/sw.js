// The service worker of residents' browser notifications (see alerts-push.js). It does
// nothing but show an alert the office pushed (RFC 8030; the browser decrypts it) and open
// the page a click asks for: the alert, or the one-click unsubscribe page. It caches nothing.
'use strict';

self.addEventListener('push', function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (e) {
    data = { title: event.data ? event.data.text() : '' };
  }
  var actions = (data.actions || []).filter(function (a) { return a && a.action && a.title; });
  event.waitUntil(self.registration.showNotification(data.title || '', {
    body: data.body || '',
    tag: data.tag,
    renotify: !!data.tag,
    lang: data.lang || 'pl',
    requireInteraction: !!data.require_interaction,
    data: { url: data.url, settings: data.settings, unsubscribe: data.unsubscribe },
    actions: actions.slice(0, 2)
  }));
});

self.addEventListener('notificationclick', function (event) {
  event.notification.close();
  var links = event.notification.data || {};
  var url = links[event.action] || links.url;
  if (url) event.waitUntil(self.clients.openWindow(url));
});
