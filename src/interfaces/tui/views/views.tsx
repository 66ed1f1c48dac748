import type { AgentView } from '../../../protocol/agent.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { conflictsView } from './conflicts-view.js';
import { diffView } from './diff-view.js';
import { mergeView } from './merge-view.js';
import { newAgentView } from './new-agent-view.js';

/** The views behind D (diff), m (merge), c (conflicts) and n (new agent); `cwd` is where `n` starts agents. */
export function tuiViews(
  store: TuiStore,
  cwd: string,
  color: boolean,
): Record<'diff' | 'merge' | 'conflicts' | 'newAgent', (agent: AgentView | undefined) => BodyView | null> {
  return {
    diff: (a) => (a ? diffView(store, a, color) : null),
    merge: (a) => (a ? mergeView(store, a, color) : null),
    conflicts: () => conflictsView(store, color),
    newAgent: () => newAgentView(store, cwd, color),
  };
}
