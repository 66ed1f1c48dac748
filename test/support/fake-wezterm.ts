import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { descendants } from './adapters/children.js';
import { eventually } from './harness.js';
import { isAlive, killAll } from './processes.js';

/** The fake `wezterm` executable and its mux server (test/fixtures/fake-wezterm/README.md). */
export const FAKE_WEZTERM_DIR = resolve(import.meta.dirname, '../fixtures/fake-wezterm');

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

/** A running fake WezTerm: its mux server plus the environment that makes `wezterm cli` reach it. */
export interface FakeWezterm {
  /** The server's unix socket (what `$WEZTERM_UNIX_SOCKET` points at). */
  socket: string;
  /** The fixture folder holding the `wezterm` executable; `env.PATH` starts with it. */
  binDir: string;
  /** `process.env` with `binDir` first on PATH, `WEZTERM_UNIX_SOCKET` set and `WEZTERM_PANE` removed. */
  env: NodeJS.ProcessEnv;
  /** Pid of the mux server. */
  pid: number;
  /** Every live process under the server: pane programs and what they started. */
  processes(): number[];
  /** SIGTERM to the server; resolves once it and every pane program are gone (SIGKILL after a timeout). */
  stop(): Promise<void>;
  /** The pane's user vars (OSC 1337 SetUserVar), as the plugin's `pane:get_user_vars()` reads them. */
  userVars(paneId: string): Promise<Record<string, string>>;
}

/**
 * Starts the fake mux server on a socket in a fresh temporary folder and waits for `ready`.
 * The server also exits when this process dies (it watches its stdin), so nothing outlives a crashed worker.
 * `fixtures`: the fixture folder, for a bundle that does not sit beside it (the benchmark).
 */
export async function startFakeWezterm(fixtures = FAKE_WEZTERM_DIR): Promise<FakeWezterm> {
  const dir = mkdtempSync(join(tmpdir(), 'wtp-test-'));
  const socket = join(dir, 'wezterm.sock');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${fixtures}${delimiter}${process.env.PATH ?? ''}`,
    WEZTERM_UNIX_SOCKET: socket,
  };
  delete env.WEZTERM_PANE;
  const server = spawn(
    process.execPath,
    [join(fixtures, 'mux-server.mjs'), '--socket', socket, '--exit-on-eof'],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  if (server.pid === undefined) throw new Error('could not start the fake wezterm mux server');
  const pid = server.pid;
  try {
    await ready(server);
  } catch (err) {
    killAll([pid, ...descendants(pid)]);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const tree = [pid, ...descendants(pid)];
    const exited = new Promise<void>((r) =>
      server.exitCode !== null ? r() : server.once('exit', () => r()),
    );
    server.kill('SIGTERM');
    const timer = setTimeout(() => killAll([pid, ...descendants(pid), ...tree]), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    await eventually('the fake wezterm panes to exit', () => tree.every((p) => !isAlive(p)), STOP_TIMEOUT_MS);
    server.stdin?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    socket,
    binDir: fixtures,
    env,
    pid,
    processes: () => descendants(pid).filter(isAlive),
    stop: () => (stopped ??= stop()),
    userVars: (paneId) => ask(socket, 'getUserVars', { paneId: Number(paneId) }),
  };
}

/** One request to the fake's server, as its CLI sends them (a JSON line each way). */
function ask<T>(socket: string, method: string, params: Record<string, unknown>): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const conn = connect(socket, () => conn.write(`${JSON.stringify({ method, params })}\n`));
    let got = '';
    conn.setEncoding('utf8');
    conn.on('data', (d: string) => {
      got += d;
      if (!got.includes('\n')) return;
      conn.end();
      const reply = JSON.parse(got.slice(0, got.indexOf('\n'))) as { ok?: T; error?: string };
      if (reply.error !== undefined) reject(new Error(reply.error));
      else resolvePromise(reply.ok as T);
    });
    conn.on('error', reject);
  });
}

/** Resolves on the server's `ready` line; rejects with its stderr if it exits or hangs first. */
function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail('did not print ready'), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      clearTimeout(timer);
      reject(new Error(`fake wezterm mux server ${why}: ${stderr}`));
    };
    server.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    server.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (stdout.includes('ready\n')) {
        clearTimeout(timer);
        resolvePromise();
      }
    });
    server.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
    server.once('error', (err) => fail(err.message));
  });
}
