import { Box, Text, useApp } from 'ink';
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import type { AgentView } from '../../../protocol/agent.js';
import { fit } from '../agent-line.js';
import type { Keymap, TuiAction } from '../keymap.js';
import type { TuiActions } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import { Footer, Header, Help, NoticeLine } from './chrome.js';
import { FleetBody } from './fleet-body.js';
import { useNow, useSize } from './app-hooks.js';
import { runAction } from './app-actions.js';
import { useAppKeys, useAppMouse } from './app-input.js';
import { useFleetRows, useMode, type FleetState, type Mode } from './app-state.js';
import { layout } from '../screen-layout.js';
import { TaskList } from './task-list.js';
import { ViewKeys, type KeyRouter } from './use-keys.js';

/** A full-screen view over the body (diff, merge, conflicts, new agent): it takes the keys until it closes. */
export interface BodyView {
  title: string;
  render(size: { width: number; height: number }, close: () => void): ReactNode;
}

export interface AppProps {
  store: TuiStore;
  keymap: Keymap;
  actions: TuiActions;
  color: boolean;
  /** Attach full-screen: the caller unmounts the app, attaches, and renders it again. */
  attach(agent: AgentView): void;
  quit(): void;
  /** The views behind D, m, c and n (null: none for this agent). */
  views: Record<
    'diff' | 'merge' | 'conflicts' | 'newAgent',
    (agent: AgentView | undefined) => BodyView | null
  >;
}

/**
 * The terminal UI: the agents and tasks tabs, with help, a prompt, a question or a full-screen view
 * over them. Its parts live beside it: the mode, the rows and the selection (app-state.ts), what a
 * key's action does (app-actions.ts), and the keys and the mouse (app-input.ts).
 */
export function App(props: AppProps) {
  const { store, keymap, color } = props;
  useSyncExternalStore(store.subscribe, store.snapshot);
  const { width, height } = useSize();
  const now = useNow();
  const modes = useMode();
  const [maxScroll, setMaxScroll] = useState(0);
  const { exit } = useApp();
  const fleet = useFleetRows(store);
  const run = (action: TuiAction): void =>
    runAction(action, { ...fleet, ...modes, props, height, maxScroll, exit });
  useAppMouse({ ...fleet, ...modes, store, width, height, run });
  useAppKeys({ ...modes, store, keymap, run });

  const { mode } = modes;
  const notice =
    mode.kind === 'prompt'
      ? { text: `${mode.label}${mode.value}█`, kind: 'info' as const }
      : mode.kind === 'confirm'
        ? { text: mode.text, kind: 'info' as const }
        : store.notice;
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      <Header store={store} width={width} color={color} />
      <AppBody
        props={props}
        mode={mode}
        fleet={fleet}
        router={modes.router}
        now={now}
        width={width}
        height={height}
        close={() => modes.setMode({ kind: 'list' })}
        onMaxScroll={setMaxScroll}
      />
      <NoticeLine notice={notice} width={width} color={color} />
      {mode.kind === 'view' ? (
        <Text wrap="truncate">{fit(`${mode.view.title} — esc closes`, width)}</Text>
      ) : (
        <Footer keymap={keymap} width={width} color={color} />
      )}
    </Box>
  );
}

/** Between the header and the notice: help, the open view, the tasks tab or the agents tab. */
function AppBody(p: {
  props: AppProps;
  mode: Mode;
  fleet: FleetState;
  router: KeyRouter;
  now: number;
  width: number;
  height: number;
  close(): void;
  onMaxScroll(max: number): void;
}): ReactNode {
  const { store, keymap, color } = p.props;
  const { mode, fleet, width } = p;
  const { bodyH, side, listW, listH, previewW, previewH } = layout(width, p.height);
  if (mode.kind === 'help') return <Help keymap={keymap} width={width} height={bodyH} color={color} />;
  if (mode.kind === 'view')
    return (
      <ViewKeys.Provider value={p.router}>
        {mode.view.render({ width, height: bodyH }, p.close)}
      </ViewKeys.Provider>
    );
  if (store.tab === 'tasks') {
    return (
      <TaskList
        tasks={fleet.tasks}
        byId={store.tasks.items}
        selected={store.selectedTask ?? fleet.tasks[0]?.id ?? null}
        width={width}
        height={bodyH}
        color={color}
      />
    );
  }
  return (
    <FleetBody
      store={store}
      rows={fleet.rows}
      selected={fleet.selected}
      size={{ width, bodyH, side, listW, listH, previewW, previewH }}
      color={color}
      now={p.now}
      onMaxScroll={p.onMaxScroll}
    />
  );
}
