// A core wired to fakes, and helpers that play the host's part in tests of src/core.
import { cloneRecord, type AgentRecord } from '../../src/core/model/agent-record.js';
import { createCore, type Core, type CoreAdapters, type CoreSettings } from '../../src/core/create-core.js';
import type { Backend } from '../../src/protocol/constants.js';
import type { RestartSettings } from '../../src/core/lifecycle/restart-policy.js';
import type { CreateAgentRequest, ExitInfo } from '../../src/protocol/agent.js';
import type { EventSource } from '../../src/protocol/events.js';
import type { ExitReport, HostHello } from '../../src/protocol/host.js';
import { PROFILES } from '../../src/vendors/registry.js';
import { NO_PROFILE_SETUP } from '../../src/core/ports/daemon.js';
import { FakeClock, flush } from './fake-clock.js';
import {
  FakeIds,
  FakeInspector,
  FakeLauncher,
  FakeLink,
  FakeOutputLogs,
  FakeMuxes,
  FakePreflight,
  MemoryLogger,
  MemoryStore,
} from './fake-ports.js';

export * from './fake-ports.js';

export const TEST_RESTART: RestartSettings = {
  backoffBaseMs: 100,
  backoffMaxMs: 1_000,
  crashLoopCount: 3,
  crashLoopWindowMs: 10_000,
  stableAfterMs: 1_000,
};

export function testSettings(
  overrides: { restart?: Partial<RestartSettings>; outputTailBytes?: number; defaultBackend?: Backend } = {},
) {
  const settings: CoreSettings = {
    promptQuietMs: 1_500,
    defaultBackend: overrides.defaultBackend ?? 'headless',
    lifecycle: {
      stopGraceMs: 2_000,
      hostConnectTimeoutMs: 5_000,
      hostLostCheckMs: 300,
      restart: { ...TEST_RESTART, ...overrides.restart },
      daemonVersion: '0.0.0-test',
      agentBaseEnv: { PATH: '/usr/bin:/bin', HOME: '/home/test' },
    },
    factory: {
      shell: '/bin/sh',
      pathVar: '/usr/bin:/bin',
      cols: 80,
      rows: 24,
      agentBinaries: { claude: '/opt/claude/bin/claude' },
    },
    service: {
      stopGraceMs: 2_000,
      hostConnectTimeoutMs: 5_000,
      submitDelayMs: 50,
      hostRequestTimeoutMs: 1_500,
    },
    outputTailBytes: overrides.outputTailBytes ?? 1024,
    checkpointIntervalMs: 1_000,
    statsIntervalMs: 2_000,
  };
  return settings;
}

export interface Harness {
  core: Core;
  clock: FakeClock;
  store: MemoryStore;
  launcher: FakeLauncher;
  preflight: FakePreflight;
  inspector: FakeInspector;
  logs: FakeOutputLogs;
  log: MemoryLogger;
  settings: CoreSettings;
  muxes: FakeMuxes;
}

export interface MakeCoreOptions {
  restart?: Partial<RestartSettings>;
  outputTailBytes?: number;
  /** Records already in the store when the core starts (a daemon restart). */
  agents?: AgentRecord[];
  /** Host pids alive before the core starts. */
  aliveHosts?: number[];
  /** Call `core.start()` (default true). */
  start?: boolean;
  /** Backend of the default workspace (and so of the agents created in it). */
  defaultBackend?: Backend;
  /** Git worktrees and review (test/support/fake-git.ts); without it agents run outside git. */
  git?: CoreAdapters['git'];
  /** Sandboxes for agents; without it a request for one is refused. */
  sandbox?: CoreAdapters['sandbox'];
  /** A model for the turn ends the rules are unsure of (issue 36). */
  turnModel?: CoreAdapters['turnModel'];
  /** The CLIs' own session files, for a turn end whose hook brings no message. */
  turnTranscripts?: CoreAdapters['turnTranscripts'];
}

/** A core wired to fakes, started unless `start: false`. */
export async function makeCore(opts: MakeCoreOptions = {}): Promise<Harness> {
  const clock = new FakeClock();
  const store = new MemoryStore(() => clock.now());
  const inspector = new FakeInspector();
  for (const pid of opts.aliveHosts ?? []) inspector.alive.add(pid);
  for (const a of opts.agents ?? []) store.agents.set(a.id, cloneRecord(a));
  if (opts.agents?.length) {
    store.workspaces.set('ws-default', {
      id: 'ws-default',
      name: 'default',
      repoPath: null,
      backend: opts.defaultBackend ?? 'headless',
      template: null,
      createdAt: new Date(clock.now()).toISOString(),
    });
  }
  const launcher = new FakeLauncher(inspector);
  const muxes = new FakeMuxes();
  const preflight = new FakePreflight();
  const logs = new FakeOutputLogs();
  const log = new MemoryLogger();
  const settings = testSettings(opts);
  const core = createCore(
    {
      store,
      events: store,
      launcher,
      preflight,
      inspector,
      logs,
      clock,
      ids: new FakeIds(),
      log,
      muxes,
      profileCatalog: PROFILES,
      profiles: NO_PROFILE_SETUP,
      ...(opts.git ? { git: opts.git } : {}),
      ...(opts.sandbox ? { sandbox: opts.sandbox } : {}),
      ...(opts.turnModel ? { turnModel: opts.turnModel } : {}),
      ...(opts.turnTranscripts ? { turnTranscripts: opts.turnTranscripts } : {}),
    },
    settings,
  );
  if (opts.start ?? true) await core.start();
  return { core, clock, store, launcher, preflight, inspector, logs, log, settings, muxes };
}

