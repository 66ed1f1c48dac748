import { WtpClient } from '../../client/wtp-client.js';
import { processEnvironment, readEnv, type WtpEnv } from '../../config/env.js';
import { resolvePaths, type WtpPaths } from '../../config/paths.js';
import { JSON_VERSION } from '../../protocol/constants.js';
import type { CliOutput, CliOutputName } from '../../protocol/cli-output.js';
import type { DaemonStatus } from '../../protocol/daemon.js';
import type { AgentClis, NativeAddon } from '../../protocol/doctor.js';
import { jsonForTerminal, terminalText } from '../../protocol/terminal-text.js';

/** How the CLI can start the daemon in-process; injected by the entry point (the CLI never imports core). */
export interface DaemonStarter {
  start(opts?: { backend?: string; maxAgents?: number; fresh?: boolean; port?: number }): Promise<{
    status(): DaemonStatus;
    stop(): Promise<void>;
    closed: Promise<void>;
  }>;
  /** Hosts (of agents) that still run, by the records they keep under `agentsDir` (no daemon needed). */
  liveHosts(agentsDir: string): Promise<{ agentId: string; pid: number }[]>;
}

/** For a program that is only parsed or walked (tests, the reference, completion): starts nothing. */
export const NO_DAEMON: DaemonStarter = {
  start: () => Promise.reject(new Error('this program only parses: it starts no daemon')),
  liveHosts: () => Promise.resolve([]),
};

export interface CliDeps {
  version: string;
  /** Absolute path of the bundled entry (dist/wtp.js), for `up --detach`. */
  entry: string;
  nodePath: string;
  daemon: DaemonStarter;
  /** The agent CLIs as a daemon started from here would find them (`wtp doctor` without a daemon). */
  localAgentClis?: () => Promise<AgentClis>;
  /** Whether the native addons load here, and the fix when not (`wtp doctor`). */
  nativeAddons?: () => Promise<{ addons: NativeAddon[]; fix: string }>;
  /** Whether agents can be sandboxed here (bubblewrap, socat, user namespaces), and the fix when not (`wtp doctor`). */
  sandboxProbe?: () => Promise<
    | { ok: true; version: string; detail: string }
    | { ok: false; reason: string; fix: string; version: string | null }
  >;
  /** Creates or upgrades the fleet database's schema (`wtp fleet migrate`), from this process. */
  fleetMigrate?: () => Promise<{ database: string; applied: number[]; schema: number }>;
  env?: WtpEnv;
  /** The environment of the programs it starts (the daemon, git, an opener); default: its own. */
  processEnv?: NodeJS.ProcessEnv;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Everything a command needs: paths, a client, and output in human or `--json` form. */
export class CliContext {
  readonly env: WtpEnv;
  readonly paths: WtpPaths;
  readonly in: NodeJS.ReadStream;
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  readonly processEnv: NodeJS.ProcessEnv;
  json = false;
  /** The exit status the command asks for (runCli returns it; undefined: 0). */
  exitCode: number | undefined;

  constructor(readonly deps: CliDeps) {
    this.env = deps.env ?? readEnv();
    this.paths = resolvePaths(this.env);
    this.processEnv = deps.processEnv ?? processEnvironment();
    this.in = deps.stdin ?? process.stdin;
    this.out = deps.stdout ?? process.stdout;
    this.err = deps.stderr ?? process.stderr;
  }

  /** Whether a person can be asked: stdin and stderr are terminals. */
  get canAsk(): boolean {
    return this.in.isTTY === true && this.err.isTTY === true;
  }

  client(timeoutMs?: number): WtpClient {
    return new WtpClient({
      socketPath: this.paths.apiSocket,
      source: 'cli',
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
  }

  get color(): boolean {
    return !this.env.noColor && this.out.isTTY === true;
  }

  /** The width tables fit: COLUMNS, else the terminal's; null when output is not a terminal (a pipe keeps whole rows). */
  get width(): number | null {
    const n = Number(this.env.columns);
    if (Number.isInteger(n) && n >= 20) return n;
    return this.out.isTTY === true && this.out.columns > 0 ? this.out.columns : null;
  }

  /** Prints a `--json` document (adds `version`); C1 controls and bidi marks in it as `\\u` escapes. */
  emit<N extends CliOutputName>(_name: N, doc: Omit<CliOutput<N>, 'version'>): void {
    this.out.write(`${jsonForTerminal({ version: JSON_VERSION, ...doc })}\n`);
  }

  /**
   * Text for the terminal: the colours the views paint pass (when colours are on);
   * every other control character, whoever put it in the text, is shown as an escape (`\x1b`).
   * Everything `line`, `note` and `write` print goes through it.
   */
  safe(text: string, colours = this.color): string {
    return terminalText(text, { controls: 'show', sgr: colours ? 'palette' : 'none' });
  }

  /**
   * A command's result (what it did or found: `started sh …`, `removed …`, a table) goes to
   * stdout, where a script or a pipe reads it; `note` is for everything else.
   */
  line(text = ''): void {
    this.out.write(`${this.safe(text)}\n`);
  }

  /** Text as it is, but safe (`line` without the newline). */
  write(text: string): void {
    this.out.write(this.safe(text));
  }

  /** Progress and hints (`starting the daemon…`, how to detach) go to stderr; none with --json. */
  note(text: string): void {
    if (!this.json) this.err.write(`${this.safe(text)}\n`);
  }

  /** An error's text on stderr, through the same sanitizer (`colours`: whether it painted any). */
  errorText(text: string, colours: boolean): void {
    this.err.write(this.safe(text, colours));
  }
}
