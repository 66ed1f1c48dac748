import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../src/adapters/postgres/pg-migrations.js';
import { PgFleet } from '../../src/adapters/postgres/pg-fleet.js';
import { rejection } from '../support/app-error.js';
import { TestPostgres } from '../support/postgres.js';

/**
 * The fleet database over TLS: the URL's `sslmode` and `sslrootcert` go to the connection as they
 * are. A server certificate signed by the CA named connects with full verification; a CA that did
 * not sign it is refused (FLEET_REFUSED, the TLS error named), and the password shown nowhere.
 */
describe('the fleet database over TLS (real PostgreSQL, certificates made with openssl)', () => {
  const server = new TestPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'wtp-tls-'));
  const open: PgFleet[] = [];
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  /** A self-signed CA in `name`.crt / `name`.key. */
  const ca = (name: string): void =>
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
    );

  beforeAll(async () => {
    ca('fleet-ca');
    ca('other-ca');
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
    );
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    openssl(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'fleet-ca.crt',
      '-CAkey',
      'fleet-ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'san.ext',
      '-out',
      'server.crt',
    );
    server.useTls(
      readFileSync(join(dir, 'server.crt'), 'utf8'),
      readFileSync(join(dir, 'server.key'), 'utf8'),
    );
    await server.start();
  });
  afterAll(async () => {
    for (const f of open) await f.close();
    await server.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const fleet = (query: string): PgFleet => {
    const f = new PgFleet(`${server.url()}?${query}`, 'tls', () => undefined);
    open.push(f);
    return f;
  };

  it('verify-full with the CA that signed the server’s certificate connects, over TLS', async () => {
    const f = fleet(`sslmode=verify-full&sslrootcert=${join(dir, 'fleet-ca.crt')}`);
    expect(await f.migrate()).toEqual(PG_MIGRATIONS.map((m) => m.version));
    const [row] = await server.admin<{ ssl: boolean }>(
      "SELECT bool_or(ssl) AS ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name = 'wtp tls'",
    );
    expect(row?.ssl).toBe(true);
  });

  it('another CA is refused: FLEET_REFUSED with the TLS error, no password shown', async () => {
    const err = await rejection(
      fleet(`sslmode=verify-full&sslrootcert=${join(dir, 'other-ca.crt')}`).migrate(),
    );
    expect(err.code).toBe('FLEET_REFUSED');
    expect(err.message).toMatch(/TLS connection failed/);
    expect(JSON.stringify(err.details)).not.toContain(server.adminPassword);
    expect(err.message).not.toContain(server.adminPassword);
  });
});
