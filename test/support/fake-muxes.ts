import { AppError } from '../../src/core/errors.js';
import type {
  ClosedByHand,
  MuxRegistry,
  PaneInfo,
  PaneMux,
  PaneSize,
  PaneSpec,
  SpawnedPane,
  SplitDirection,
} from '../../src/core/ports/panes.js';
import type { Backend } from '../../src/protocol/constants.js';

// In-memory PaneMux fakes for the core's tests (re-exported by fake-ports.ts).

/** A mux that records what it is asked to do; `failAt` makes the nth create call fail. */
export class FakeMux implements PaneMux {
  readonly calls: { op: string; args: unknown[] }[] = [];
  readonly panes = new Map<string, { workspace: string; title: string; agentId?: string | null }>();
  failAt: number | null = null;
  /** Set, the backend keeps host groups' word on panes closed by hand (tmux); unset, it has none. */
  closedByHand?: (paneId: string, agentId: string) => Promise<ClosedByHand>;
  private creates = 0;
  private next = 100;

  constructor(readonly backend: Backend) {}

  openWorkspace(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.create('openWorkspace', workspace, spec, [workspace, spec]);
  }

  spawnPane(workspace: string, spec: PaneSpec): Promise<SpawnedPane> {
    return this.create('spawnPane', workspace, spec, [workspace, spec]);
  }

  splitPane(
    target: string,
    spec: PaneSpec,
    direction: SplitDirection,
    size?: PaneSize,
  ): Promise<SpawnedPane> {
    const ws = this.panes.get(target)?.workspace ?? '?';
    return this.create('splitPane', ws, spec, [target, spec, direction, size]);
  }

  focus(paneId: string): Promise<void> {
    this.calls.push({ op: 'focus', args: [paneId] });
    return Promise.resolve();
  }

  setTitle(paneId: string, title: string): Promise<void> {
    this.calls.push({ op: 'setTitle', args: [paneId, title] });
    return Promise.resolve();
  }

  list(): Promise<PaneInfo[]> {
    return Promise.resolve(
      [...this.panes.entries()].map(([id, p]) => ({
        id,
        workspace: p.workspace,
        title: p.title,
        agentId: p.agentId ?? null,
        pid: null,
        active: false,
        ours: true,
      })),
    );
  }

  kill(paneId: string): Promise<void> {
    this.calls.push({ op: 'kill', args: [paneId] });
    this.panes.delete(paneId);
    return Promise.resolve();
  }

  closeWorkspace(workspace: string): Promise<void> {
    this.calls.push({ op: 'closeWorkspace', args: [workspace] });
    for (const [id, p] of this.panes) if (p.workspace === workspace) this.panes.delete(id);
    return Promise.resolve();
  }

  private create(op: string, workspace: string, spec: PaneSpec, args: unknown[]): Promise<SpawnedPane> {
    this.calls.push({ op, args });
    this.creates += 1;
    if (this.failAt === this.creates) {
      return Promise.reject(new AppError('MUX_COMMAND_FAILED', `${op} failed (test)`, { op }));
    }
    const id = `m-${this.next++}`;
    this.panes.set(id, { workspace, title: spec.title ?? '', agentId: spec.agentId ?? null });
    return Promise.resolve({ id, pid: null });
  }
}

/** Every backend available, each a FakeMux. */
export class FakeMuxes implements MuxRegistry {
  readonly muxes = new Map<Backend, FakeMux>();
  readonly unavailable = new Set<Backend>();

  get(backend: Backend): FakeMux {
    if (this.unavailable.has(backend)) {
      throw new AppError('BACKEND_UNAVAILABLE', `no ${backend} here (test)`, { backend });
    }
    let m = this.muxes.get(backend);
    if (!m) {
      m = new FakeMux(backend);
      this.muxes.set(backend, m);
    }
    return m;
  }

  available(backend: Backend): boolean {
    return !this.unavailable.has(backend);
  }
}
