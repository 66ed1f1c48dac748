/**
 * Agents driving agents: a task's time includes the time of the workers its agents
 * started through their MCP tools (and theirs, down the tree), so a lead's task reports what its
 * whole team spent. `leadOf` maps an agent to the agent that started it.
 */
export function withTeams<T extends { agents: readonly string[] }>(
  tasks: readonly T[],
  leadOf: ReadonlyMap<string, string>,
): (T & { agents: string[] })[] {
  const workersOf = new Map<string, string[]>();
  for (const [worker, lead] of leadOf) workersOf.set(lead, [...(workersOf.get(lead) ?? []), worker]);
  return tasks.map((t) => {
    const all = new Set(t.agents);
    const queue = [...t.agents];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const w of workersOf.get(next) ?? []) {
        if (all.has(w)) continue; // a cycle of forged rows ends here
        all.add(w);
        queue.push(w);
      }
    }
    return { ...t, agents: [...all] };
  });
}
