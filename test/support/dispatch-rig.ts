// The dispatcher with the real task service, registry and governor over in-memory ports, and
// synthetic agents: `create` registers an agent at once; the test (or benchmark) plays its states.
import { Dispatcher, type AgentStarter, type DispatchSettings } from '../../src/core/tasks/dispatcher.js';
import { EventBus } from '../../src/core/model/event-bus.js';
import { AgentRegistry } from '../../src/core/model/registry.js';
import { TaskService } from '../../src/core/tasks/task-service.js';
import { UsageGovernor } from '../../src/core/tasks/usage-governor.js';
import type { BudgetHold } from '../../src/core/usage/budget-limits.js';
import type { TaskRecord } from '../../src/core/model/task-record.js';
import { PROFILES } from '../../src/vendors/registry.js';
import type { AgentState, AgentView, CreateAgentRequest, StateDetail } from '../../src/protocol/agent.js';
import { agentRecord } from './core-fakes.js';
import { REASON_OF } from './report-events.js';
import { FakeClock, flush } from './fake-clock.js';
import { FakeIds, MemoryLogger, MemoryStore } from './fake-ports.js';

export const RIG_WORKSPACE = 'ws-rig';

export class DispatchRig {
  readonly clock = new FakeClock();
  readonly store: MemoryStore;
  readonly bus = new EventBus();
  readonly log = new MemoryLogger();
  readonly registry: AgentRegistry;
  readonly created: CreateAgentRequest[] = [];
  readonly inputs: { agentId: string; text: string }[] = [];
  readonly paused: { agentId: string; paused: boolean }[] = [];
  readonly tasks: TaskService;
  readonly governor: UsageGovernor;
  readonly dispatcher: Dispatcher;
  /** Makes the next `create` calls fail with this message. */
  failCreate: string | null = null;
  /** A budget in money held for a task (issue 35): titles of the held tasks. */
  readonly heldByBudget = new Set<string>();
  /** Called with each `create` request first: what it throws, `create` throws. */
  beforeCreate: ((req: CreateAgentRequest) => void) | null = null;
  /** The synthetic agent service the dispatcher uses. */
  readonly starter: AgentStarter;
  private n = 0;

  /** `retainHistory: false`: the store keeps no commit or event history (benchmarks). */
  constructor(settings: Partial<DispatchSettings> = {}, opts: { retainHistory?: boolean } = {}) {
    this.store = new MemoryStore(() => this.clock.now(), opts.retainHistory ?? true);
    this.registry = new AgentRegistry(this.store, this.bus, this.log);
    const s: DispatchSettings = {
      maxAgentsPerWorkspace: 3,
      defaultProfile: 'cmd',
      retries: 1,
      pauseOnUsageLimit: false,
      ...settings,
    };
    this.governor = new UsageGovernor({
      registry: this.registry,
      profileCatalog: PROFILES,
      bus: this.bus,
      events: this.store,
      clock: this.clock,
      log: this.log,
      pause: (agentId, paused) => {
        this.paused.push({ agentId, paused });
        return true;
      },
      settings: { pauseOnLimit: s.pauseOnUsageLimit },
      onResume: () => void this.dispatcher.tick(),
    });
    this.tasks = new TaskService({
      registry: this.registry,
      ids: new FakeIds(),
      clock: this.clock,
      retries: s.retries,
      dispatch: s,
      governor: this.governor,
      budget: (t) => this.budgetHold(t),
    });
    const starter: AgentStarter = (this.starter = {
      create: async (req) => {
        if (this.failCreate !== null) throw new Error(this.failCreate);
        this.beforeCreate?.(req);
        const id = `ag-${++this.n}`;
        this.created.push(req);
        await this.registry.add(
          agentRecord({
            id,
            name: req.name ?? id,
            profile: req.profile as AgentView['profile'],
            workspaceId: RIG_WORKSPACE,
            state: 'starting',
          }),
          [],
        );
        return { id } as AgentView;
      },
      sendInput: async (ref, text) => {
        this.inputs.push({ agentId: ref, text });
        return Promise.resolve({ bytes: text.length }) as never;
      },
    });
    this.dispatcher = new Dispatcher({
      tasks: this.tasks,
      service: starter,
      registry: this.registry,
      profileCatalog: PROFILES,
      bus: this.bus,
      log: this.log,
      governor: this.governor,
      budget: (t) => this.budgetHold(t),
      settings: s,
    });
  }

  private budgetHold(t: TaskRecord): BudgetHold | undefined {
    if (!this.heldByBudget.has(t.title)) return undefined;
    return { scope: 'task', key: t.id, limitUsd: 1, spentUsd: 1.5, message: `budget of ${t.title} spent` };
  }

  async start(repoPath: string | null = '/repo'): Promise<this> {
    await this.registry.addWorkspace({
      id: RIG_WORKSPACE,
      name: 'default',
      repoPath,
      backend: 'headless',
      template: null,
      createdAt: new Date(this.clock.now()).toISOString(),
    });
    await this.governor.start();
    this.dispatcher.start();
    await this.settle();
    return this;
  }

  stop(): void {
    this.dispatcher.stop();
    this.governor.stop();
  }

  /** Lets the dispatcher's promise chains run. */
  async settle(): Promise<void> {
    await flush(4);
    await this.registry.flush();
    await flush(4);
  }

  /** The agent's state changes, with its event (as the state engine records it). */
  async state(agentId: string, to: AgentState, detail: Partial<StateDetail> = {}): Promise<void> {
    const agent = this.registry.get(agentId);
    if (!agent) throw new Error(`no agent ${agentId}`);
    const full: StateDetail = { reason: REASON_OF[to], ...detail };
    const from = agent.state;
    // The registry persists the record its caller has changed in place (as the state engine does).
    agent.state = to;
    agent.stateDetail = full;
    await this.registry.save(agent, [
      {
        type: 'agent.stateChanged',
        source: 'host',
        agentId,
        workspaceId: agent.workspaceId,
        data: { from, to, detail: full, pid: null },
      },
    ]);
    await this.settle();
  }

  /** An agent CLI's turn: working, then idle. */
  async finishTurn(agentId: string): Promise<void> {
    await this.state(agentId, 'working');
    await this.state(agentId, 'idle');
  }

  async merged(agentId: string): Promise<void> {
    await this.registry.record([
      {
        type: 'agent.merged',
        source: 'cli',
        agentId,
        workspaceId: RIG_WORKSPACE,
        data: { strategy: 'merge', target: 'main', commit: 'c0ffee', test: null },
      },
    ]);
    await this.settle();
  }

  /** A synthetic agent made without the dispatcher (the benchmark's floor). */
  async newAgent(profile = 'cmd'): Promise<string> {
    const view = await this.starter.create({ profile, argv: [], wait: false } as never, 'policy');
    return view.id;
  }

  /** Agent ids whose runs are live, in start order. */
  live(): string[] {
    return this.tasks
      .list()
      .flatMap((t) => t.runs)
      .filter((r) => r.status === 'running')
      .sort(
        (a, b) =>
          a.startedAt.localeCompare(b.startedAt) ||
          a.agentId.localeCompare(b.agentId, 'en', { numeric: true }),
      )
      .map((r) => r.agentId);
  }
}
