import type { AgentView } from '../protocol/agent.js';
import { agentViewChangedBy } from '../protocol/agent-view-events.js';
import type { WtpEvent } from '../protocol/events.js';
import type { RouteName } from '../protocol/route-paths.js';
import type { RouteInput, RouteResponse } from '../protocol/routes.js';
import type { TaskView } from '../protocol/tasks.js';
import type { LiveSource } from './live-collection.js';

/** What a live source needs of a client: `WtpClient` (the CLI, the TUI) or `FetchClient` (the page). */
export interface RouteCaller {
  call<N extends RouteName>(name: N, input?: Partial<RouteInput<N>>): Promise<RouteResponse<N>>;
}

/** Every agent, kept live; a state change shows at once (its evidence and since when), the fetch brings the rest. */
export function agentSource(client: RouteCaller): LiveSource<AgentView> {
  return {
    loadAll: () => client.call('listAgents').then((r) => r.agents),
    loadOne: (id) => client.call('getAgent', { params: { agent: id } }).then((r) => r.agent),
    touched: agentViewChangedBy,
    removed: (e) => (e.type === 'agent.removed' ? e.agentId : null),
    // The event's own time is taken a moment after the state's: an answer that names the dialog
    // by its `since` must name it as the daemon holds it.
    patch: (a, e) =>
      e.type === 'agent.stateChanged'
        ? { ...a, state: e.data.to, stateDetail: e.data.detail, stateSince: e.data.since ?? e.ts }
        : a,
    reloadOn: ['reloaded'],
  };
}

/** Every task, kept live: each task event fetches its task again. */
export function taskSource(client: RouteCaller): LiveSource<TaskView> {
  return {
    loadAll: () => client.call('listTasks').then((r) => r.tasks),
    loadOne: (id) => client.call('getTask', { params: { task: id } }).then((r) => r.task),
    touched: (e) => {
      if (e.type === 'task.created') return e.data.task.id;
      if (e.type === 'task.attemptStarted' || e.type === 'task.attemptEnded') return e.data.task;
      if (e.type === 'task.statusChanged') return e.data.task ?? null;
      return null;
    },
    removed: () => null,
    // The fleet's graph changed (another machine added, claimed or finished a task).
    reloadOn: ['tasks'],
  };
}

/** Events after which the conflict radar's report is read again. */
export const RADAR_EVENTS = new Set<WtpEvent['type']>([
  'conflict.predicted',
  'conflict.cleared',
  'agent.removed',
]);

/** The sequence number a live view starts after: it loads its data, then applies what follows. */
export function latestSeq(client: RouteCaller): Promise<number> {
  return client.call('listEvents', { query: { limit: 1, since: 0 } }).then((r) => r.latestSeq);
}
