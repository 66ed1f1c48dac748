import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';
import { TEST_HOME_PREFIX } from './processes.js';

/** Where Debian's PostgreSQL server programs are (`.ci/run` installs the `postgresql` package). */
export function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const v = versions[0];
  if (v === undefined) {
    throw new Error(
      'PostgreSQL server programs not found under /usr/lib/postgresql: install them (apt-get install postgresql), as .ci/run does',
    );
  }
  return join(base, v, 'bin');
}

/** A free TCP port on 127.0.0.1 (the server retries another if it was taken meanwhile). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

const ADMIN = 'wtp_admin';

/**
 * A PostgreSQL server of the test's own: a new cluster in a temporary folder, on a free port of
 * 127.0.0.1 (and any further addresses given), password authentication over TCP. As root it runs as
 * the `postgres` account (the server refuses root). Its processes carry a WTP_HOME under the test
 * run's root, so the run's final leak check catches one left running.
 */
export class PgServer {
  readonly dir: string;
  /** The WTP_HOME the server's processes carry: under the run's root, for the leak check. */
  private readonly marker: string;
  readonly data: string;
  readonly socketDir: string;
  readonly adminPassword = 'admin-secret-0';
  port = 0;
  private server: ChildProcess | null = null;
  /** Further `-c name=value` settings of the server (TLS in a test). */
  private settings: string[] = [];
  private readonly bin = postgresBin();
  private readonly asPostgres = process.getuid?.() === 0;

  /**
   * `markerRoot`: where the WTP_HOME its processes carry points (a test run's root, for its leak
   * check; a benchmark's home); `listen`: further addresses (a network namespace's veth).
   */
  constructor(
    markerRoot: string,
    private readonly listen: string[] = [],
  ) {
    // Not under the run's root (0700, root's): the server's account must reach its folder.
    this.dir = mkdtempSync(join(tmpdir(), 'wtp-pg-'));
    this.marker = join(markerRoot, `${TEST_HOME_PREFIX}pg-${basename(this.dir)}`);
    this.data = join(this.dir, 'data');
    this.socketDir = join(this.dir, 'run');
    mkdirSync(this.socketDir);
    const pwfile = join(this.dir, 'pw');
    writeFileSync(pwfile, `${this.adminPassword}\n`, { mode: 0o600 });
    if (this.asPostgres) {
      const { uid, gid } = postgresIds();
      for (const p of [this.dir, this.socketDir, pwfile]) chownSync(p, uid, gid);
    }
    this.runAs(join(this.bin, 'initdb'), [
      '-D',
      this.data,
      '-U',
      ADMIN,
      '--pwfile',
      pwfile,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
  }

  /** Starts the server (again, after `stop`), on the same port once it has one. */
  async start(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.port === 0 || attempt > 0) this.port = await freePort();
      const child = this.spawnAs(join(this.bin, 'postgres'), [
        '-D',
        this.data,
        '-p',
        String(this.port),
        '-k',
        this.socketDir,
        '-c',
        `listen_addresses=${['127.0.0.1', ...this.listen].join(',')}`,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
        '-c',
        'log_min_messages=warning',
        ...this.settings.flatMap((kv) => ['-c', kv]),
      ]);
      let log = '';
      child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      child.stdout?.resume();
      const ready = await this.untilReady(child);
      if (ready) {
        this.server = child;
        return;
      }
      if (!/could not bind|Address already in use/.test(log) || attempt >= 3)
        throw new Error(`postgres did not start:\n${log}`);
    }
  }

  /** Lets clients from `cidr` log in with a password (scram), from the next start (a lab's machines). */
  allow(cidr: string): void {
    appendFileSync(join(this.data, 'pg_hba.conf'), `host all all ${cidr} scram-sha-256\n`);
  }

  /**
   * Serves TLS with this certificate and key (PEM), from the next start: copied into the server's
   * folder, owned by its account, the key 0600 (the server refuses another).
   */
  useTls(certPem: string, keyPem: string): void {
    const cert = join(this.dir, 'server.crt');
    const key = join(this.dir, 'server.key');
    writeFileSync(cert, certPem);
    writeFileSync(key, keyPem, { mode: 0o600 });
    if (this.asPostgres) {
      const { uid, gid } = postgresIds();
      chownSync(cert, uid, gid);
      chownSync(key, uid, gid);
    }
    this.settings = ['ssl=on', `ssl_cert_file=${cert}`, `ssl_key_file=${key}`];
  }

  /** Stops the server: `fast` (clients disconnected, a clean shutdown) or `immediate` (as a crash). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.server;
    if (!child || child.exitCode !== null) return;
    this.server = null;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop('fast');
    await this.start();
  }

  /** Stops the server and removes its folder. */
  async cleanup(): Promise<void> {
    await this.stop('fast');
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A connection URL (password in it) to `database` as `user` at `host`. */
  url(user = ADMIN, password = this.adminPassword, database = 'postgres', host = '127.0.0.1'): string {
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${this.port}/${database}`;
  }

  /** Runs SQL as the administrator (a superuser) in `database`. */
  async admin<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url(ADMIN, this.adminPassword, database) });
    await c.connect();
    try {
      return (await c.query<T>(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  /**
   * A database for a fleet and a login role per machine (no superuser, no CREATE on the database):
   * what an administrator sets up once. Returns each machine's URL.
   */
  async fleetDatabase(database: string, machines: string[]): Promise<Record<string, string>> {
    await this.admin(`CREATE DATABASE ${database}`);
    await this.admin(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC`);
    const urls: Record<string, string> = {};
    for (const m of machines) {
      const role = `wtp_${m}`;
      const password = `pw-${m}-${Math.random().toString(36).slice(2, 10)}`;
      await this.admin(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
      await this.admin(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
      urls[m] = this.url(role, password, database);
    }
    return urls;
  }

  private async untilReady(child: ChildProcess): Promise<boolean> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      try {
        await this.admin('SELECT 1');
        return true;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    child.kill('SIGKILL');
    throw new Error('postgres did not answer within 30 s');
  }

  private runAs(file: string, args: string[]): void {
    const [cmd, argv] = this.wrap(file, args);
    execFileSync(cmd, argv, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private spawnAs(file: string, args: string[]): ChildProcess {
    const [cmd, argv] = this.wrap(file, args);
    return spawn(cmd, argv, { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private wrap(file: string, args: string[]): [string, string[]] {
    // setpriv execs the server in place (no parent left between us and it), so signals reach it.
    return this.asPostgres
      ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', file, ...args]]
      : [file, args];
  }

  /** A clean environment, with WTP_HOME marking the server's processes as this test run's. */
  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', WTP_HOME: this.marker };
  }
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}
