import type { AgentView } from '../../../protocol/agent.js';
import type { TuiActions } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';

/** The views behind D (diff), m (merge), c (conflicts) and n (new agent). */
export function tuiViews(
  _store: TuiStore,
  _actions: TuiActions,
  _color: boolean,
): Partial<Record<'diff' | 'merge' | 'conflicts' | 'newAgent', (agent: AgentView | undefined) => BodyView>> {
  return {};
}
