// The dashboard's service worker: installable app shell, and Web Push. A push carries what the
// daemon chose to show (the agent and the kind; what it asks only if this device opted in) and,
// for a permission, the dialog that approve and deny answer: the daemon refuses them if it changed.
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('push', (e) => {
  let msg = null;
  try {
    msg = e.data ? e.data.json() : null;
  } catch {
    msg = null;
  }
  if (!msg || msg.v !== 1) return;
  const labels = { approve: 'Approve', deny: 'Deny' };
  e.waitUntil(
    self.registration.showNotification(msg.title, {
      body: msg.body,
      tag: msg.agentId ? `wtp-${msg.agentId}` : 'wtp-budget',
      renotify: true,
      requireInteraction: msg.kind === 'permission' || msg.kind === 'question',
      data: msg,
      actions: msg.actions.map((a) => ({ action: a, title: labels[a] })),
    }),
  );
});

/** Answers the dialog a notification named, as the dashboard does: same path, same checks. */
async function answer(msg, action) {
  const r = await fetch(`/api/v1/agents/${encodeURIComponent(msg.agentId)}/answer`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action, via: 'dashboard', expect: msg.expect }),
  });
  if (r.ok) return;
  const body = await r.json().catch(() => ({}));
  await self.registration.showNotification(
    `${msg.title}: not ${action === 'approve' ? 'approved' : 'denied'}`,
    {
      body: body.message || `The daemon answered ${r.status}.`,
      tag: `wtp-${msg.agentId}`,
      data: { ...msg, actions: [] },
    },
  );
}

async function open(url) {
  const wins = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const mine = wins.find((w) => new URL(w.url).pathname.startsWith('/dashboard/'));
  if (mine) {
    await mine.focus();
    return mine.navigate(url).catch(() => undefined);
  }
  return self.clients.openWindow(url);
}

/** A tap on a notification (`action`: the button tapped, '' for its body). */
function clicked(notification, action) {
  const msg = notification.data;
  notification.close();
  if (!msg) return Promise.resolve();
  const act = action === 'approve' || action === 'deny' ? action : null;
  return act && msg.expect ? answer(msg, act) : open(msg.url);
}

self.addEventListener('notificationclick', (e) => e.waitUntil(clicked(e.notification, e.action)));
