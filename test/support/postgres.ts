import { tmpdir } from 'node:os';
import { inject } from 'vitest';
import { PgServer } from './pg-server.js';

export { freePort, postgresBin } from './pg-server.js';

/** A PostgreSQL server of the test's own (`PgServer`), its processes marked as this test run's. */
export class TestPostgres extends PgServer {
  constructor(listen: string[] = []) {
    super(inject('wtpTestRoot') || tmpdir(), listen);
  }
}
