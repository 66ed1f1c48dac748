import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { cookieValues, DashboardAuth, redactSecrets, sessionCookie } from './dashboard-auth.js';

const PORT = 7537;
const cookieOf = (sessionId: string, port = PORT): string => `wtp_session_${port}=${sessionId}`;
const KEY = 'k'.repeat(43);

describe('DashboardAuth', () => {
  it('trades a code once for a session that lasts 12 hours', () => {
    const clock = new FakeClock();
    const auth = new DashboardAuth(clock, KEY);
    const { code, expiresAt } = auth.issueCode();
    expect(code).toMatch(/^[\w-]{43}$/); // 32 bytes, base64url
    expect(expiresAt).toBe(clock.now() + 60_000);
    const s = auth.redeem(code, PORT);
    expect(s).toMatchObject({
      sessionId: expect.stringMatching(/^7537\.\d+\.[\w-]{43}\.[\w-]{43}$/),
      maxAgeSeconds: 43_200,
    });
    expect(auth.redeem(code, PORT)).toBeNull();
    const cookie = cookieOf(s?.sessionId ?? '');
    expect(auth.hasSession(cookie, PORT)).toBe(true);
    clock.advance(43_200_000 - 1);
    expect(auth.hasSession(cookie, PORT)).toBe(true);
    clock.advance(1);
    expect(auth.hasSession(cookie, PORT)).toBe(false);
  });

  it('refuses expired, unknown and empty codes and cookies', () => {
    const clock = new FakeClock();
    const auth = new DashboardAuth(clock, KEY, { linkMs: 1_000, sessionMs: 5_000 });
    const { code } = auth.issueCode();
    clock.advance(1_000);
    expect(auth.redeem(code, PORT)).toBeNull();
    expect(auth.redeem('', PORT)).toBeNull();
    expect(auth.redeem('x'.repeat(43), PORT)).toBeNull();
    expect(auth.hasSession(undefined, PORT)).toBe(false);
    expect(auth.hasSession('wtp_session_7537=', PORT)).toBe(false);
    expect(auth.hasSession(cookieOf(code), PORT)).toBe(false); // a code is not a session
  });

  it('binds a session to the port of the daemon that made it: name and signed value', () => {
    const clock = new FakeClock();
    const auth = new DashboardAuth(clock, KEY);
    const id = auth.redeem(auth.issueCode().code, PORT)?.sessionId ?? '';
    expect(auth.hasSession(cookieOf(id), PORT)).toBe(true);
    // The same token on another port (a restart with another api.port, a second daemon): refused
    // under its own cookie name, under the other name, and with the port in the value changed.
    expect(auth.hasSession(cookieOf(id), PORT + 1)).toBe(false);
    expect(auth.hasSession(cookieOf(id, PORT + 1), PORT + 1)).toBe(false);
    const moved = id.replace(/^7537\./, '7538.');
    expect(auth.hasSession(cookieOf(moved, PORT + 1), PORT + 1)).toBe(false);
    expect(auth.hasSession(cookieOf(`0${id}`), PORT)).toBe(false);
    expect(auth.hasSession(cookieOf(id), null)).toBe(false); // no TCP listener: no cookie sessions
  });

  it('keeps at most 64 pending codes, dropping the oldest', () => {
    const auth = new DashboardAuth(new FakeClock(), KEY);
    const codes = Array.from({ length: 65 }, () => auth.issueCode().code);
    expect(auth.redeem(codes[0] ?? '', PORT)).toBeNull();
    expect(auth.redeem(codes[1] ?? '', PORT)).not.toBeNull();
  });

  it('a session survives a restart (same token), ends with a new token, and cannot be forged', () => {
    const clock = new FakeClock();
    const before = new DashboardAuth(clock, KEY);
    const cookie = cookieOf(before.redeem(before.issueCode().code, PORT)?.sessionId ?? '');
    expect(new DashboardAuth(clock, KEY).hasSession(cookie, PORT)).toBe(true);
    expect(new DashboardAuth(clock, 'x'.repeat(43)).hasSession(cookie, PORT)).toBe(false);
    const [port, expiry, nonce, mac] = cookie.slice(`wtp_session_${PORT}=`.length).split('.') as [
      string,
      string,
      string,
      string,
    ];
    const later = `${Number(expiry) + 3_600_000}`;
    expect(before.hasSession(cookieOf(`${port}.${later}.${nonce}.${mac}`), PORT)).toBe(false); // a longer expiry
    expect(before.hasSession(cookieOf(`${port}.${expiry}.${nonce}.${'A'.repeat(43)}`), PORT)).toBe(false);
    expect(before.hasSession(cookieOf(`${port}.${expiry}.${'B'.repeat(43)}.${mac}`), PORT)).toBe(false);
  });
});

describe('cookies and logs', () => {
  it('finds every value of a cookie by exact name', () => {
    expect(cookieValues('a=1; wtp_session=x; wtp_session2=y;wtp_session=z', 'wtp_session')).toEqual([
      'x',
      'z',
    ]);
    expect(cookieValues(' wtp_session = v ', 'wtp_session')).toEqual(['v']);
    expect(cookieValues('wtp_session', 'wtp_session')).toEqual([]);
    expect(cookieValues(undefined, 'wtp_session')).toEqual([]);
  });

  it('writes the session cookie HttpOnly, SameSite=Strict, for the whole origin, named for its port', () => {
    expect(sessionCookie(PORT, 'abc', 43_200)).toBe(
      'wtp_session_7537=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200',
    );
  });

  it('keeps one-time codes out of logged URLs', () => {
    expect(redactSecrets('/dashboard/login?code=s3cr3t')).toBe('/dashboard/login?code=[redacted]');
    expect(redactSecrets('/x?a=1&CODE=s3cr3t&b=2')).toBe('/x?a=1&CODE=[redacted]&b=2');
    expect(redactSecrets('/api/v1/agents?state=idle')).toBe('/api/v1/agents?state=idle');
    expect(redactSecrets(undefined)).toBeUndefined();
  });
});
