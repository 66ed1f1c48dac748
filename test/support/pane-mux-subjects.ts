import { processAdapters } from '../../src/daemon/process-adapters.js';
import type { InspectorKind } from '../../src/config/process-inspector.js';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { HeadlessMux } from '../../src/adapters/headless/headless-mux.js';
import { TmuxMux } from '../../src/adapters/tmux/tmux-mux.js';
import { WeztermMux } from '../../src/adapters/wezterm/wezterm-mux.js';
import { tmuxSocketPath } from '../../src/config/paths.js';
import type { PaneInfo, PaneMux, PaneSpec } from '../../src/core/ports/panes.js';
import { startFakeWezterm } from './fake-wezterm.js';
import { eventually } from './harness.js';
import { isAlive, killAll } from './processes.js';

const run = promisify(execFile);

/** Where the backends honestly differ; tests branch on these, never on the backend's name. */
export interface Capabilities {
  /** `PaneInfo.agentId` shows `PaneSpec.agentId` (WezTerm's `list` cannot: wezterm#3675). */
  agentIdInList: boolean;
  /** `SpawnedPane.pid` is the program's pid (`wezterm cli spawn` prints only the pane id). */
  pidAtSpawn: boolean;
  /** `PaneInfo.pid` is the program's pid. */
  pidInList: boolean;
  /** Splits honour direction and size, and the subject can read pane geometry. */
  layout: boolean;
  /** `PaneInfo.active` follows `focus` (headless panes have no tabs to be active in). */
  activePane: boolean;
  /** `list` shows a title given by `setTitle` or `PaneSpec.title`. */
  titles: boolean;
  /** A second `openWorkspace` with a taken name: WORKSPACE_EXISTS, or one more pane there. */
  duplicateWorkspace: 'rejects' | 'adds-pane';
}

/** A pane's place in its tab, in cells. */
export interface Geometry {
  cols: number;
  rows: number;
  left: number;
  top: number;
}

/** One running backend under test. */
export interface Subject {
  readonly mux: PaneMux;
  /** Geometry of every pane by id, read from the backend itself (only when `layout`). */
  geometry(): Promise<Map<string, Geometry>>;
  /** Ends the backend and everything it runs. */
  stop(): Promise<void>;
}

export interface SubjectFactory {
  name: string;
  caps: Capabilities;
  start(): Promise<Subject>;
}

const hex = (): string => randomBytes(4).toString('hex');

function processEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

const tmux: SubjectFactory = {
  name: 'tmux',
  caps: {
    agentIdInList: true,
    pidAtSpawn: true,
    pidInList: true,
    layout: true,
    activePane: true,
    titles: true,
    duplicateWorkspace: 'rejects',
  },
  start() {
    const socketName = `wtp-conf-${hex()}`;
    const tmuxCmd = (...args: string[]) => run('tmux', ['-L', socketName, ...args], { env: process.env });
    return Promise.resolve({
      mux: new TmuxMux({ socketName, env: processEnv() }),
      async geometry() {
        const format = '#{pane_id} #{pane_width} #{pane_height} #{pane_left} #{pane_top}';
        const { stdout } = await tmuxCmd('list-panes', '-a', '-F', format);
        return parseGeometry(stdout);
      },
      async stop() {
        const noServer = (err: { stderr?: string }) => {
          if (!/no server running|error connecting|server exited/.test(err.stderr ?? '')) throw err;
        };
        const server = await tmuxCmd('display-message', '-p', '#{pid}').then(
          (r) => Number(r.stdout),
          noServer,
        );
        await tmuxCmd('kill-server').catch(noServer);
        if (server) await eventually('the tmux server to exit', () => !isAlive(server));
        // tmux 3.3 leaves its socket behind, also when the server exits with its last session.
        rmSync(tmuxSocketPath(socketName, process.env.TMUX_TMPDIR, process.getuid?.() ?? 0), { force: true });
      },
    });
  },
};

const wezterm: SubjectFactory = {
  name: 'wezterm (fake)',
  caps: {
    agentIdInList: false,
    pidAtSpawn: false,
    pidInList: false,
    layout: true,
    activePane: true,
    titles: true,
    duplicateWorkspace: 'adds-pane',
  },
  async start() {
    const fake = await startFakeWezterm();
    const weztermPath = join(fake.binDir, 'wezterm');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(fake.env)) if (v !== undefined) env[k] = v;
    return {
      mux: new WeztermMux({ weztermPath, env }),
      async geometry() {
        const { stdout } = await run(weztermPath, ['cli', '--no-auto-start', 'list', '--format', 'json'], {
          env: fake.env,
        });
        const rows = JSON.parse(stdout) as {
          pane_id: number;
          size: { cols: number; rows: number };
          left_col: number;
          top_row: number;
        }[];
        return new Map(
          rows.map((r) => [
            String(r.pane_id),
            { cols: r.size.cols, rows: r.size.rows, left: r.left_col, top: r.top_row },
          ]),
        );
      },
      stop: () => fake.stop(),
    };
  },
};

