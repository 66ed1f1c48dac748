import type { RouteResponse } from '../../../src/protocol/routes.js';

export type ConflictReport = RouteResponse<'conflicts'>;

/** What the radar says about one agent: the branches it would conflict with, and in which files. */
export interface RadarWarningInfo {
  agent: string;
  with: string[];
  files: string[];
}

/**
 * Conflicting pairs of a report, by agent id (both sides of each pair; a base branch has none):
 * agents of the same name in two workspaces keep their own warnings.
 */
export function warningsOf(report: ConflictReport | null): Map<string, RadarWarningInfo> {
  const out = new Map<string, RadarWarningInfo>();
  for (const p of report?.pairs ?? []) {
    if (!p.conflicting) continue;
    const files = p.conflicts.map((c) => c.path);
    for (const [id, me, other] of [
      [p.aAgent, p.a, p.b],
      [p.bAgent, p.b, p.a],
    ] as const) {
      if (id === null) continue;
      const w = out.get(id) ?? { agent: me, with: [], files: [] };
      if (!w.with.includes(other)) w.with.push(other);
      for (const f of files) if (!w.files.includes(f)) w.files.push(f);
      out.set(id, w);
    }
  }
  return out;
}
