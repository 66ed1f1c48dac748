import { describe, expect, it } from 'vitest';
import { templateSchema, type LayoutNode } from '../../protocol/template.js';
import { planLayout } from './layout-plan.js';

const agent = (name: string, size?: string | number): LayoutNode =>
  templateSchema.parse({ layout: { agent: { name }, ...(size === undefined ? {} : { size }) } }).layout;
const layout = (l: unknown): LayoutNode => templateSchema.parse({ layout: l }).layout;
const names = (l: LayoutNode) =>
  planLayout(l).map((s) => ('agent' in s.leaf ? s.leaf.agent.name : s.leaf.command.title));

describe('planLayout', () => {
  it('opens the workspace with a single agent', () => {
    expect(planLayout(agent('solo'))).toEqual([
      {
        leaf: expect.objectContaining({ agent: expect.objectContaining({ name: 'solo' }) }),
        at: { kind: 'new-workspace' },
      },
    ]);
  });

  it('splits side by side, each new pane taking the share of the panes after it', () => {
    const steps = planLayout(
      layout({
        split: 'right',
        panes: [{ agent: { name: 'a' } }, { agent: { name: 'b' } }, { agent: { name: 'c' } }],
      }),
    );
    expect(steps.map((s) => s.at)).toEqual([
      { kind: 'new-workspace' },
      { kind: 'split', target: 0, direction: 'right', size: { percent: 67 } }, // b+c take 2/3 of a+b+c
      { kind: 'split', target: 1, direction: 'right', size: { percent: 50 } }, // c takes 1/2 of b+c
    ]);
  });

  it('builds a 2x2 grid from nested splits, in creation order', () => {
    const quad = layout({
      split: 'right',
      panes: [
        { split: 'down', panes: [{ agent: { name: 'a1' } }, { agent: { name: 'a3' } }] },
        { split: 'down', panes: [{ agent: { name: 'a2' } }, { agent: { name: 'a4' } }] },
      ],
    });
    const steps = planLayout(quad);
    expect(names(quad)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(steps.map((s) => s.at)).toEqual([
      { kind: 'new-workspace' },
      { kind: 'split', target: 0, direction: 'right', size: { percent: 50 } },
      { kind: 'split', target: 0, direction: 'bottom', size: { percent: 50 } },
      { kind: 'split', target: 1, direction: 'bottom', size: { percent: 50 } },
    ]);
  });

  it('honours percentages, shares the rest among unsized panes, and uses cells for a sized last pane', () => {
    const l = layout({
      split: 'down',
      panes: [
        { agent: { name: 'main' }, size: '60%' },
        { agent: { name: 'side' } },
        { command: { title: 'log', run: ['tail', '-f', 'x'] }, size: 8 },
      ],
    });
    expect(planLayout(l).map((s) => s.at)).toEqual([
      { kind: 'new-workspace' },
      { kind: 'split', target: 0, direction: 'bottom', size: { percent: 40 } }, // side+log = 40% of the split
      { kind: 'split', target: 1, direction: 'bottom', size: { cells: 8 } },
    ]);
  });
});

describe('template layout rules', () => {
  const problems = (l: unknown) => {
    const r = templateSchema.safeParse({ layout: l });
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('refuses duplicate agent names, sizes that do not add up, and cells before the last pane', () => {
    expect(problems({ split: 'right', panes: [{ agent: { name: 'x' } }, { agent: { name: 'x' } }] })).toEqual(
      ['layout.panes.1.agent.name: the name "x" is used twice'],
    );
    expect(
      problems({
        split: 'right',
        panes: [
          { agent: { name: 'a' }, size: '30%' },
          { agent: { name: 'b' }, size: '30%' },
        ],
      }),
    ).toEqual(['layout.panes: the sizes add up to 60%, not 100%']);
    expect(
      problems({
        split: 'right',
        panes: [
          { agent: { name: 'a' }, size: '70%' },
          { agent: { name: 'b' }, size: '30%' },
          { agent: { name: 'c' } },
        ],
      }),
    ).toEqual(['layout.panes: the sizes add up to 100%, leaving no room for the other panes']);
    expect(
      problems({ split: 'right', panes: [{ agent: { name: 'a' }, size: 10 }, { agent: { name: 'b' } }] }),
    ).toEqual(['layout.panes.0.size: a size in cells is only allowed on the last pane of a split']);
  });
});