/** The headless backend over one kind of process inspector (/proc, or `ps` as on macOS). */
const headlessWith = (kind: InspectorKind): SubjectFactory => ({
  name: kind === 'procfs' ? 'headless' : 'headless (portable: ps)',
  caps: {
    agentIdInList: true,
    pidAtSpawn: true,
    pidInList: true,
    layout: false,
    activePane: false,
    titles: true,
    duplicateWorkspace: 'adds-pane',
  },
  start() {
    const owner = mkdtempSync(join(tmpdir(), 'wtp-test-headless-owner-'));
    const { facts } = processAdapters(kind);
    const mux = new HeadlessMux({ env: processEnv(), owner, facts, environments: kind === 'procfs' });
    return Promise.resolve({
      mux,
      geometry: () => Promise.reject(new Error('headless panes have no geometry')),
      async stop() {
        for (const p of await mux.list()) await mux.kill(p.id).catch(() => undefined);
        await eventually('headless panes to exit', async () => (await mux.list()).length === 0);
        rmSync(owner, { recursive: true, force: true });
      },
    });
  },
});

/** Every PaneMux adapter, for `describe.each`. */
export const SUBJECTS: SubjectFactory[] = [tmux, wezterm, headlessWith('procfs'), headlessWith('portable')];

function parseGeometry(stdout: string): Map<string, Geometry> {
  const out = new Map<string, Geometry>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [id = '', cols, rows, left, top] = line.split(' ');
    out.set(id, { cols: Number(cols), rows: Number(rows), left: Number(left), top: Number(top) });
  }
  return out;
}

/** Pids of the processes whose working directory is `dir` or below it. */
function processesIn(dir: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) out.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** What a probe program saw when it started. */
export interface Report {
  pid: number;
  /** `pwd -P`. */
  cwd: string;
  /** Its arguments after the probe's own (`"$@"`). */
  args: string[];
  /** The probe variables it had (absent = unset). */
  env: Partial<Record<ProbeVar, string>>;
  /** `child` mode: the pid of the process it started. */
  child?: number;
}

export const PROBE_VARS = ['WTP_CONF_VALUE', 'WTP_CONF_OTHER'] as const;
export type ProbeVar = (typeof PROBE_VARS)[number];

/**
 * `sleep`: stays up. `wait-go`: exits once `<out>.go` exists. `child`: starts a `sleep` and waits for it.
 * The report is written to `<out>.tmp/` and renamed to `<out>/`, so it is never seen half-written.
 */
export type ProbeMode = 'sleep' | 'wait-go' | 'child';

/** Shell that writes the report for `$out`, then goes on as `mode` says. */
function probeScript(mode: ProbeMode): string {
  return [
    mode === 'child' ? 'sleep 300 & c=$!' : '',
    't="$out.tmp"; mkdir "$t"',
    'printf %s "$$" > "$t/pid"',
    'pwd -P > "$t/cwd"',
    `printf %s "$#" > "$t/argc"; printf '%s\\0' "$@" > "$t/args"`,
    ...PROBE_VARS.map((v) => `if [ -n "\${${v}+set}" ]; then printf %s "$${v}" > "$t/env.${v}"; fi`),
    mode === 'child' ? 'printf %s "$c" > "$t/child"' : '',
    'mv "$t" "$out"',
    TAILS[mode],
  ]
    .filter(Boolean)
    .join('\n');
}

const TAILS: Record<ProbeMode, string> = {
  sleep: 'exec sleep 300',
  'wait-go': 'while [ ! -e "$out.go" ]; do sleep 0.05; done; exit 0',
  child: 'wait',
};

/** A probe program: a pane spec plus ways to read what the program saw and to end it. */
export interface Probe {
  spec: PaneSpec;
  /** Waits for the program's report. */
  report(): Promise<Report>;
  /** `wait-go`: lets the program exit. */
  release(): void;
}

