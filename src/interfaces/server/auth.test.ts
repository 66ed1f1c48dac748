import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cookieRequestAllowed, hookToken, mcpToken, mcpTokenAgent } from './auth.js';

const PORT = 7537;
const OWN = `http://127.0.0.1:${PORT}`;
const req = (method: string, headers: Record<string, string>): IncomingMessage =>
  ({ method, headers: { host: `127.0.0.1:${PORT}`, ...headers } }) as unknown as IncomingMessage;

describe('cookieRequestAllowed', () => {
  it('takes a cookie request only from the dashboard page itself: Sec-Fetch-Site same-origin', () => {
    expect(cookieRequestAllowed(req('GET', { 'sec-fetch-site': 'same-origin' }), PORT, false)).toBe(true);
    // An <img> or a fetch from a page on another port of 127.0.0.1 is same-site; another host cross-site.
    for (const site of ['same-site', 'cross-site', 'none', '']) {
      expect(cookieRequestAllowed(req('GET', { 'sec-fetch-site': site }), PORT, false), site).toBe(false);
    }
    // Browsers always send it: a cookie request without it is refused.
    expect(cookieRequestAllowed(req('GET', {}), PORT, false)).toBe(false);
  });

  it('also wants the own Origin on anything but a GET, and the own Host on everything', () => {
    const same = { 'sec-fetch-site': 'same-origin' };
    expect(cookieRequestAllowed(req('POST', same), PORT, false)).toBe(false);
    expect(cookieRequestAllowed(req('POST', { ...same, origin: OWN }), PORT, false)).toBe(true);
    expect(cookieRequestAllowed(req('POST', { ...same, origin: 'http://127.0.0.1:1' }), PORT, false)).toBe(
      false,
    );
    expect(cookieRequestAllowed(req('GET', { ...same, host: 'evil.example' }), PORT, false)).toBe(false);
    expect(cookieRequestAllowed(req('GET', same), null, false)).toBe(false);
  });

  it('judges a WebSocket upgrade by its Origin (Chromium sends no fetch metadata there), and the header if sent', () => {
    expect(cookieRequestAllowed(req('GET', { origin: OWN }), PORT, true)).toBe(true);
    expect(cookieRequestAllowed(req('GET', {}), PORT, true)).toBe(false);
    expect(
      cookieRequestAllowed(req('GET', { origin: OWN, 'sec-fetch-site': 'same-origin' }), PORT, true),
    ).toBe(true);
    expect(cookieRequestAllowed(req('GET', { origin: OWN, 'sec-fetch-site': 'same-site' }), PORT, true)).toBe(
      false,
    );
  });
});

describe('MCP tokens (issue 34)', () => {
  const key = 'a'.repeat(64);
  it('names the agent it was made for, and nothing else', () => {
    const t = mcpToken(key, 'ag-abc123');
    expect(mcpTokenAgent(key, t)).toBe('ag-abc123');
    expect(mcpTokenAgent('b'.repeat(64), t)).toBeNull();
    const mac = t.slice(t.indexOf('.') + 1);
    expect(mcpTokenAgent(key, `ag-other.${mac}`)).toBeNull();
    expect(mcpTokenAgent(key, t.slice(0, -1))).toBeNull();
    expect(mcpTokenAgent(key, `${t}x`)).toBeNull();
    expect(mcpTokenAgent(key, `../${t}`)).toBeNull();
    expect(mcpTokenAgent(key, hookToken(key, 'ag-abc123'))).toBeNull();
    expect(mcpTokenAgent(key, 'x'.repeat(100_000))).toBeNull();
  });
});
