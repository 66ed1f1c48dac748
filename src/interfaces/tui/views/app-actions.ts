import type { AgentView } from '../../../protocol/agent.js';
import { TASK_MOVES } from '../../../protocol/task-moves.js';
import { nextNeedingYou, stepAgent } from '../fleet-rows.js';
import type { TuiAction } from '../keymap.js';
import type { AppProps } from './app.js';
import type { FleetState, ModeState } from './app-state.js';

/** What an action acts on: the app's props, its rows and mode as rendered, the screen's height. */
export interface ActionContext extends FleetState, ModeState {
  props: AppProps;
  height: number;
  maxScroll: number;
  exit(): void;
}

/** Runs the action of a key: on the list first, then on the selected agent (which it needs). */
export function runAction(action: TuiAction, c: ActionContext): void {
  const a = c.current();
  if (moveAction(action, a, c) || openAction(action, a, c)) return;
  const agent = c.needAgent();
  if (!agent) return;
  if (!answerAction(action, agent, c)) agentAction(action, agent, c);
}

/** Moves over the list and its preview. */
function moveAction(action: TuiAction, a: AgentView | undefined, c: ActionContext): boolean {
  const store = c.props.store;
  const { tasks, list, height, maxScroll } = c;
  switch (action) {
    case 'down':
    case 'up': {
      const step = action === 'down' ? 1 : -1;
      if (store.tab === 'tasks') {
        const at = tasks.findIndex((t) => t.id === store.selectedTask);
        const next = tasks[Math.min(tasks.length - 1, Math.max(0, at + step))];
        store.update({ selectedTask: next?.id ?? null });
      } else store.update({ selectedAgent: stepAgent(list, a?.id ?? null, step), scroll: 0 });
      return true;
    }
    case 'nextNeeds': {
      const next = nextNeedingYou(list, a?.id ?? null);
      if (next === null) store.say('No agent needs you.');
      else store.update({ selectedAgent: next, scroll: 0, tab: 'agents' });
      return true;
    }
    case 'tasks':
      store.update({ tab: store.tab === 'agents' ? 'tasks' : 'agents' });
      return true;
    case 'needsFirst':
      store.update({ needsFirst: !store.needsFirst });
      return true;
    case 'scrollUp':
      store.update({ scroll: Math.min(maxScroll, store.scroll + Math.max(1, Math.floor(height / 3))) });
      return true;
    case 'scrollDown':
      store.update({ scroll: Math.max(0, store.scroll - Math.max(1, Math.floor(height / 3))) });
      return true;
    default:
      return false;
  }
}

/** Actions that need no agent: quit, help, the filter, a task's move, views of no agent's own. */
function openAction(action: TuiAction, a: AgentView | undefined, c: ActionContext): boolean {
  const { props, tasks, prompt } = c;
  const store = props.store;
  switch (action) {
    case 'quit':
      props.quit();
      c.exit();
      return true;
    case 'help':
      c.setMode({ kind: 'help' });
      return true;
    case 'filter': {
      // The list follows each key typed; Enter keeps the filter, Esc puts back the one before.
      const before = store.filter;
      const apply = (value: string): void => store.update({ filter: value });
      prompt('filter: ', apply, store.filter, { live: apply, cancel: () => apply(before) });
      return true;
    }
    case 'moveTask': {
      const task = tasks.find((t) => t.id === store.selectedTask) ?? tasks[0];
      if (store.tab !== 'tasks' || !task) {
        store.say('Select a task on the Tasks tab (t) first.', 'error');
        return true;
      }
      const to = TASK_MOVES[task.status];
      if (to.length === 0) store.say(`"${task.title}" is ${task.status}: it moves no further.`, 'error');
      else
        prompt(
          `move "${task.title}" (${task.status}) to ${to.join(' | ')}: `,
          (status) => void props.actions.moveTask(task, status.trim()),
        );
      return true;
    }
    case 'conflicts':
    case 'newAgent': {
      const view = props.views[action](a);
      if (view) c.setMode({ kind: 'view', view });
      return true;
    }
    default:
      return false;
  }
}

/** Answers to what the agent asks: approve, always, deny, and a reply or text typed into it. */
function answerAction(action: TuiAction, agent: AgentView, c: ActionContext): boolean {
  const { actions } = c.props;
  const { prompt } = c;
  switch (action) {
    case 'approve':
      void actions.answer(agent, action);
      return true;
    case 'always':
      void actions.always(agent, (option) =>
        c.confirm(
          `This changes ${agent.name}'s permission mode for its session — press it? [y/N] "${option}"`,
          () => void actions.answer(agent, 'always', { acceptModeChange: true }),
        ),
      );
      return true;
    case 'deny':
      prompt(
        `deny ${agent.name} — reason for the agent (optional, ⏎ sends): `,
        (message) => void actions.answer(agent, 'deny', message.trim() ? { message: message.trim() } : {}),
      );
      return true;
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
      return true;
    }
    default:
      return false;
  }
}

/** The agent itself: attach, restart, stop, remove, its diff and its merge. */
function agentAction(action: TuiAction, agent: AgentView, c: ActionContext): void {
  const { props, confirm } = c;
  const { actions } = props;
  switch (action) {
    case 'attach':
      props.attach(agent);
      return;
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
      if (view) c.setMode({ kind: 'view', view });
      return;
    }
    default:
      return;
  }
}
