import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/support/fake-clock.js';
import { cookieValues, DashboardAuth, redactSecrets, sessionCookie } from './dashboard-auth.js';

const cookieOf = (sessionId: string): string => `wtp_session=${sessionId}`;
const KEY = 'k'.repeat(43);

describe('DashboardAuth', () => {
  it('trades a code once for a session that lasts 12 hours', () => {
    const clock = new FakeClock();
    const auth = new DashboardAuth(clock, KEY);
    const { code, expiresAt } = auth.issueCode();
    expect(code).toMatch(/^[\w-]{43}$/); // 32 bytes, base64url
    expect(expiresAt).toBe(clock.now() + 60_000);
    const s = auth.redeem(code);
    expect(s).toMatchObject({
      sessionId: expect.stringMatching(/^\d+\.[\w-]{43}\.[\w-]{43}$/),
      maxAgeSeconds: 43_200,
    });
    expect(auth.redeem(code)).toBeNull();
    const cookie = cookieOf(s?.sessionId ?? '');
    expect(auth.hasSession(cookie)).toBe(true);
    clock.advance(43_200_000 - 1);
    expect(auth.hasSession(cookie)).toBe(true);
    clock.advance(1);
    expect(auth.hasSession(cookie)).toBe(false);
  });

  it('refuses expired, unknown and empty codes and cookies', () => {
    const clock = new FakeClock();
    const auth = new DashboardAuth(clock, KEY, { linkMs: 1_000, sessionMs: 5_000 });
    const { code } = auth.issueCode();
    clock.advance(1_000);
    expect(auth.redeem(code)).toBeNull();
    expect(auth.redeem('')).toBeNull();
    expect(auth.redeem('x'.repeat(43))).toBeNull();
    expect(auth.hasSession(undefined)).toBe(false);
    expect(auth.hasSession('wtp_session=')).toBe(false);
    expect(auth.hasSession(cookieOf(code))).toBe(false); // a code is not a session
  });

  it('keeps at most 64 pending codes, dropping the oldest', () => {
    const auth = new DashboardAuth(new FakeClock(), KEY);
    const codes = Array.from({ length: 65 }, () => auth.issueCode().code);
    expect(auth.redeem(codes[0] ?? '')).toBeNull();
    expect(auth.redeem(codes[1] ?? '')).not.toBeNull();
  });

  it('a session survives a restart (same token), ends with a new token, and cannot be forged', () => {
    const clock = new FakeClock();
    const before = new DashboardAuth(clock, KEY);
    const cookie = cookieOf(before.redeem(before.issueCode().code)?.sessionId ?? '');
    expect(new DashboardAuth(clock, KEY).hasSession(cookie)).toBe(true);
    expect(new DashboardAuth(clock, 'x'.repeat(43)).hasSession(cookie)).toBe(false);
    const [expiry, nonce, mac] = cookie.slice('wtp_session='.length).split('.') as [string, string, string];
    const later = `${Number(expiry) + 3_600_000}`;
    expect(before.hasSession(cookieOf(`${later}.${nonce}.${mac}`))).toBe(false); // a longer expiry
    expect(before.hasSession(cookieOf(`${expiry}.${nonce}.${'A'.repeat(43)}`))).toBe(false);
    expect(before.hasSession(cookieOf(`${expiry}.${'B'.repeat(43)}.${mac}`))).toBe(false);
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

  it('writes the session cookie HttpOnly, SameSite=Strict, for the whole origin', () => {
    expect(sessionCookie('abc', 43_200)).toBe(
      'wtp_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=43200',
    );
  });

  it('keeps one-time codes out of logged URLs', () => {
    expect(redactSecrets('/dashboard/login?code=s3cr3t')).toBe('/dashboard/login?code=[redacted]');
    expect(redactSecrets('/x?a=1&CODE=s3cr3t&b=2')).toBe('/x?a=1&CODE=[redacted]&b=2');
    expect(redactSecrets('/api/v1/agents?state=idle')).toBe('/api/v1/agents?state=idle');
    expect(redactSecrets(undefined)).toBeUndefined();
  });
});
