import { describe, expect, it } from 'vitest';
import { redactUrl } from './fleet.js';

describe('redactUrl', () => {
  it('hides the password of the user part and of secret parameters, and nothing else', () => {
    expect(redactUrl('postgres://wtp_a:s3cr%40t@db:5432/fleet?sslmode=verify-full')).toBe(
      'postgres://wtp_a:***@db:5432/fleet?sslmode=verify-full',
    );
    expect(redactUrl('postgresql://db/fleet?user=a&password=x&sslpassword=y&sslkey=/k.pem')).toBe(
      'postgresql://db/fleet?user=a&password=***&sslpassword=***&sslkey=/k.pem',
    );
    expect(redactUrl('postgres://wtp_a@db/fleet')).toBe('postgres://wtp_a@db/fleet');
    expect(redactUrl('postgres://a:b@c@db/fleet')).toBe('postgres://a:***@db/fleet');
  });
});
