import type { AgentView } from '../../protocol/agent.js';
import type { FleetMachine } from '../../protocol/fleet.js';
import type { MachineRow } from '../ports/fleet.js';

/** What an environment value is shown as outside its machine. */
export const NOT_SHARED = '(not shared)';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * An agent as its machine publishes it to the fleet: the environment's values stay on the machine
 * (an API key given with `--env` is nobody else's business), and the uptime, which changes every
 * moment, is worked out by the reader from `startedAt`.
 */
export function publishedView(v: AgentView): AgentView {
  const env: Record<string, string> = {};
  for (const key of Object.keys(v.env)) env[key] = NOT_SHARED;
  return { ...v, env, uptimeMs: null };
}

/** A remote agent as this machine shows it: its machine named, its uptime as of now. */
export function remoteView(v: AgentView, machine: string, now: number): AgentView {
  const running = v.pid !== null && v.startedAt !== null && v.uptimeMs === null;
  return {
    ...v,
    machine,
    uptimeMs: running ? Math.max(0, now - Date.parse(v.startedAt ?? '')) : v.uptimeMs,
    // Absent from what a machine of a version before pull requests published.
    pullRequest: (v.pullRequest as AgentView['pullRequest'] | undefined) ?? null,
    // Absent from what a machine of a version before permission modes published.
    permission: (v.permission as AgentView['permission'] | undefined) ?? null,
  };
}

/**
 * A machine's row as shown: reachable while its last heartbeat is within `unreachableAfterMs` of the
 * database's clock (`elapsed`: time since that clock was read, on ours); else unreachable since it.
 */
export function machineView(
  m: MachineRow,
  o: { local: boolean; unreachableAfterMs: number; elapsed: number; seen: boolean },
): FleetMachine {
  const silentFor = m.readAt + o.elapsed - m.heartbeatAt;
  const reachable = o.local || (o.seen && silentFor <= o.unreachableAfterMs);
  return {
    name: m.name,
    local: o.local,
    version: m.version,
    startedAt: iso(m.startedAt),
    heartbeatAt: iso(m.heartbeatAt),
    reachable,
    unreachableSince: reachable ? null : iso(m.heartbeatAt),
    ssh: m.ssh,
    capacity: m.capacity,
    agents: m.agents,
    usage: m.usage ?? null,
  };
}
