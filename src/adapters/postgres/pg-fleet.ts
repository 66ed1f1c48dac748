import type { FleetPort } from '../../core/ports/fleet.js';
import { PgCommands } from './pg-commands.js';
import { PgDb } from './pg-db.js';
import { PgPublisher } from './pg-publisher.js';
import { PgReader } from './pg-reader.js';
import type { InvalidRowSink } from './pg-rows.js';
import { PgTasks } from './pg-tasks.js';

/**
 * The fleet in PostgreSQL (schema `wtp`, src/adapters/postgres/migrations/), as one machine uses it:
 * what it publishes, what it reads of the others, the commands between machines.
 */
export class PgFleet implements FleetPort {
  readonly publisher: PgPublisher;
  readonly reader: PgReader;
  readonly commands: PgCommands;
  readonly tasks: PgTasks;
  private readonly db: PgDb;

  /** `onInvalidRow`: told of every row read that failed validation against the protocol (skipped). */
  constructor(
    url: string,
    machine: string,
    onIdleError: (err: Error) => void,
    onInvalidRow: InvalidRowSink = () => undefined,
  ) {
    this.db = new PgDb(url, machine, onIdleError, onInvalidRow);
    this.publisher = new PgPublisher(this.db);
    this.reader = new PgReader(this.db);
    this.commands = new PgCommands(this.db);
    this.tasks = new PgTasks(this.db);
  }

  /** The URL without its password: what logs and errors show. */
  get database(): string {
    return this.db.database;
  }

  /** Creates or upgrades the schema (FLEET_SCHEMA_MISSING when this role may not). */
  migrate(): Promise<number[]> {
    return this.db.migrate();
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
