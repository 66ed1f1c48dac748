import type { AgentView } from '../../protocol/agent.js';
import type { TaskView } from '../../protocol/tasks.js';
import { teamRows } from '../../protocol/team-tree.js';

/** States in which an agent waits for the user: `tab` jumps to them, `s` sorts them first. */
export const NEEDS_YOU = new Set<AgentView['state']>(['needs_permission', 'needs_input']);

export type FleetRow =
  | { kind: 'workspace'; name: string; agents: number; needs: number; machine?: string | null }
  | { kind: 'agent'; agent: AgentView; team?: { depth: number; last: boolean } };

/** Whether an agent matches the filter text (name, workspace, state, branch, profile, machine; case-insensitive). */
export function matchesFilter(a: AgentView, filter: string): boolean {
  const f = filter.trim().toLowerCase();
  if (f === '') return true;
  return [a.name, a.workspace, a.state, a.profile, a.worktree?.branch ?? '', a.machine ?? ''].some((s) =>
    s.toLowerCase().includes(f),
  );
}

/**
 * The list the TUI shows: agents grouped by workspace (by name within), or — `needsFirst` — the
 * agents that wait for the user first (longest waiting first), then the rest, still grouped.
 */
export function fleetRows(agents: Iterable<AgentView>, filter: string, needsFirst: boolean): FleetRow[] {
  const shown = [...agents].filter((a) => matchesFilter(a, filter));
  const byName = (a: AgentView, b: AgentView): number =>
    (a.machine ?? '').localeCompare(b.machine ?? '') ||
    a.workspace.localeCompare(b.workspace) ||
    a.name.localeCompare(b.name);
  const rows: FleetRow[] = [];
  let rest = shown;
  if (needsFirst) {
    const waiting = shown
      .filter((a) => NEEDS_YOU.has(a.state))
      .sort((a, b) => a.stateSince.localeCompare(b.stateSince) || byName(a, b));
    if (waiting.length > 0) {
      rows.push({ kind: 'workspace', name: 'needs you', agents: waiting.length, needs: waiting.length });
      for (const agent of waiting) rows.push({ kind: 'agent', agent });
    }
    rest = shown.filter((a) => !NEEDS_YOU.has(a.state));
  }
  // In a fleet of several machines, a group is a machine's workspace.
  const machines = new Set(shown.map((a) => a.machine));
  const groupOf = (a: AgentView): string =>
    machines.size > 1 && a.machine !== null ? `${a.machine} · ${a.workspace}` : a.workspace;
  const groups = new Map<string, AgentView[]>();
  for (const a of rest.sort(byName)) groups.set(groupOf(a), [...(groups.get(groupOf(a)) ?? []), a]);
  for (const [name, list] of groups) {
    const needs = list.filter((a) => NEEDS_YOU.has(a.state)).length;
    rows.push({ kind: 'workspace', name, agents: list.length, needs, machine: list[0]?.machine ?? null });
    // A lead's workers under it.
    for (const { agent, depth, last } of teamRows(list))
      rows.push(depth === 0 ? { kind: 'agent', agent } : { kind: 'agent', agent, team: { depth, last } });
  }
  return rows;
}

/** The agent rows' agents, in the order shown. */
export function agentsOf(rows: readonly FleetRow[]): AgentView[] {
  return rows.flatMap((r) => (r.kind === 'agent' ? [r.agent] : []));
}

/** The agent `step` places after (or before) `current` in `list`; the first when `current` is not in it. */
export function stepAgent(list: readonly AgentView[], current: string | null, step: number): string | null {
  if (list.length === 0) return null;
  const at = list.findIndex((a) => a.id === current);
  if (at < 0) return list[0]?.id ?? null;
  return list[Math.min(list.length - 1, Math.max(0, at + step))]?.id ?? null;
}

/** The next agent after `current` (wrapping) that needs the user, or null when none does. */
export function nextNeedingYou(list: readonly AgentView[], current: string | null): string | null {
  const at = list.findIndex((a) => a.id === current);
  for (let i = 1; i <= list.length; i++) {
    const a = list[(at + i + list.length) % list.length];
    if (a && NEEDS_YOU.has(a.state)) return a.id;
  }
  return null;
}

/** Task statuses in the order the board's columns have them (the list is the board, compressed). */
const STATUS_ORDER: TaskView['status'][] = [
  'running',
  'review',
  'ready',
  'backlog',
  'failed',
  'done',
  'cancelled',
];

/** Tasks in the board's column order, by priority then title within a status. */
export function taskRows(tasks: Iterable<TaskView>, filter: string): TaskView[] {
  const f = filter.trim().toLowerCase();
  const rank = (t: TaskView): number => {
    const i = STATUS_ORDER.indexOf(t.status);
    return i < 0 ? STATUS_ORDER.length : i;
  };
  return [...tasks]
    .filter((t) => f === '' || [t.title, t.workspace, t.status].some((s) => s.toLowerCase().includes(f)))
    .sort((a, b) => rank(a) - rank(b) || b.priority - a.priority || a.title.localeCompare(b.title));
}
