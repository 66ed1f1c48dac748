import { describe, expect, it } from 'vitest';
import { teamName, teamRows } from './team-tree.js';

const a = (id: string, startedBy: string | null = null) => ({ id, startedBy });

describe('team tree (issue 34)', () => {
  it('puts each lead’s workers under it, depth first, in their order', () => {
    const rows = teamRows([a('w1', 'lead'), a('solo'), a('lead'), a('w2', 'lead'), a('ww', 'w1')]);
    expect(rows.map((r) => [r.agent.id, r.depth, r.last])).toEqual([
      ['solo', 0, false],
      ['lead', 0, false],
      ['w1', 1, false],
      ['ww', 2, true],
      ['w2', 1, true],
    ]);
    expect(rows.map((r) => teamName(r.agent.id, r))).toEqual(['solo', 'lead', '├─ w1', '   └─ ww', '└─ w2']);
  });

  it('hostile rows: a lead not listed, itself as lead, a cycle — every agent once, nothing lost', () => {
    const rows = teamRows([a('x', 'gone'), a('self', 'self'), a('c1', 'c2'), a('c2', 'c1')]);
    expect(rows.map((r) => r.agent.id).sort()).toEqual(['c1', 'c2', 'self', 'x']);
    expect(rows.find((r) => r.agent.id === 'x')?.depth).toBe(0);
    expect(rows.find((r) => r.agent.id === 'self')?.depth).toBe(0);
  });
});
