import { Box, Text } from 'ink';
import { paint } from '../../cli/format.js';
import { fit } from '../agent-line.js';
import { TUI_ACTIONS, type Keymap, type TuiAction } from '../keymap.js';
import type { Notice, TuiStore } from '../tui-store.js';
import { NEEDS_YOU } from '../fleet-rows.js';
import { cellText } from '../../../protocol/terminal-text.js';

/** How a key is written in the footer and the help (`enter` → ⏎). */
export function keyLabel(key: string): string {
  return { enter: '⏎', up: '↑', down: '↓', space: '␣' }[key] ?? key;
}

/** The first line: the fleet in numbers, the tab, the filter, and whether the stream is live. */
export function Header({ store, width, color }: { store: TuiStore; width: number; color: boolean }) {
  const agents = [...store.agents.items.values()];
  const needs = agents.filter((a) => NEEDS_YOU.has(a.state)).length;
  const working = agents.filter((a) => a.state === 'working').length;
  const live =
    store.feed === 'live'
      ? paint(color, 'green', '● live')
      : paint(color, 'yellow', store.feed === 'connecting' ? '○ connecting' : '○ reconnecting');
  const tab = (t: 'agents' | 'tasks', label: string): string =>
    store.tab === t ? paint(color, 'bold', `[${label}]`) : ` ${label} `;
  const counts = `${agents.length} agents · ${paint(color, needs > 0 ? 'magenta' : 'gray', `${needs} need you`)} · ${working} working`;
  const filter = store.filter ? `  filter: ${store.filter}` : '';
  const sort = store.needsFirst ? '  sorted: needs you first' : '';
  return (
    <Box width={width}>
      <Text wrap="truncate">
        {`${paint(color, 'bold', 'wtp')} ${live}  ${tab('agents', 'Agents')}${tab('tasks', 'Tasks')}  ${counts}${filter}${sort}`}
      </Text>
    </Box>
  );
}

/** The line above the footer: the last action's outcome, or a prompt being typed. */
export function NoticeLine({
  notice,
  width,
  color,
}: {
  notice: Notice | null;
  width: number;
  color: boolean;
}) {
  if (!notice) return <Text> </Text>;
  const tone = notice.kind === 'error' ? 'red' : notice.kind === 'ok' ? 'green' : 'gray';
  return (
    <Box width={width}>
      <Text wrap="truncate">{paint(color, tone, cellText(notice.text))}</Text>
    </Box>
  );
}

/** In this order, as many as fit: help and quit come early so a narrow terminal still shows them. */
const FOOTER: TuiAction[] = [
  'attach',
  'approve',
  'deny',
  'input',
  'nextNeeds',
  'help',
  'quit',
  'newAgent',
  'diff',
  'merge',
  'filter',
  'tasks',
];

const SHORT: Partial<Record<TuiAction, string>> = {
  attach: 'attach',
  approve: 'approve',
  deny: 'deny',
  input: 'input',
  nextNeeds: 'next',
  newAgent: 'new',
  diff: 'diff',
  merge: 'merge',
  filter: 'filter',
  tasks: 'tasks',
  help: 'help',
  quit: 'quit',
};

/** The last line: the main keys, as many as fit. */
export function Footer({ keymap, width, color }: { keymap: Keymap; width: number; color: boolean }) {
  let text = '';
  let used = 0;
  for (const action of FOOTER) {
    const key = keymap.keys(action)[0];
    if (key === undefined) continue;
    const item = `${keyLabel(key)} ${SHORT[action] ?? action}`;
    if (used + item.length + 2 > width) break;
    text += `${paint(color, 'bold', keyLabel(key))} ${SHORT[action] ?? action}  `;
    used += item.length + 2;
  }
  return (
    <Box width={width}>
      <Text wrap="truncate">{text}</Text>
    </Box>
  );
}

/** `?`: every action, its keys and what it does — in two columns when one does not fit. */
export function Help({
  keymap,
  width,
  height,
  color,
}: {
  keymap: Keymap;
  width: number;
  height: number;
  color: boolean;
}) {
  const actions = Object.keys(TUI_ACTIONS) as TuiAction[];
  const columns = actions.length + 1 > height ? 2 : 1;
  const colW = Math.floor(width / columns);
  const perColumn = Math.ceil(actions.length / columns);
  const entry = (a: TuiAction): string =>
    fit(`${fit(keymap.keys(a).map(keyLabel).join(' '), 9)} ${TUI_ACTIONS[a].help}`, colW - 1);
  const lines = [
    paint(color, 'bold', fit('Keys (tui.keys in the config remaps them; any key closes this)', width)),
  ];
  for (let i = 0; i < perColumn; i++) {
    lines.push(
      Array.from({ length: columns }, (_, c) => actions[c * perColumn + i])
        .map((a) => (a === undefined ? '' : entry(a)))
        .join(' '),
    );
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height).map((l, i) => (
        <Text key={i} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
