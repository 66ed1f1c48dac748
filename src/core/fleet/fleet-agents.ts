import type { AgentState, AgentView } from '../../protocol/agent.js';
import { appError } from '../../protocol/error-messages.js';
import { AppError } from '../errors.js';
import type { AgentUseCases } from '../use-cases/use-cases.js';
import type { Fleet } from './fleet.js';

export interface FleetListFilter {
  workspace?: string | undefined;
  state?: AgentState | undefined;
  machine?: string | undefined;
  local?: boolean | undefined;
}

/**
 * The agent use cases in a fleet: listing and reading show every machine's agents (the other
 * machines' as last published); everything else acts on this machine's own agents.
 */
export function fleetAgentUseCases(local: AgentUseCases, fleet: Fleet): AgentUseCases {
  return {
    list(filter: FleetListFilter = {}): AgentView[] {
      const { machine, local: onlyLocal, ...rest } = filter;
      const mine = machine === undefined || machine === fleet.machine ? local.list(rest) : [];
      if (onlyLocal || machine === fleet.machine) return mine;
      const known = fleet.mirror.machines().map((m) => m.name);
      if (machine !== undefined && !known.includes(machine)) {
        throw appError('MACHINE_NOT_FOUND', { machine, known });
      }
      const remote = fleet.mirror
        .list()
        .filter(
          (a) =>
            (machine === undefined || a.machine === machine) &&
            (rest.workspace === undefined || a.workspace === rest.workspace) &&
            (rest.state === undefined || a.state === rest.state),
        )
        .sort(
          (a, b) =>
            (a.machine ?? '').localeCompare(b.machine ?? '') ||
            a.createdAt.localeCompare(b.createdAt) ||
            a.name.localeCompare(b.name),
        );
      return [...mine, ...remote];
    },
    get(ref) {
      try {
        return local.get(ref);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'AGENT_NOT_FOUND') throw err;
        const remote = fleet.resolve(ref);
        if (remote) return remote;
        throw err;
      }
    },
    resolve: (ref) => local.resolve(ref),
    create: (req, source, placement, fork) => local.create(req, source, placement, fork),
    stop: (ref, opts, source) => local.stop(ref, opts, source),
    restart: (ref, source) => local.restart(ref, source),
    remove: (ref, force, source) => local.remove(ref, force, source),
    // Every argument passed on (raw keys and the fleet origin included).
    sendInput: (...args) => local.sendInput(...args),
    screen: (ref) => local.screen(ref),
    logs: (ref, opts) => local.logs(ref, opts),
    counts: () => local.counts(),
    snapshot: (ref) => local.snapshot(ref),
    follow: (ref, from, listener) => local.follow(ref, from, listener),
    resize: (ref, cols, rows) => local.resize(ref, cols, rows),
    recordAttach: (agent, attached, source) => local.recordAttach(agent, attached, source),
    promptPending: (id) => local.promptPending(id),
  };
}
