import type { Key } from 'ink';
import { keyName, type Keymap, type TuiAction } from '../keymap.js';
import { layout, rowAt } from '../screen-layout.js';
import type { TuiStore } from '../tui-store.js';
import { charKey, keyRuns } from './app-hooks.js';
import type { FleetState, ModeState, PromptMode } from './app-state.js';
import { editLine } from './line-editor.js';
import { routeKey, useKeys, useMouse } from './use-keys.js';

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

interface InputContext extends ModeState {
  store: TuiStore;
  run(action: TuiAction): void;
}

/** Mouse: a click on an agent (or a task) selects it; the wheel over the preview scrolls it. */
export function useAppMouse(c: InputContext & FleetState & { width: number; height: number }): void {
  const { store, tasks, rows, width, height, run } = c;
  useMouse((ev) => {
    const mode = c.modeNow.current;
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
    const sel = rows.findIndex((r) => r.kind === 'agent' && r.agent.id === c.current()?.id);
    const row = rows[rowAt(ev.y, rows.length, sel, at.listH)];
    if (row?.kind === 'agent' && row.agent.id !== store.selectedAgent)
      store.update({ selectedAgent: row.agent.id, scroll: 0 });
  }, c.mode.kind === 'list');
}

type KeyContext = InputContext & { keymap: Keymap };

/** Keys: to the open view, help, question or prompt, else the list's, through the keymap. */
export function useAppKeys(c: KeyContext): void {
  useKeys((input, key) => onKey(c, input, key));
}

function onKey(c: KeyContext, input: string, key: Key): void {
  const mode = c.modeNow.current;
  if (mode.kind === 'view') {
    routeKey(c.router, input, key);
    return;
  }
  if (mode.kind === 'help') {
    c.setMode({ kind: 'list' });
    return;
  }
  if (mode.kind === 'confirm') {
    c.setMode({ kind: 'list' });
    if (input === 'y' || input === 'Y') mode.run();
    else c.store.say('Cancelled.');
    return;
  }
  if (mode.kind === 'prompt') promptKey(c, mode, input, key);
  else listKeys(c, input, key);
}

function promptKey(c: KeyContext, mode: PromptMode, input: string, key: Key): void {
  // Typed fast (`sh1⏎`): the text, then the Enter that closes the prompt. What came after it is
  // not for the list: it cannot be told from a paste's tail (`x⏎a` must not approve anything).
  const runs = keyRuns(input, key);
  if (runs.length > 1) {
    for (const [run, runKey] of runs) {
      onKey(c, run, runKey);
      if (c.modeNow.current.kind !== 'prompt') break;
    }
    return;
  }
  const next = editLine(mode.value, input, key);
  if (next.cancel) {
    c.setMode({ kind: 'list' });
    mode.cancel?.();
  } else if (next.done) {
    c.setMode({ kind: 'list' });
    mode.submit(next.value);
  } else {
    c.setMode({ ...mode, value: next.value });
    if (next.value !== mode.value) mode.live?.(next.value);
  }
}

function listKeys(c: KeyContext, input: string, key: Key): void {
  // Keys typed faster than a frame arrive together ("jx", "⏎⏎"): each is a key press of its own.
  const chars = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
  for (let i = 0; i < chars.length; i++) {
    const name =
      chars.length > 1 ? keyName(chars[i] ?? '', charKey(chars[i] ?? '', key)) : keyName(input, key);
    const action = name === null ? undefined : c.keymap.action(name);
    if (!action) continue;
    c.run(action);
    const rest = chars.slice(i + 1);
    const now = c.modeNow.current.kind;
    // Keys typed with the one that opened a view are the view's; with one that opened a prompt
    // (`/sh1⏎` typed fast), the prompt's.
    if (now === 'view') for (const ch of rest) routeKey(c.router, ch, charKey(ch, key));
    else if (now === 'prompt' && rest.length > 0) onKey(c, rest.join(''), charKey(rest.join(''), key));
    // Keys after one that opens something (a prompt, a view, a question) are not list keys.
    if (!MOVES.has(action)) break;
  }
}