/** Per-file fixture: one subject, temp folders, unique workspace names, and every pid seen. */
export interface Fixture {
  readonly mux: PaneMux;
  readonly subject: Subject;
  /** A workspace name no other test uses; closed after the test. */
  workspace(): string;
  /** A fresh directory (its name has a space and a `$`). */
  dir(): string;
  probe(opts?: {
    mode?: ProbeMode;
    env?: Record<string, string>;
    args?: string[];
    agentId?: string;
    title?: string;
  }): Probe;
  /** An executable file that reports like a probe (`sleep` mode) when run with no arguments. */
  executable(where: string): { path: string; report(): Promise<Report> };
  /** The listed panes of one workspace. */
  panesOf(workspace: string): Promise<PaneInfo[]>;
  /** Remembers pids the test must see gone by the end of the file. */
  track(...pids: (number | null | undefined)[]): void;
}

/**
 * Registers the hooks for one subject: started before the file's tests, workspaces closed after
 * each test, and at the end the backend stopped and every program seen checked gone.
 */
export function useSubject(factory: SubjectFactory): Fixture {
  let subject: Subject | undefined;
  let root = '';
  let counter = 0;
  const workspaces: string[] = [];
  const pids = new Set<number>();
  const track = (...list: (number | null | undefined)[]) => {
    for (const p of list) if (typeof p === 'number') pids.add(p);
  };

  beforeAll(async () => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'wtp-test-panemux-')));
    subject = await factory.start();
  });
  afterEach(async () => {
    for (const ws of workspaces.splice(0)) await subject?.mux.closeWorkspace(ws).catch(() => undefined);
  });
  afterAll(async () => {
    await subject?.stop();
    // Every probe runs in a folder under root: what still runs there was left behind.
    const alive = () => [...new Set([...pids, ...processesIn(root)])].filter(isAlive);
    await eventually('every pane program to exit', () => alive().length === 0, 10_000).catch(() => undefined);
    const leaked = alive();
    killAll(leaked);
    rmSync(root, { recursive: true, force: true });
    expect(leaked, `programs left running by ${factory.name}`).toEqual([]);
  });

  const dir = (): string => {
    const d = join(root, `d${++counter} $x`);
    mkdirSync(d);
    return d;
  };

  const readReport = async (out: string): Promise<Report> => {
    const r = await eventually(`the program's report in ${out}`, () => existsSync(out), 30_000).then(() => ({
      pid: Number(readFileSync(join(out, 'pid'), 'utf8')),
      cwd: readFileSync(join(out, 'cwd'), 'utf8').replace(/\n$/, ''),
      args:
        readFileSync(join(out, 'argc'), 'utf8') === '0'
          ? []
          : readFileSync(join(out, 'args'), 'utf8').split('\0').slice(0, -1),
      env: Object.fromEntries(
        PROBE_VARS.filter((v) => existsSync(join(out, `env.${v}`))).map((v) => [
          v,
          readFileSync(join(out, `env.${v}`), 'utf8'),
        ]),
      ),
      ...(existsSync(join(out, 'child')) ? { child: Number(readFileSync(join(out, 'child'), 'utf8')) } : {}),
    }));
    track(r.pid, r.child);
    return r;
  };

  return {
    get mux() {
      if (!subject) throw new Error('subject not started');
      return subject.mux;
    },
    get subject() {
      if (!subject) throw new Error('subject not started');
      return subject;
    },
    workspace() {
      const ws = `conf-${++counter}-${hex()}`;
      workspaces.push(ws);
      return ws;
    },
    dir,
    probe(opts = {}) {
      const mode = opts.mode ?? 'sleep';
      const out = join(root, `report-${++counter}`);
      const spec: PaneSpec = {
        argv: ['sh', '-c', `out=$1; shift\n${probeScript(mode)}`, 'probe', out, ...(opts.args ?? [])],
        cwd: dir(),
        env: opts.env ?? { WTP_CONF_VALUE: `value-${counter}` },
        ...(opts.agentId === undefined ? {} : { agentId: opts.agentId }),
        ...(opts.title === undefined ? {} : { title: opts.title }),
      };
      return { spec, report: () => readReport(out), release: () => writeFileSync(`${out}.go`, '') };
    },
    executable(where) {
      const out = join(root, `report-${++counter}`);
      const path = join(where, 'probe prog');
      const quoted = `'${out.replace(/'/g, `'\\''`)}'`;
      writeFileSync(path, `#!/bin/sh\nout=${quoted}\n${probeScript('sleep')}\n`);
      chmodSync(path, 0o755);
      return { path, report: () => readReport(out) };
    },
    async panesOf(workspace) {
      if (!subject) throw new Error('subject not started');
      return (await subject.mux.list()).filter((p) => p.workspace === workspace);
    },
    track,
  };
}
