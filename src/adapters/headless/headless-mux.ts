import { spawn } from 'node:child_process';
import { appError } from '../../protocol/error-messages.js';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ProcessFacts } from '../../core/ports/daemon.js';
import type { PaneInfo, PaneMux, PaneSpec, SpawnedPane } from '../../core/ports/panes.js';
import type { ClosedPanesRead } from '../../protocol/host-group.js';
import { processesWithEnv } from '../proc-environ.js';
import type { ServedPane } from '../held-pane.js';
import { closedPanesFile, GoneGroupWords, readClosedPanes, servedPanesFile } from './closed-panes.js';
import {
  groupMembers,
  paneOf,
  readRecords,
  removeGroupFiles,
  writeRecord,
  type Known,
} from './pane-records.js';
import { groupRequest } from './group-request.js';

/** A pane's stderr file beyond this size starts over at the next launch. */
const STDERR_MAX_BYTES = 1024 * 1024;
/** Environment variable that marks our headless "panes": `<owner>\t<workspace>\t<agent id>[\tgroup]`. */
const MARK = 'WTP_HEADLESS_PANE';
/** How long the daemon waits for a host group to take an agent or close one. */
const GROUP_REQUEST_MS = 5_000;
/** Unix socket paths longer than this do not bind everywhere (sun_path is 104 bytes on macOS). */
const SOCKET_PATH_MAX = 100;

/**
 * Headless backend: a "pane" is a process started detached in its own session (setsid), so neither
 * a daemon crash nor a Ctrl-C in the daemon's terminal reaches it. Layout calls are ignored. After a
 * restart, panes are found again through the record each start writes in the state dir (`headless/`:
 * pid, start time) checked against the process table, and, with /proc, through the mark in their
 * environment (panes of earlier versions). With `groups`, one workspace's hosts share a process: an
 * agent's "pane" is `h-<group pid>/<agent id>`, listed from the file the group keeps.
 */
export class HeadlessMux implements PaneMux {
  readonly backend = 'headless' as const;
  private readonly titles = new Map<string, string>();
  private readonly known = new Map<number, Known>();
  /** One start or join at a time per workspace, so its agents land in one group. */
  private readonly joining = new Map<string, Promise<unknown>>();
  private readonly goneWords = new GoneGroupWords();

  /** `owner` tells this daemon's processes apart from another WTP_HOME's (its state dir). */
  constructor(
    private readonly o: {
      env: Record<string, string>;
      owner: string;
      facts: ProcessFacts;
      /** Whether other processes' environments can be read (/proc): finds panes of earlier versions. */
      environments: boolean;
      /** Hosts of one workspace share a process (`agents.hostProcess: workspace`). */
      groups?: boolean;
    },
  ) {}

  private get records(): string {
    return join(this.o.owner, 'headless');
  }

