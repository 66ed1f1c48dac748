import { taskStatusWord, type TaskStatusWord } from '../../../protocol/task-status-word.js';
import type { TaskView } from '../../../protocol/tasks.js';
import { paint } from '../../cli/format.js';
import { fit } from '../agent-line.js';
import { windowStart } from '../screen-layout.js';
import { TextRows } from './scroll-text.js';

const STATUS_COLOR: Record<TaskStatusWord, 'green' | 'yellow' | 'gray' | 'red' | 'cyan' | 'magenta'> = {
  backlog: 'gray',
  ready: 'cyan',
  waiting: 'yellow',
  running: 'green',
  review: 'magenta',
  done: 'gray',
  failed: 'red',
  cancelled: 'gray',
};

/** One task: status, title, workspace, what it waits for, its agents. */
export function taskLine(
  t: TaskView,
  byId: ReadonlyMap<string, TaskView>,
  width: number,
  selected: boolean,
  color: boolean,
): string {
  const waits = t.dependsOn
    .map((id) => byId.get(id))
    .filter((d): d is TaskView => d !== undefined && d.status !== 'done')
    .map((d) => d.title);
  const deps = waits.length > 0 ? `waits for ${waits.join(', ')}` : '';
  const agents = t.agents.length > 0 ? `${t.agents.length} run${t.agents.length === 1 ? '' : 's'}` : '';
  const titleW = Math.max(10, Math.floor(width * 0.4));
  const word = taskStatusWord(t);
  const line = `${selected ? '▸' : ' '} ${paint(color, STATUS_COLOR[word], fit(word, 9))} ${fit(t.title, titleW)} ${fit(t.workspace, 12)} ${fit([deps, agents].filter(Boolean).join('  '), Math.max(0, width - titleW - 26))}`;
  return selected && color ? `\x1b[7m${line.replaceAll('\x1b[0m', '\x1b[0m\x1b[7m')}\x1b[0m` : line;
}

/** The task board, compressed to a list: by status in the board's column order. */
export function TaskList(props: {
  tasks: readonly TaskView[];
  byId: ReadonlyMap<string, TaskView>;
  selected: string | null;
  width: number;
  height: number;
  color: boolean;
}) {
  const { tasks, width, height, color } = props;
  const at = tasks.findIndex((t) => t.id === props.selected);
  const start = windowStart(tasks.length, at, height);
  const lines = tasks
    .slice(start, start + height)
    .map((t) => taskLine(t, props.byId, width, t.id === props.selected, color));
  if (tasks.length === 0) lines.push('No tasks. `wtp task add "…"` or `wtp plan import FILE` adds some.');
  return <TextRows lines={lines} top={0} width={width} height={height} />;
}
