import { spawn } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { ProcessFacts } from '../../core/ports/daemon.js';
import type { PaneInfo, PaneMux, PaneSpec, SpawnedPane } from '../../core/ports/panes.js';
import { processesWithEnv } from '../proc-environ.js';

/** A pane's stderr file beyond this size starts over at the next launch. */
const STDERR_MAX_BYTES = 1024 * 1024;
/** Environment variable that marks our headless "panes": `<owner>\t<workspace>\t<agent id>`. */
const MARK = 'WTP_HEADLESS_PANE';

/**
 * Headless backend: a "pane" is a process started detached in its own session (setsid),
 * so neither a daemon crash nor a Ctrl-C in the daemon's terminal reaches it. Layout calls
 * are accepted and ignored; panes are found again after a restart through the record each
 * start writes in the state dir (pid, start time; `headless/`), checked against the process
 * table, and, with /proc, through the mark in their environment (panes of earlier versions).
 */
export class HeadlessMux implements PaneMux {
  readonly backend = 'headless' as const;
  private readonly titles = new Map<string, string>();
  private readonly known = new Map<number, { start: string; workspace: string; agentId: string | null }>();

  /** `owner` tells this daemon's processes apart from another WTP_HOME's (its state dir). */
  constructor(
    private readonly o: {
      env: Record<string, string>;
      owner: string;
      facts: ProcessFacts;
      /** Whether other processes' environments can be read (/proc): finds panes of earlier versions. */
      environments: boolean;
    },
  ) {}

  private get records(): string {
    return join(this.o.owner, 'headless');
  }

  openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.start(workspace, spec);
  }

  spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.start(workspace, spec);
  }

  async splitPane(target: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.start(this.require(await this.list(), target).workspace, spec);
  }

  async focus(paneId: string): Promise<void> {
    this.require(await this.list(), paneId);
  }

  async setTitle(paneId: string, title: string): Promise<void> {
    this.require(await this.list(), paneId);
    this.titles.set(paneId, title);
  }

  /**
   * Panes are found by the mark in their environment (after a restart too) and then kept by pid
   * and start time, which survive exec: a program in the middle of exec shows an empty environment.
   */
  list(): Promise<PaneInfo[]> {
    for (const r of readRecords(this.records)) {
      const stat = this.o.facts.stat(r.pid);
      if (stat && !stat.zombie && stat.start === r.start)
        this.known.set(r.pid, { start: r.start, workspace: r.workspace, agentId: r.agentId });
      else rmSync(join(this.records, `${r.pid}.json`), { force: true });
    }
    // Panes started before the records (environments are readable in /proc only).
    if (this.o.environments)
      for (const { pid, value } of processesWithEnv(MARK)) {
        const [owner, workspace = '', agentId = ''] = value.split('\t');
        const stat = this.o.facts.stat(pid);
        // The pane leads its session (setsid); what it starts inherits the mark but is not a pane.
        if (owner === this.o.owner && stat?.leader)
          this.known.set(pid, { start: stat.start, workspace, agentId: agentId || null });
      }
    const panes: PaneInfo[] = [];
    for (const [pid, pane] of this.known) {
      const id = `h-${pid}`;
      const stat = this.o.facts.stat(pid);
      if (!stat || stat.zombie || stat.start !== pane.start) {
        this.known.delete(pid);
        this.titles.delete(id);
        continue;
      }
      const { workspace, agentId } = pane;
      panes.push({
        id,
        workspace,
        title: this.titles.get(id) ?? '',
        agentId,
        pid,
        active: false,
        ours: true,
      });
    }
    return Promise.resolve(panes);
  }

  /** Closing a pane hangs up its program's process group, as a terminal closing would. */
  async kill(paneId: string): Promise<void> {
    const pane = this.require(await this.list(), paneId);
    try {
      if (pane.pid === null) throw new Error('no pid');
      process.kill(-pane.pid, 'SIGHUP');
    } catch {
      throw new AppError('PANE_NOT_FOUND', `Pane ${paneId} does not exist.`, { pane: paneId });
    }
    this.titles.delete(paneId);
  }

  async closeWorkspace(workspace: string): Promise<void> {
    for (const p of await this.list())
      if (p.workspace === workspace) await this.kill(p.id).catch(() => undefined);
  }

  private require(panes: PaneInfo[], paneId: string): PaneInfo {
    const pane = panes.find((p) => p.id === paneId);
    if (!pane) throw new AppError('PANE_NOT_FOUND', `Pane ${paneId} does not exist.`, { pane: paneId });
    return pane;
  }

  private start(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    const [file, ...args] = spec.argv;
    if (file === undefined) return Promise.reject(new Error('empty argv'));
    let errFd: number | 'ignore' = 'ignore';
    if (spec.stderrFile) {
      mkdirSync(dirname(spec.stderrFile), { recursive: true, mode: 0o700 });
      let flags = 'a';
      try {
        if (statSync(spec.stderrFile).size > STDERR_MAX_BYTES) flags = 'w';
      } catch {
        // new file
      }
      errFd = openSync(spec.stderrFile, flags, 0o600);
    }
    try {
      const child = spawn(file, args, {
        detached: true,
        stdio: ['ignore', 'ignore', errFd],
        env: { ...this.o.env, ...spec.env, [MARK]: `${this.o.owner}\t${workspace}\t${spec.agentId ?? ''}` },
        cwd: spec.cwd,
      });
      return new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('spawn', () => {
          child.unref();
          if (child.pid === undefined) return reject(new Error('no pid'));
          const id = `h-${child.pid}`;
          const stat = this.o.facts.stat(child.pid);
          if (stat) {
            const pane = { start: stat.start, workspace, agentId: spec.agentId ?? null };
            this.known.set(child.pid, pane);
            writeRecord(this.records, { pid: child.pid, ...pane });
          }
          if (spec.title) this.titles.set(id, spec.title);
          resolve({ id, pid: child.pid });
        });
      });
    } finally {
      if (typeof errFd === 'number') closeSync(errFd);
    }
  }
}

interface PaneRecord {
  pid: number;
  start: string;
  workspace: string;
  agentId: string | null;
}

/** `headless/<pid>.json` (0600): how a restarted daemon finds this pane again, without reading its environment. */
function writeRecord(dir: string, r: PaneRecord): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, `${r.pid}.json`), JSON.stringify(r), { mode: 0o600 });
}

function readRecords(dir: string): PaneRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const r = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Partial<PaneRecord>;
      return typeof r.pid === 'number' && typeof r.start === 'string' && typeof r.workspace === 'string'
        ? [{ pid: r.pid, start: r.start, workspace: r.workspace, agentId: r.agentId ?? null }]
        : [];
    } catch {
      return []; // half-written or foreign: not a pane
    }
  });
}
