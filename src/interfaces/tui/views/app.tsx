import { Box, Text, useApp, type Key } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { AgentView } from '../../../protocol/agent.js';
import { TASK_MOVES } from '../../../protocol/task-moves.js';
import { fit } from '../agent-line.js';
import { agentsOf, fleetRows, nextNeedingYou, stepAgent, taskRows } from '../fleet-rows.js';
import { keyName, type Keymap, type TuiAction } from '../keymap.js';
import type { TuiActions } from '../tui-actions.js';
import type { TuiStore } from '../tui-store.js';
import { Footer, Header, Help, NoticeLine } from './chrome.js';
import { editLine } from './line-editor.js';
import { FleetBody } from './fleet-body.js';
import { charKey, keyRuns, useNow, useSize } from './app-hooks.js';
import { layout, rowAt } from '../screen-layout.js';
import { TaskList } from './task-list.js';
import { routeKey, useKeys, useMouse, ViewKeys, type KeyRouter } from './use-keys.js';

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

type Mode =
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

/** Actions after which further keys typed in the same instant still act on the list. */
const MOVES = new Set<TuiAction>([
  'down',
  'up',
  'nextNeeds',
  'scrollUp',
  'scrollDown',
  'needsFirst',
  'tasks',
]);

export function App(props: AppProps) {
  const { store, keymap, actions, color } = props;
  useSyncExternalStore(store.subscribe, store.snapshot);
  const { width, height } = useSize();
  const now = useNow();
  const [mode, setModeState] = useState<Mode>({ kind: 'list' });
  // Keys read the mode from here: one typed right after the key that changed it must see the new
  // mode, not the one of the last render (`/` then `sh1` typed fast: `sh1` goes into the filter).
  const modeNow = useRef<Mode>(mode);
  // Keys for the open view (diff, merge, …): see ViewKeys.
  const router = useRef<KeyRouter>({ handler: null, pending: [] }).current;
  const setMode = (m: Mode): void => {
    if (m.kind === 'view') router.pending.length = 0;
    modeNow.current = m;
    setModeState(m);
  };
  const [maxScroll, setMaxScroll] = useState(0);
  const { exit } = useApp();

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

  const prompt = (
    label: string,
    submit: (value: string) => void,
    value = '',
    more: { live?: (value: string) => void; cancel?: () => void } = {},
  ): void => setMode({ kind: 'prompt', label, value, submit, ...more });
  const confirm = (text: string, run: () => void): void => setMode({ kind: 'confirm', text, run });
  // Read at each key press, not from this render: keys that arrive together act one after another.
  const current = (): AgentView | undefined => list.find((x) => x.id === store.selectedAgent) ?? nearest();
  const needAgent = (): AgentView | undefined => {
    const a = current();
    if (!a) store.say('No agent selected.', 'error');
    return a;
  };

  const run = (action: TuiAction): void => {
    const a = current();
    switch (action) {
      case 'quit':
        props.quit();
        exit();
        return;
      case 'help':
        setMode({ kind: 'help' });
        return;
      case 'down':
      case 'up': {
        const step = action === 'down' ? 1 : -1;
        if (store.tab === 'tasks') {
          const at = tasks.findIndex((t) => t.id === store.selectedTask);
          const next = tasks[Math.min(tasks.length - 1, Math.max(0, at + step))];
          store.update({ selectedTask: next?.id ?? null });
        } else store.update({ selectedAgent: stepAgent(list, a?.id ?? null, step), scroll: 0 });
        return;
      }
      case 'nextNeeds': {
        const next = nextNeedingYou(list, a?.id ?? null);
        if (next === null) store.say('No agent needs you.');
        else store.update({ selectedAgent: next, scroll: 0, tab: 'agents' });
        return;
      }
      case 'tasks':
        store.update({ tab: store.tab === 'agents' ? 'tasks' : 'agents' });
        return;
      case 'needsFirst':
        store.update({ needsFirst: !store.needsFirst });
        return;
      case 'filter':
        {
          // The list follows each key typed; Enter keeps the filter, Esc puts back the one before.
          const before = store.filter;
          const apply = (value: string): void => store.update({ filter: value });
          prompt('filter: ', apply, store.filter, { live: apply, cancel: () => apply(before) });
        }
        return;
      case 'scrollUp':
        store.update({ scroll: Math.min(maxScroll, store.scroll + Math.max(1, Math.floor(height / 3))) });
        return;
      case 'scrollDown':
        store.update({ scroll: Math.max(0, store.scroll - Math.max(1, Math.floor(height / 3))) });
        return;
      case 'moveTask': {
        const task = tasks.find((t) => t.id === store.selectedTask) ?? tasks[0];
        if (store.tab !== 'tasks' || !task) {
          store.say('Select a task on the Tasks tab (t) first.', 'error');
          return;
        }
        const to = TASK_MOVES[task.status];
        if (to.length === 0) store.say(`"${task.title}" is ${task.status}: it moves no further.`, 'error');
        else
          prompt(
            `move "${task.title}" (${task.status}) to ${to.join(' | ')}: `,
            (status) => void actions.moveTask(task, status.trim()),
          );
        return;
      }
      case 'conflicts':
      case 'newAgent': {
        const view = props.views[action](a);
        if (view) setMode({ kind: 'view', view });
        return;
      }
      default:
        break;
    }
    const agent = needAgent();
    if (!agent) return;
    switch (action) {
      case 'attach':
        props.attach(agent);
        return;
      case 'approve':
        void actions.answer(agent, action);
        return;
      case 'always':
        void actions.always(agent, (option) =>
          confirm(
            `This changes ${agent.name}'s permission mode for its session — press it? [y/N] "${option}"`,
            () => void actions.answer(agent, 'always', { acceptModeChange: true }),
          ),
        );
        return;
      case 'deny':
        prompt(
          `deny ${agent.name} — reason for the agent (optional, ⏎ sends): `,
          (message) => void actions.answer(agent, 'deny', message.trim() ? { message: message.trim() } : {}),
        );
        return;
      case 'input': {
        const options = agent.stateDetail.request?.options;
        // The question its turn ended with: the reply goes to its prompt, verified.
        if (agent.state === 'needs_input' && agent.stateDetail.verdict?.says === 'question') {
          prompt(
            `answer ${agent.name}${options?.length ? ` (${options.join(' · ')})` : ''} — ⏎ sends it as its next prompt: `,
            (text) => void actions.answer(agent, 'answer', { text }),
          );
        } else if (agent.state === 'needs_input' && options && options.length > 0) {
          prompt(
            `answer ${agent.name} (${options.join(' · ')}): `,
            (text) => void actions.answer(agent, 'answer', { text }),
          );
        } else {
          prompt(
            `type into ${agent.name} (⏎ sends; held while it works): `,
            (text) => void actions.send(agent, text),
          );
        }
        return;
      }
      case 'restart':
        confirm(
          `Restart ${agent.name}? Its process is stopped and started again. [y/N]`,
          () => void actions.restart(agent),
        );
        return;
      case 'stop':
        if (agent.state === 'exited' || agent.state === 'crashed') {
          props.store.say(`${agent.name} has ${agent.state} already: nothing to stop (r starts it again)`);
          return;
        }
        confirm(
          `Stop ${agent.name}? It stays listed; r starts it again. [y/N]`,
          () => void actions.stop(agent),
        );
        return;
      case 'remove':
        confirm(
          `Remove ${agent.name} and its logs? A live agent is refused: stop it first. [y/N]`,
          () => void actions.remove(agent),
        );
        return;
      case 'diff':
      case 'merge': {
        const view = props.views[action](agent);
        if (view) setMode({ kind: 'view', view });
        return;
      }
      default:
        return;
    }
  };

  // Mouse: a click on an agent (or a task) selects it; the wheel over the preview scrolls it.
  useMouse((ev) => {
    const mode = modeNow.current;
    if (mode.kind !== 'list') return;
    const at = layout(width, height);
    if (ev.kind === 'wheelUp' || ev.kind === 'wheelDown') {
      const overPreview = store.tab === 'agents' && ev.y >= at.previewTop && ev.x >= at.previewLeft;
      if (overPreview) run(ev.kind === 'wheelUp' ? 'scrollUp' : 'scrollDown');
      else run(ev.kind === 'wheelUp' ? 'up' : 'down');
      return;
    }
    if (ev.kind !== 'press' || ev.button !== 0) return;
    if (store.tab === 'tasks') {
      const sel = tasks.findIndex((t) => t.id === store.selectedTask);
      const task = tasks[rowAt(ev.y, tasks.length, Math.max(0, sel), at.bodyH)];
      if (task) store.update({ selectedTask: task.id });
      return;
    }
    if (ev.x >= at.listW) return;
    const sel = rows.findIndex((r) => r.kind === 'agent' && r.agent.id === current()?.id);
    const row = rows[rowAt(ev.y, rows.length, sel, at.listH)];
    if (row?.kind === 'agent' && row.agent.id !== store.selectedAgent)
      store.update({ selectedAgent: row.agent.id, scroll: 0 });
  }, mode.kind === 'list');

  const onKey = (input: string, key: Key): void => {
    const mode = modeNow.current;
    if (mode.kind === 'view') {
      routeKey(router, input, key);
      return;
    }
    if (mode.kind === 'help') {
      setMode({ kind: 'list' });
      return;
    }
    if (mode.kind === 'confirm') {
      setMode({ kind: 'list' });
      if (input === 'y' || input === 'Y') mode.run();
      else store.say('Cancelled.');
      return;
    }
    if (mode.kind === 'prompt') {
      // Typed fast (`sh1⏎`): the text, then the Enter that closes the prompt. What came after it is
      // not for the list: it cannot be told from a paste's tail (`x⏎a` must not approve anything).
      const runs = keyRuns(input, key);
      if (runs.length > 1) {
        for (const [run, runKey] of runs) {
          onKey(run, runKey);
          if (modeNow.current.kind !== 'prompt') break;
        }
        return;
      }
      const next = editLine(mode.value, input, key);
      if (next.cancel) {
        setMode({ kind: 'list' });
        mode.cancel?.();
      } else if (next.done) {
        setMode({ kind: 'list' });
        mode.submit(next.value);
      } else {
        setMode({ ...mode, value: next.value });
        if (next.value !== mode.value) mode.live?.(next.value);
      }
      return;
    }
    // Keys typed faster than a frame arrive together ("jx", "⏎⏎"): each is a key press of its own.
    const chars = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
    for (let i = 0; i < chars.length; i++) {
      const name =
        chars.length > 1 ? keyName(chars[i] ?? '', charKey(chars[i] ?? '', key)) : keyName(input, key);
      const action = name === null ? undefined : keymap.action(name);
      if (!action) continue;
      run(action);
      const rest = chars.slice(i + 1);
      const now = modeNow.current.kind;
      // Keys typed with the one that opened a view are the view's; with one that opened a prompt
      // (`/sh1⏎` typed fast), the prompt's.
      if (now === 'view') for (const ch of rest) routeKey(router, ch, charKey(ch, key));
      else if (now === 'prompt' && rest.length > 0) onKey(rest.join(''), charKey(rest.join(''), key));
      // Keys after one that opens something (a prompt, a view, a question) are not list keys.
      if (!MOVES.has(action)) break;
    }
  };
  useKeys(onKey);

  const { bodyH, side, listW, listH, previewW, previewH } = layout(width, height);
  const notice =
    mode.kind === 'prompt'
      ? { text: `${mode.label}${mode.value}█`, kind: 'info' as const }
      : mode.kind === 'confirm'
        ? { text: mode.text, kind: 'info' as const }
        : store.notice;
  let body: ReactNode;
  if (mode.kind === 'help') body = <Help keymap={keymap} width={width} height={bodyH} color={color} />;
  else if (mode.kind === 'view') {
    body = (
      <ViewKeys.Provider value={router}>
        {mode.view.render({ width, height: bodyH }, () => setMode({ kind: 'list' }))}
      </ViewKeys.Provider>
    );
  } else if (store.tab === 'tasks') {
    body = (
      <TaskList
        tasks={tasks}
        byId={store.tasks.items}
        selected={store.selectedTask ?? tasks[0]?.id ?? null}
        width={width}
        height={bodyH}
        color={color}
      />
    );
  } else {
    body = (
      <FleetBody
        store={store}
        rows={rows}
        selected={selected}
        size={{ width, bodyH, side, listW, listH, previewW, previewH }}
        color={color}
        now={now}
        onMaxScroll={setMaxScroll}
      />
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height - 1}>
      <Header store={store} width={width} color={color} />
      {body}
      <NoticeLine notice={notice} width={width} color={color} />
      {mode.kind === 'view' ? (
        <Text wrap="truncate">{fit(`${mode.view.title} — esc closes`, width)}</Text>
      ) : (
        <Footer keymap={keymap} width={width} color={color} />
      )}
    </Box>
  );
}
