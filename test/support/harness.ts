import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { inject } from 'vitest';
import { WtpClient } from '../../src/client/wtp-client.js';
import { tmuxSocketName, tmuxSocketPath } from '../../src/config/paths.js';
import type { AgentState, AgentView } from '../../src/protocol/agent.js';
import { cliOutputSchemas } from '../../src/protocol/cli-output.js';
import type { WtpEvent } from '../../src/protocol/events.js';
import { keyBytesOf } from '../../src/protocol/keys.js';
import { recordCliStarts } from './cli-starts.js';
import { anyTestFailed } from './file-failures.js';
import { needsProcess, runInProcess } from './in-process-cli.js';
import { createdHomes } from './home-registry.js';
import { isAlive, killAll, processesWithHome, TEST_HOME_PREFIX } from './processes.js';
import { endInput } from '../../src/adapters/child-input.js';

export const REPO = resolve(import.meta.dirname, '../..');
/** The built entry: `npm test` builds first (pretest), so tests run the real bundle. */
export const BIN = join(REPO, 'bin/wtp.js');
export const ENTRY = join(REPO, 'dist/wtp.js');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary WTP_HOME with its environment; `cleanup` kills whatever still runs there. */
export class TestHome {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(extraEnv: Record<string, string> = {}) {
    // Under this run's root (global-setup.ts) so leak checks never touch another run's processes.
    this.dir = mkdtempSync(join(inject('wtpTestRoot') || tmpdir(), TEST_HOME_PREFIX));
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env))
      if (!k.startsWith('npm_') && !k.startsWith('VITEST')) env[k] = v;
    for (const k of ['CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'WTP_CLAUDE_BIN', 'WTP_CODEX_BIN']) delete env[k];
    // Tables fit COLUMNS: a test that wants a width says so, whatever the terminal it was run from.
    delete env.COLUMNS;
    // A user's terminal, not a CI job's: the agent CLIs read these (Gemini CLI with CI=true runs headless
    // and never draws its TUI), and the tests must see on CI what they see on a developer's machine.
    for (const k of Object.keys(env)) {
      if (k === 'CI' || k.startsWith('CI_') || k === 'CONTINUOUS_INTEGRATION' || k === 'GITHUB_ACTIONS')
        delete env[k];
    }
    // A HOME of its own: agent CLI profiles write trust into ~/.claude.json and ~/.codex (never the user's).
    mkdirSync(join(this.dir, 'home'), { mode: 0o700 });
    // Headless unless a test asks for a backend: tests of the other backends say so explicitly.
    this.env = {
      ...env,
      HOME: join(this.dir, 'home'),
      WTP_HOME: this.dir,
      WTP_API_PORT: '0',
      NO_COLOR: '1',
      WTP_BACKEND: 'headless',
      ...extraEnv,
    };
    createdHomes.add(this);
  }

  path(...parts: string[]): string {
    return join(this.dir, ...parts);
  }

  writeConfig(yaml: string): void {
    writeFileSync(this.path('config.yaml'), yaml);
  }

  /**
   * `wtp up --detach`, which must succeed: when it does not, the error says why (its output, the
   * daemon's JSON error), not only that the exit status was not 0.
   */
  async up(): Promise<RunResult> {
    const r = await this.run(['up', '--detach']);
    if (r.code !== 0) throw new Error(`wtp up --detach exited with ${r.code}:\n${r.stderr}${r.stdout}`);
    return r;
  }

  /**
   * Runs `wtp <args>` (`bin`: another install's bin/wtp.js; `wrap`: a program that runs it, such as
   * `nsenter --net=… --`; `process`: in a process of its own) and waits for it. Without those or
   * `cwd`, and with WTP_TEST_CLI=in-process, it runs in this process (test/support/in-process-cli.ts).
   */
  run(
    args: string[],
    opts: {
      input?: string;
      timeoutMs?: number;
      cwd?: string;
      bin?: string;
      wrap?: string[];
      process?: boolean;
    } = {},
  ): Promise<RunResult> {
    const own = opts.process === true || opts.bin || opts.wrap || opts.cwd || needsProcess(args);
    if (!own)
      return runInProcess(REPO, args, this.env, { input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 });
    const argv = [process.execPath, opts.bin ?? BIN, ...args];
    if (opts.wrap) argv.unshift(...opts.wrap);
    return new Promise((resolvePromise) => {
      const child = execFile(
        argv[0] as string,
        argv.slice(1),
        {
          env: this.env,
          timeout: opts.timeoutMs ?? 60_000,
          maxBuffer: 64 * 1024 * 1024,
          ...(opts.cwd ? { cwd: opts.cwd } : {}),
        },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          // Killed at the timeout: say so, so that a wait built on this call can tell a hung
          // command from a refusal (its error says what it last saw).
          const hung =
            err?.killed === true
              ? `[harness] \`wtp ${args.join(' ')}\` killed after ${opts.timeoutMs ?? 60_000} ms\n`
              : '';
          resolvePromise({ code, stdout, stderr: stderr + hung });
        },
      );
      endInput(child.stdin, opts.input);
    });
  }

  /**
   * Runs bin/wtp, the shell launcher npm installs, with only curl (and what the launcher itself
   * needs) on PATH: a call it hands to Node fails to start (exit 127), so one that works went
   * through curl.
   */
  runCurl(args: string[]): Promise<RunResult> {
    const bin = join(this.dir, 'curl-only-bin');
    if (!existsSync(bin)) {
      mkdirSync(bin);
      for (const tool of ['curl', 'dirname']) {
        const found = (process.env.PATH ?? '')
          .split(':')
          .map((d) => join(d, tool))
          .find((f) => existsSync(f));
        if (found === undefined)
          throw new Error(`${tool} is not on PATH (.ci/system-packages.sh installs it)`);
        symlinkSync(found, join(bin, tool));
      }
    }
    return new Promise((resolvePromise) => {
      execFile(
        join(REPO, 'bin', 'wtp'),
        args,
        { env: { ...this.env, PATH: bin }, timeout: 60_000 },
        (err, stdout, stderr) => {
          resolvePromise({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
        },
      );
    });
  }

  /** Runs `wtp <args> --json` and parses stdout (fails loudly on non-JSON output). */
  async json<T = Record<string, unknown>>(
    args: string[],
    opts: { cwd?: string } = {},
  ): Promise<{ code: number; doc: T; stderr: string }> {
    const dashdash = args.indexOf('--'); // after `--` everything belongs to the agent's command
    const withJson =
      dashdash < 0 ? [...args, '--json'] : [...args.slice(0, dashdash), '--json', ...args.slice(dashdash)];
    const r = await this.run(withJson, opts);
    try {
      return { code: r.code, doc: JSON.parse(r.stdout) as T, stderr: r.stderr };
    } catch {
      throw new Error(
        `wtp ${args.join(' ')} --json printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`,
      );
    }
  }

  /** Starts a long-running `wtp <args>` (e.g. `logs -f`) and returns the child. */
  start(args: string[]) {
    return spawn(process.execPath, [BIN, ...args], { env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /**
   * The daemon's API over its socket, from this process. What tests poll for (`agents`, `events`)
   * is asked here, not by running `wtp`: a wait polls every 50 ms, and a CLI process per poll took
   * a core per waiting test (most of the suite's CPU, half of it in the kernel) on a 2-core machine.
   * The CLI's own output is what the tests of each command check.
   */
  private get api(): WtpClient {
    return new WtpClient({
      socketPath: join(this.env.WTP_HOME ?? this.dir, 'run', 'api.sock'),
      timeoutMs: 60_000,
    });
  }

  /** Every agent, as `wtp ls --json` lists them (validated against its schema). */
  async agents(): Promise<AgentView[]> {
    const { agents } = await this.api.call('listAgents');
    return cliOutputSchemas.ls.parse({ version: 1, agents }).agents;
  }

  async agent(name: string): Promise<AgentView> {
    const a = (await this.agents()).find((x) => x.name === name);
    if (!a) throw new Error(`no agent ${name}`);
    return a;
  }

  /** Waits until the agent is in `state` and returns it. */
  untilState(name: string, state: AgentState, what = `${name} to be ${state}`): Promise<AgentView> {
    return eventually(what, async () => {
      const a = await this.agent(name);
      return a.state === state ? a : undefined;
    });
  }

  /** The agent's events, as `wtp events --agent NAME --json` lists them (validated). */
  async events(name: string): Promise<WtpEvent[]> {
    const api = this.api;
    const { agent } = await api.call('getAgent', { params: { agent: name } });
    // The log is append-only and in seq order: a poll asks only for what came since the last
    // (a wait polls every 50 ms; all of a shared agent's events each time cost ~8 ms of CPU).
    const seen = this.eventsSeen.get(agent.id) ?? [];
    for (;;) {
      const since = seen.at(-1)?.seq ?? 0;
      const { events } = await api.call('listEvents', { query: { since, limit: 1000, agent: agent.id } });
      for (const event of events) seen.push(cliOutputSchemas.event.parse({ version: 1, event }).event);
      if (events.length < 1000) break;
    }
    this.eventsSeen.set(agent.id, seen);
    return [...seen];
  }

  /** Each agent's events read so far (by agent id), oldest first. */
  private readonly eventsSeen = new Map<string, WtpEvent[]>();

  /** What `wtp why NAME --json` says (its agent and last signals), asked over the API for waits that poll. */
  async why(name: string) {
    return this.api.call('agentWhy', { params: { agent: name } });
  }

  /** The agent's screen as `wtp peek` prints it (its rows joined), asked over the API for waits that poll. */
  async screen(name: string): Promise<string> {
    const { lines } = await this.api.call('getScreen', { params: { agent: name } });
    return lines.join('\n');
  }

  /**
   * Types into the agent over the API, as `wtp send NAME TEXT [--enter]` (or `--key KEY`) does: for steps
   * that only drive an agent; the command's own tests run `wtp send`.
   */
  async send(
    name: string,
    input: { text: string; enter?: boolean; raw?: boolean } | { key: string },
  ): Promise<void> {
    const key = 'key' in input ? keyBytesOf(input.key) : undefined;
    if ('key' in input && key === undefined) throw new Error(`no key ${input.key}`);
    await this.api.call('sendInput', {
      params: { agent: name },
      body: {
        text: key ?? ('text' in input ? input.text : ''),
        enter: 'text' in input && input.enter === true,
        force: false,
        raw: key !== undefined || ('text' in input && input.raw === true),
      },
    });
  }

  /** The `-L` name of this home's dedicated tmux server. */
  get tmuxSocket(): string {
    return tmuxSocketName(this.dir);
  }

  /** Runs `tmux -L <this home's server> <args>`. */
  tmux(args: string[]): Promise<RunResult> {
    return new Promise((resolvePromise) => {
      execFile('tmux', ['-L', this.tmuxSocket, ...args], { env: this.env }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout, stderr });
      });
    });
  }

  /** Kills this home's tmux server if one runs (nothing else is ever touched). */
  async killTmuxServer(): Promise<void> {
    await this.tmux(['kill-server']);
    rmSync(tmuxSocketPath(this.tmuxSocket, this.env.TMUX_TMPDIR, process.getuid?.() ?? 0), { force: true });
  }

  processes(): number[] {
    return processesWithHome((h) => h === this.dir);
  }

  /** Stops everything that runs with this WTP_HOME and removes the folder. */
  async cleanup(): Promise<void> {
    if (anyTestFailed()) this.printDaemonTrouble();
    await this.run(['down', '--stop-agents'], { timeoutMs: 30_000 }).catch(() => undefined);
    const deadline = Date.now() + 10_000;
    while (this.processes().length > 0 && Date.now() < deadline) await sleep(50);
    killAll(this.processes());
    while (this.processes().some(isAlive) && Date.now() < deadline + 5_000) await sleep(50);
    await this.killTmuxServer();
    // WTP_E2E_KEEP_DIR=<dir>: the home's state (database, logs; not the agents' HOME or sockets)
    // is copied there first, to read after a run that failed (DEVELOPERS.md).
    const keep = process.env.WTP_E2E_KEEP_DIR;
    if (keep) {
      const skip = join(this.dir, 'home');
      cpSync(this.dir, join(keep, basename(this.dir)), {
        recursive: true,
        // Sockets and FIFOs cannot be copied: files and folders only.
        filter: (f) => f !== skip && !f.startsWith(`${skip}/`) && isFileOrFolder(f),
      });
    }
    this.recordCliStarts();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The daemon's last `most` warnings and errors (those that name `about`, when given), for a failure's message. */
  daemonTrouble(most: number, about?: string): string[] {
    const file = this.path('logs', 'daemon.log');
    if (!existsSync(file)) return ['  (no daemon log)'];
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /"level":(4|5|6)0/.test(l) && (about === undefined || l.includes(about)))
      .slice(-most)
      .map((l) => `  ${l.slice(0, 600)}`);
    return lines.length > 0 ? lines : ['  (none)'];
  }

  /** For a file with a failed test: the daemon's last warnings and errors, which CI would otherwise lose. */
  private printDaemonTrouble(): void {
    console.log(
      `daemon warnings and errors of ${this.dir}, the last 30:\n${this.daemonTrouble(30).join('\n')}`,
    );
  }

  private cliStartsRecorded = false;

  /** Once, while its database is there: the pinned agent CLIs its daemons started (the test ledger). */
  recordCliStarts(): void {
    if (this.cliStartsRecorded) return;
    this.cliStartsRecorded = true;
    recordCliStarts(this.dir);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until `probe` returns a value (not undefined/false) and returns it; throws with
 * `what` if it does not happen in time. A wait for something to happen, not a speed test.
 */
export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(50);
  }
}

function isFileOrFolder(path: string): boolean {
  try {
    const st = lstatSync(path);
    return st.isFile() || st.isDirectory() || st.isSymbolicLink();
  } catch {
    return false;
  }
}
