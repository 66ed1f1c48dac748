import type { AgentView } from '../../protocol/agent.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import type { AnswerAction } from '../../protocol/answers.js';
import { WtpError } from '../../client/wtp-error.js';
import type { TuiStore } from './tui-store.js';

/** What a refusal says in the TUI: the daemon's message and its stable code. */
export function errorText(err: unknown): string {
  if (err instanceof WtpError) return `${err.message} [${err.code}]`;
  return err instanceof Error ? err.message : String(err);
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
    extra: { text?: string; message?: string } = {},
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
      return `${verb} ${a.name}${what}: pressed ${r.keys.join(' ')} in ${r.ms} ms`;
    });
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
      return `restarted ${a.name}: ${r.agent.state}, pid ${r.agent.pid ?? '?'}`;
    });
  }

  stop(a: AgentView): Promise<boolean> {
    return this.run(`stopping ${a.name}`, async () => {
      const r = await this.store.client.call('stopAgent', { params: { agent: a.id }, body: { wait: true } });
      return `stopped ${a.name}: ${r.agent.state}`;
    });
  }

  /** Removed as `wtp rm` removes: a live agent is refused (stop it first). */
  remove(a: AgentView): Promise<boolean> {
    return this.run(`removing ${a.name}`, async () => {
      await this.store.client.call('removeAgent', { params: { agent: a.id }, query: { force: 'false' } });
      return `removed ${a.name} and its logs`;
    });
  }
}