/** A persisted agent record, as a previous daemon would have left it. */
export function agentRecord(overrides: Partial<AgentRecord> & { id: string }): AgentRecord {
  return {
    name: overrides.id,
    workspaceId: 'ws-default',
    profile: 'cmd',
    command: '/usr/bin/node',
    args: [],
    cwd: '/work',
    env: {},
    restart: 'never',
    backend: 'headless',
    state: 'running',
    stateDetail: { reason: 'spawned' },
    stateSince: Date.UTC(2024, 11, 31),
    pid: 7000,
    hostPid: 6000,
    hostIdentity: '6000@1',
    paneId: null,
    lastExit: null,
    restarts: 0,
    createdAt: Date.UTC(2024, 11, 31),
    startedAt: Date.UTC(2024, 11, 31),
    outputSeq: 0,
    cols: 80,
    rows: 24,
    version: null,
    sessionId: null,
    forkSession: null,
    profileArgs: [],
    worktree: null,
    ...overrides,
  };
}

/** A create request for the `cmd` profile running `node`, not waiting. */
export function cmdRequest(overrides: Partial<CreateAgentRequest> = {}): CreateAgentRequest {
  return {
    profile: 'cmd',
    cwd: '/work',
    restart: 'never',
    argv: ['node'],
    env: {},
    wait: false,
    ...overrides,
  };
}

export interface ConnectOptions {
  hostPid: number;
  child?: { pid: number; startedAt: number } | null;
  pendingExit?: ExitReport | null;
  outputSeq?: number;
  bufferedFrom?: number;
  link?: FakeLink;
  /** The pane the host says it runs in. */
  pane?: string | null;
  /** What the host says it last spawned. */
  spawned?: HostHello['spawned'];
}

/** A host says hello for `agentId`; resolves once the core has handled it. */
export async function connectHost(
  core: Core,
  agentId: string,
  o: ConnectOptions,
): Promise<{ link: FakeLink; accepted: boolean }> {
  const link = o.link ?? new FakeLink(o.hostPid);
  const hello: HostHello = {
    type: 'hello',
    protocol: 1,
    agentId,
    hostPid: o.hostPid,
    hostVersion: '0.0.0-test',
    child: o.child ?? null,
    pendingExit: o.pendingExit ?? null,
    outputSeq: o.outputSeq ?? 0,
    bufferedFrom: o.bufferedFrom ?? 0,
    cols: 80,
    rows: 24,
    pane: o.pane ?? null,
    ...(o.spawned === undefined ? {} : { spawned: o.spawned }),
  };
  const accepted = await core.sessions.hello(link, hello);
  await flush();
  return { link, accepted };
}

/** The host reports that it started the agent process. */
export async function reportSpawned(h: Harness, agentId: string, pid: number): Promise<void> {
  h.core.sessions.message(agentId, { type: 'spawned', pid, startedAt: h.clock.now() });
  await flush();
}

/** The host reports that the agent process ended. */
export async function reportExit(h: Harness, agentId: string, pid: number, exit: ExitInfo): Promise<void> {
  h.core.sessions.message(agentId, { type: 'exited', report: { pid, exit, at: h.clock.now() } });
  await flush();
}

export const exitCode = (code: number): ExitInfo => ({ exitCode: code, signal: null });
export const killedBy = (signal: string): ExitInfo => ({ exitCode: null, signal });

/** Creates an agent and takes it to `running`: launch, hello, spawn, spawned (pid 9001 unless given). */
export async function startAgent(
  h: Harness,
  req: Partial<CreateAgentRequest> = {},
  source: EventSource = 'cli',
  pid = 9001,
): Promise<{ id: string; link: FakeLink; hostPid: number }> {
  const view = await h.core.service.create(cmdRequest(req), source);
  const hostPid = agentOf(h, view.id).hostPid;
  if (hostPid === null) throw new Error('the launcher gave no host pid');
  const { link } = await connectHost(h.core, view.id, { hostPid });
  await reportSpawned(h, view.id, pid);
  return { id: view.id, link, hostPid };
}

/** The agent record as the core holds it now (throws if it is gone). */
export function agentOf(h: Harness, id: string): AgentRecord {
  const a = h.core.registry.get(id);
  if (!a) throw new Error(`no agent ${id}`);
  return a;
}

/** `[from, to, reason, source]` of every state change of an agent, oldest first. */
export function transitions(h: Harness, id: string): [string | null, string, string, string][] {
  return h.store
    .ofType('agent.stateChanged', id)
    .map((e) => [e.data.from, e.data.to, e.data.detail.reason, e.source]);
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);
