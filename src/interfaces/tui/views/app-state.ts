import { useEffect, useMemo, useRef, useState } from 'react';
import type { AgentView } from '../../../protocol/agent.js';
import { agentsOf, fleetRows, taskRows } from '../fleet-rows.js';
import type { TuiStore } from '../tui-store.js';
import type { BodyView } from './app.js';
import { openingView, type KeyRouter } from './use-keys.js';

export type Mode =
  | { kind: 'list' }
  | { kind: 'help' }
  | {
      kind: 'prompt';
      label: string;
      value: string;
      submit: (value: string) => void;
      /** Told each value as it is typed (the filter applies as you type). */
      live?: (value: string) => void;
      /** Esc: what to undo (the filter as it was before the prompt). */
      cancel?: () => void;
    }
  | { kind: 'confirm'; text: string; run: () => void }
  | { kind: 'view'; view: BodyView };

export type PromptMode = Extract<Mode, { kind: 'prompt' }>;

/** What the app shows over the list (help, a prompt, a question, a view), and how keys reach a view. */
export function useMode() {
  const [mode, setModeState] = useState<Mode>({ kind: 'list' });
  // Keys read the mode from here: one typed right after the key that changed it must see the new
  // mode, not the one of the last render (`/` then `sh1` typed fast: `sh1` goes into the filter).
  const modeNow = useRef<Mode>(mode);
  // Keys for the open view (diff, merge, …): see ViewKeys.
  const router = useRef<KeyRouter>({ handler: null, pending: [] }).current;
  const setMode = (m: Mode): void => {
    if (m.kind === 'view') openingView(router);
    modeNow.current = m;
    setModeState(m);
  };
  const prompt = (
    label: string,
    submit: (value: string) => void,
    value = '',
    more: { live?: (value: string) => void; cancel?: () => void } = {},
  ): void => setMode({ kind: 'prompt', label, value, submit, ...more });
  const confirm = (text: string, run: () => void): void => setMode({ kind: 'confirm', text, run });
  return { mode, modeNow, router, setMode, prompt, confirm };
}

export type ModeState = ReturnType<typeof useMode>;

/** The rows of both tabs, and the selected agent kept on the list as it changes. */
export function useFleetRows(store: TuiStore) {
  const rows = useMemo(
    () => fleetRows(store.agents.items.values(), store.filter, store.needsFirst),
    [store.agents.items, store.filter, store.needsFirst],
  );
  const list = useMemo(() => agentsOf(rows), [rows]);
  const tasks = useMemo(
    () => taskRows(store.tasks.items.values(), store.filter),
    [store.tasks.items, store.filter],
  );
  // The selection follows the list: the first agent at the start; after a removal (`X`, or an agent
  // gone elsewhere) the one that took its place, or the one above when it was the last — never a jump
  // to the top.
  const place = useRef(0);
  const at = list.findIndex((a) => a.id === store.selectedAgent);
  if (at >= 0) place.current = at;
  const nearest = (): AgentView | undefined => list[Math.min(place.current, list.length - 1)];
  const selected = at >= 0 ? list[at] : nearest();
  // Checked against the store as it is now, not as this render saw it: a key pressed since then
  // may have moved the selection, and must not be undone.
  useEffect(() => {
    const now = store.selectedAgent;
    if (now !== null && list.some((a) => a.id === now)) return;
    const id = nearest()?.id ?? null;
    if (id !== now) store.update({ selectedAgent: id });
  });
  // Read at each key press, not from this render: keys that arrive together act one after another.
  const current = (): AgentView | undefined => list.find((x) => x.id === store.selectedAgent) ?? nearest();
  const needAgent = (): AgentView | undefined => {
    const a = current();
    if (!a) store.say('No agent selected.', 'error');
    return a;
  };
  return { rows, list, tasks, selected, current, needAgent };
}

export type FleetState = ReturnType<typeof useFleetRows>;