  /**
   * Where this mux's host groups keep their sockets (and a tmux pane's FIFO), or null when a
   * socket path there would be too long to bind.
   */
  get groupDir(): string | null {
    return join(this.records, 'g-000000000000.sock').length > SOCKET_PATH_MAX ? null : this.records;
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
      if (stat && !stat.zombie && stat.start === r.start) {
        const { pid: _pid, ...known } = r;
        this.known.set(r.pid, known);
      } else {
        rmSync(join(this.records, `${r.pid}.json`), { force: true });
        if (r.group) {
          this.goneWords.keep(r.pid, r.group.socket);
          removeGroupFiles(r.group.socket);
        }
      }
    }
    // Panes started before the records (environments are readable in /proc only).
    if (this.o.environments)
      for (const { pid, value } of processesWithEnv(MARK)) {
        const [owner, workspace = '', agentId = '', kind = ''] = value.split('\t');
        const stat = this.o.facts.stat(pid);
        // The pane leads its session (setsid); what it starts inherits the mark but is not a pane.
        // A group is known by its record only: its agents are listed in the file it keeps.
        if (owner === this.o.owner && stat?.leader && kind !== 'group' && !this.known.has(pid))
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
      if (pane.group) {
        for (const member of groupMembers(pane.group.members) ?? (agentId ? [agentId] : []))
          panes.push({
            ...paneOf(`${id}/${member}`, workspace, member, pid),
            title: this.titles.get(`${id}/${member}`) ?? '',
          });
        continue;
      }
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

  /** The panes the group `pid` let go of because they were closed by hand (it may be gone since). */
  async closedPanes(pid: number): Promise<ClosedPanesRead> {
    await this.list();
    const group = this.known.get(pid)?.group;
    return this.goneWords.of(pid) ?? (group ? readClosedPanes(closedPanesFile(group.socket)) : { panes: [] });
  }

  /**
   * The panes the live groups serve, as each says; a pane named with another group's pid is not
   * believed.
   */
  async servedPanes(): Promise<ServedPane[]> {
    await this.list();
    const out: ServedPane[] = [];
    for (const [pid, { group, workspace }] of this.known) {
      if (!group) continue;
      const read = readClosedPanes(servedPanesFile(group.socket));
      if ('panes' in read)
        for (const p of read.panes)
          if (p.pane.endsWith(`/${pid}`)) out.push({ pane: p.pane, agent: p.agent, pid, workspace });
    }
    return out;
  }

  /** Closing a pane hangs up its program's process group, as a terminal closing would. */
  async kill(paneId: string): Promise<void> {
    const pane = this.require(await this.list(), paneId);
    const pid = pane.pid;
    const group = pid === null ? undefined : this.known.get(pid)?.group;
    if (group && pid !== null && pane.agentId !== null) {
      const reply = await groupRequest(
        group.socket,
        { op: 'close', agent: pane.agentId },
        { timeoutMs: GROUP_REQUEST_MS, alive: () => this.groupAlive(pid) },
      ).catch(() => null);
      if (!reply?.ok) throw appError('PANE_NOT_FOUND', { terminal: 'headless', pane: paneId });
      this.titles.delete(paneId);
      return;
    }
    try {
      if (pane.pid === null) throw new Error('no pid');
      process.kill(-pane.pid, 'SIGHUP');
    } catch {
      throw appError('PANE_NOT_FOUND', { terminal: 'headless', pane: paneId });
    }
    this.titles.delete(paneId);
  }

  async closeWorkspace(workspace: string): Promise<void> {
    for (const p of await this.list())
      if (p.workspace === workspace) await this.kill(p.id).catch(() => undefined);
  }

  private require(panes: PaneInfo[], paneId: string): PaneInfo {
    const pane = panes.find((p) => p.id === paneId);
    if (!pane) throw appError('PANE_NOT_FOUND', { terminal: 'headless', pane: paneId });
    return pane;
  }

  private start(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    if (this.o.groups && spec.hostArgs && spec.agentId) {
      const agentId = spec.agentId;
      const hostArgs = spec.hostArgs;
      const next = (this.joining.get(workspace) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => this.join(workspace, agentId, hostArgs, spec));
      this.joining.set(workspace, next);
      return next;
    }
    return this.startProcess(workspace, spec, null);
  }

  /** Whether the group process `pid` is still the one recorded (not gone, its pid not reused). */
  private groupAlive(pid: number): boolean {
    return this.o.facts.stat(pid)?.start === this.known.get(pid)?.start;
  }

  /** Adds the agent to the workspace's host group, or starts a group with it. */
  private async join(
    workspace: string,
    agentId: string,
    hostArgs: string[],
    spec: PaneSpec,
  ): Promise<SpawnedPane> {
    await this.list();
    for (const [pid, k] of this.known) {
      if (!k.group || k.workspace !== workspace) continue;
      const reply = await groupRequest(
        k.group.socket,
        { op: 'add', args: hostArgs },
        { timeoutMs: GROUP_REQUEST_MS, alive: () => this.groupAlive(pid) },
      ).catch(() => null);
      if (reply?.ok) {
        if (spec.title) this.titles.set(`h-${pid}/${agentId}`, spec.title);
        return { id: `h-${pid}/${agentId}`, pid };
      }
      if (reply && reply.code !== 'closing')
        throw new Error(`the host group of workspace ${workspace} refused the agent: ${reply.message}`);
    }
    const name = `g-${randomBytes(6).toString('hex')}`;
    const socket = join(this.records, `${name}.sock`);
    // A state dir too deep for a socket path: this agent gets a host process of its own.
    if (socket.length > SOCKET_PATH_MAX) return this.startProcess(workspace, spec, null);
    mkdirSync(this.records, { recursive: true, mode: 0o700 });
    const group = { socket, members: join(this.records, `${name}.members`) };
    const prefix = spec.argv.slice(0, spec.argv.length - hostArgs.length);
    const pane = await this.startProcess(
      workspace,
      {
        argv: [...prefix, '--group', group.socket, '--members', group.members, ...hostArgs],
        cwd: this.o.owner,
        env: {},
        agentId,
        stderrFile: join(this.records, `${name}.stderr`),
      },
      group,
    );
    const id = `${pane.id}/${agentId}`;
    if (spec.title) this.titles.set(id, spec.title);
    return { id, pid: pane.pid };
  }

  private startProcess(
    workspace: string,
    spec: PaneSpec,
    group: { socket: string; members: string } | null,
  ): Promise<SpawnedPane> {
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
        env: {
          ...this.o.env,
          ...spec.env,
          [MARK]: `${this.o.owner}\t${workspace}\t${spec.agentId ?? ''}${group ? '\tgroup' : ''}`,
        },
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
            const pane: Known = {
              start: stat.start,
              workspace,
              agentId: spec.agentId ?? null,
              ...(group ? { group } : {}),
            };
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
