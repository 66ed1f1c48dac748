import { messagePage } from '../http/dashboard-pages.js';

/**
 * The page a pairing link opens: the code stays in the URL's fragment (never sent, never logged),
 * the script takes it out of the address bar at once and posts it with the device's name.
 */
export const PAIR_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pair this device · wezterm-parallel</title>
<style>body{font:18px/1.5 system-ui,sans-serif;max-width:30rem;margin:2rem auto;padding:0 1rem}
input,button{font:inherit;width:100%;box-sizing:border-box;padding:.8rem;margin:.4rem 0}
button{background:#1f6feb;color:#fff;border:0;border-radius:.5rem}#msg{color:#b42318}</style>
<script src="/remote/pair.js" defer></script>
</head>
<body>
<h1>Pair this device</h1>
<p>It will see your agents and answer them. Name it so you know it in <code>wtp remote devices</code>.</p>
<form id="pair"><label for="name">Device name</label>
<input id="name" name="name" required maxlength="40" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,39}" autocomplete="off" placeholder="pixel-9">
<button type="submit">Pair</button></form>
<p id="msg" role="alert"></p>
</body>
</html>
`;

export const PAIR_SCRIPT = `'use strict';
const code = new URLSearchParams(location.hash.slice(1)).get('code') || '';
history.replaceState(null, '', location.pathname);
const msg = document.getElementById('msg');
if (!code) msg.textContent = 'This link has no pairing code. Run wtp remote pair and scan its code.';
document.getElementById('pair').addEventListener('submit', async (e) => {
  e.preventDefault();
  msg.textContent = '';
  const name = document.getElementById('name').value.trim();
  const r = await fetch('/remote/pair', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name }),
  }).catch(() => null);
  if (r && r.ok) return location.replace('/dashboard/#/inbox');
  const body = r ? await r.json().catch(() => null) : null;
  msg.textContent = body && body.message ? body.message : 'The daemon did not answer. Try again.';
});
`;

export const NOT_REMOTE_PAGE = messagePage('Not on this address', [
  'Pairing works on the remote listener only (<code>wtp remote status</code> shows its address).',
]);
