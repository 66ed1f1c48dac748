import type { AgentLeaf, CommandLeaf, LayoutNode } from '../../protocol/template.js';
import type { PaneSize, SplitDirection } from '../ports/panes.js';

export type LayoutLeaf = AgentLeaf | CommandLeaf;

/**
 * One pane to create: the first opens the workspace; each other splits the pane created by
 * an earlier step (`target` is that step's index).
 */
export type LayoutStep =
  | { leaf: LayoutLeaf; at: { kind: 'new-workspace' } }
  | { leaf: LayoutLeaf; at: { kind: 'split'; target: number; direction: SplitDirection; size: PaneSize } };

function firstLeaf(node: LayoutNode): LayoutLeaf {
  return 'split' in node ? firstLeaf(node.panes[0] as LayoutNode) : node;
}

/** Each child's share of its split in percent; unsized children (and a cells-sized last one) share the rest. */
function shares(panes: LayoutNode[]): number[] {
  const given = panes.map((p) => (typeof p.size === 'string' ? Number(p.size.slice(0, -1)) : null));
  const taken = given.reduce<number>((s, g) => s + (g ?? 0), 0);
  const open = given.filter((g) => g === null).length;
  return given.map((g) => g ?? (100 - taken) / Math.max(1, open));
}

/**
 * Turns a layout tree into pane-creation steps. A split of n panes is made by splitting
 * the pane that holds panes i..n, with the new pane taking the share of panes i+1..n.
 * Valid templates only (templateSchema checked the sizes).
 */
export function planLayout(root: LayoutNode): LayoutStep[] {
  const steps: LayoutStep[] = [{ leaf: firstLeaf(root), at: { kind: 'new-workspace' } }];
  const place = (node: LayoutNode, at: number): void => {
    if (!('split' in node)) return;
    const share = shares(node.panes);
    const direction: SplitDirection = node.split === 'right' ? 'right' : 'bottom';
    const refs = [at];
    let holder = at;
    for (let i = 1; i < node.panes.length; i++) {
      const child = node.panes[i] as LayoutNode;
      const rest = share.slice(i).reduce((a, b) => a + b, 0);
      const withPrevious = rest + (share[i - 1] ?? 0);
      const size: PaneSize =
        typeof child.size === 'number' && i === node.panes.length - 1
          ? { cells: child.size }
          : { percent: Math.min(99, Math.max(1, Math.round((100 * rest) / withPrevious))) };
      steps.push({ leaf: firstLeaf(child), at: { kind: 'split', target: holder, direction, size } });
      holder = steps.length - 1;
      refs.push(holder);
    }
    node.panes.forEach((child, i) => place(child, refs[i] ?? at));
  };
  place(root, 0);
  return steps;
}
