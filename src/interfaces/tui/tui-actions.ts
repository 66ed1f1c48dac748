import type { AgentView } from '../../protocol/agent.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import { sentWords } from '../../protocol/answer-words.js';
import type { AnswerAction } from '../../protocol/answers.js';
import { TASK_STATUSES } from '../../protocol/constants.js';
import type { TaskView } from '../../protocol/tasks.js';
import { AppError } from '../../protocol/app-error.js';
import type { TuiStore } from './tui-store.js';

/** What a refusal says in the TUI, on one line: its stable code and the daemon's message (its first line). */
export function errorText(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n')[0] ?? '';
  // The code first: a narrow terminal cuts the end of the line.
  return err instanceof AppError ? `[${err.code}] ${first}` : first;
}

/** A refusal's whole message as lines, the code on the first (a view has room for the rest). */
export function errorLines(err: unknown): string[] {
  const rest = (err instanceof Error ? err.message : String(err)).split('\n').slice(1);
  return [errorText(err), ...rest];
}

/**
 * The actions the TUI's keys run, each a call of the daemon's API (no logic of its own): the
 * outcome, or the refusal with its code, is said on the notice line.
 */
export class TuiActions {
  constructor(private readonly store: TuiStore) {}

  private async run(doing: string, call: () => Promise<string>): Promise<boolean> {
    this.store.say(`${doing}…`);
    try {
      this.store.say(await call(), 'ok');
      return true;
    } catch (err) {
      this.store.say(errorText(err), 'error');
      return false;
    }
  }

  /**
   * Approve, always, deny or answer — against what the list showed (`expect`), so the daemon
   * refuses when the agent moved on to another dialog meanwhile.
   */
  answer(
    a: AgentView,
    action: AnswerAction,
    extra: { text?: string; message?: string; acceptModeChange?: boolean } = {},
  ): Promise<boolean> {
    const about = announcedAbout(a.stateDetail);
    return this.run(`${action} ${a.name}`, async () => {
      const r = await this.store.client.call('answerAgent', {
        params: { agent: a.id },
        body: {
          action,
          ...extra,
          via: 'tui',
          expect: { state: a.state, since: a.stateSince, ...(about === undefined ? {} : { about }) },
        },
      });
      const what = r.about ? ` (${r.about})` : '';
      const verb = { approve: 'approved', always: 'approved for good', deny: 'denied', answer: 'answered' }[
        action
      ];
      const scope = r.scope ? ` "${r.scope}"` : '';
      return `${verb} ${a.name}${what}: ${sentWords(r.keys, r.channel)}${scope} in ${r.ms} ms`;
    });
  }

  /**
   * "Always", as the dialog's own option says: when that option would change the session's
   * permission mode the daemon refuses it (ANSWER_CHANGES_MODE, nothing pressed) and `confirm`
   * gets its text, to ask the user before it is pressed with `acceptModeChange`.
   */
  async always(a: AgentView, confirm: (option: string) => void): Promise<boolean> {
    const about = announcedAbout(a.stateDetail);
    this.store.say(`always ${a.name}…`);
    try {
      const r = await this.store.client.call('answerAgent', {
        params: { agent: a.id },
        body: {
          action: 'always',
          via: 'tui',
          expect: { state: a.state, since: a.stateSince, ...(about === undefined ? {} : { about }) },
        },
      });
      this.store.say(`approved ${a.name} for good: pressed ${r.keys.join(' ')} "${r.scope ?? ''}"`, 'ok');
      return true;
    } catch (err) {
      const option = err instanceof AppError ? err.details?.['option'] : undefined;
      if (err instanceof AppError && err.code === 'ANSWER_CHANGES_MODE' && typeof option === 'string') {
        this.store.say(`${a.name}'s "always" option changes the session's mode: nothing pressed`, 'error');
        confirm(option);
        return false;
      }
      this.store.say(errorText(err), 'error');
      return false;
    }
  }

  /** A line typed at its prompt; refused (AGENT_BUSY) while it works, as `wtp send` is. */
  send(a: AgentView, text: string): Promise<boolean> {
    return this.run(`typing into ${a.name}`, async () => {
      const r = await this.store.client.call('sendInput', {
        params: { agent: a.id },
        body: { text, enter: true, force: false, raw: false },
      });
      return `sent ${r.bytes} byte(s) to ${a.name} and pressed Enter`;
    });
  }

  restart(a: AgentView): Promise<boolean> {
    return this.run(`restarting ${a.name}`, async () => {
      const r = await this.store.client.call('restartAgent', { params: { agent: a.id } });
      this.store.agents.put(r.agent);
      return `restarted ${a.name}: ${r.agent.state}, pid ${r.agent.pid ?? '?'}`;
    });
  }

  stop(a: AgentView): Promise<boolean> {
    return this.run(`stopping ${a.name}`, async () => {
      const r = await this.store.client.call('stopAgent', { params: { agent: a.id }, body: { wait: true } });
      // Shown stopped with the notice, not once its events arrive: a second x says it is stopped already.
      this.store.agents.put(r.agent);
      return `stopped ${a.name}`;
    });
  }

  /** Removed as `wtp rm` removes: a live agent is refused (stop it first). */
  remove(a: AgentView): Promise<boolean> {
    return this.run(`removing ${a.name}`, async () => {
      await this.store.client.call('removeAgent', { params: { agent: a.id }, query: { force: 'false' } });
      return `removed ${a.name} and its logs`;
    });
  }

  /** A task moved to another status, as `wtp task move` moves it (the daemon refuses a move it does not allow). */
  moveTask(t: TaskView, status: string): Promise<boolean> {
    return this.run(`moving "${t.title}"`, async () => {
      if (!(TASK_STATUSES as readonly string[]).includes(status)) {
        throw new AppError('INVALID_INPUT', `"${status}" is not a task status: ${TASK_STATUSES.join(', ')}`);
      }
      const r = await this.store.client.call('moveTask', {
        params: { task: t.id },
        body: { status: status as TaskView['status'] },
      });
      return `moved "${r.task.title}" to ${r.task.status}`;
    });
  }
}
