/**
 * Leads with their workers, for lists that show agents as a tree (`wtp ls`, the TUI,
 * the dashboard): each lead is followed by the agents it started, depth first, in their own order.
 * An agent whose lead is not in the list (filtered out, removed) stays at the top level. No zod:
 * the CLI's fast path and the dashboard import it.
 */
export interface TeamRow<T> {
  agent: T;
  /** 0 for a top-level agent, 1 for a lead's worker, 2 for a worker's worker, … */
  depth: number;
  /** The last of its lead's workers (the tree's `└─`). */
  last: boolean;
}

export function teamRows<T extends { id: string; startedBy: string | null }>(
  agents: readonly T[],
): TeamRow<T>[] {
  const ids = new Set(agents.map((a) => a.id));
  const workers = new Map<string, T[]>();
  const top: T[] = [];
  for (const a of agents) {
    if (a.startedBy !== null && a.startedBy !== a.id && ids.has(a.startedBy)) {
      const list = workers.get(a.startedBy) ?? [];
      list.push(a);
      workers.set(a.startedBy, list);
    } else top.push(a);
  }
  const out: TeamRow<T>[] = [];
  const seen = new Set<string>();
  const walk = (a: T, depth: number, last: boolean): void => {
    if (seen.has(a.id)) return; // a cycle of forged rows is shown once, never followed
    seen.add(a.id);
    out.push({ agent: a, depth, last });
    const team = workers.get(a.id) ?? [];
    team.forEach((w, i) => walk(w, depth + 1, i === team.length - 1));
  };
  for (const a of top) walk(a, 0, false);
  // Rows only reachable through a cycle (a lead that names its own worker as lead): at the top.
  for (const a of agents) if (!seen.has(a.id)) walk(a, 0, false);
  return out;
}

/** A name in the tree: `api`, ` ├─ api`, ` └─ docs`, indented by depth. */
export function teamName(name: string, row: { depth: number; last: boolean }): string {
  if (row.depth === 0) return name;
  return `${'   '.repeat(row.depth - 1)}${row.last ? '└─' : '├─'} ${name}`;
}
