import type { AgentState } from '../../protocol/agent.js';
import type { AnswerRequestParsed, AnswerResult } from '../../protocol/answers.js';
import { announcedAbout } from '../../protocol/agent-words.js';
import type { ErrorCode } from '../../protocol/errors.js';
import type { EventSource } from '../../protocol/events.js';
import type { FleetOrigin } from '../../protocol/fleet.js';
import { appError } from '../../protocol/error-messages.js';
import { AppError } from '../errors.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { AgentRegistry } from '../model/registry.js';
import type { Clock, Logger } from '../ports/daemon.js';
import { dialogNow, sameAbout } from '../state/dialog-answer.js';
import type { DetectorTable } from '../state/detectors/screen-detector.js';
import type { AgentService } from './agent-service.js';
import { throughStage } from './always-stage.js';
import { DialogScreen, keyName } from './dialog-screen.js';
import type { DialogAnswers, ProfileCatalog } from './profiles.js';
import { answerEvent, leavesState } from './answer-audit.js';
import {
  answeredAlready,
  notWaiting,
  refusalText,
  type GivenAnswer,
  type Refused,
} from './answer-refusals.js';
import type { HeldDecisions } from './held-decisions.js';
import { answerThroughHook, type HookAnswerDeps } from './hook-answer.js';
import { planPermission } from './permission-plan.js';
import { planQuestion, type Sending } from './question-answer.js';
import { answerTurnQuestion, waitsOnTurnQuestion } from './turn-answer.js';
import { ANSWER_DEFAULTS, type AnswerSettings } from './answer-settings.js';

/** Whether an agent's decision hook call will come to be held (AnswererDeps.hookCall). */
export type HookCall = 'coming' | 'never' | 'unknown';

/** An answer as the core takes it: the API's request, and for a policy the rule that matched. */
export type AnswerOrder = AnswerRequestParsed & {
  rule?: string | undefined;
  /** Sent from another machine of the fleet: which, and as which database role (audited). */
  from?: FleetOrigin | undefined;
  /** Sent by a paired device (`wtp remote`): its name (audited). */
  device?: string | undefined;
};

export interface AnswererDeps {
  registry: AgentRegistry;
  service: Pick<AgentService, 'screen' | 'typeRaw' | 'view' | 'deliverPrompt' | 'sendInput'>;
  /** The agents' live output (a drawn dialog is answered once it is quiet). */
  output: Pick<OutputHub, 'subscribe' | 'lastOutputAt'>;
  profileCatalog: ProfileCatalog;
  /** The vendors' screen rules (src/vendors/registry.ts); absent: no screen can be verified. */
  detectors?: DetectorTable | undefined;
  /** Decision hooks held for the user's answer: an answer goes there first (no keys, no screen). */
  held?: Pick<HeldDecisions, 'arrival'> | undefined;
  /**
   * Whether the dialog's decision call will come to be held: `coming` when the agent's current
   * process called over a connection a call can be held on (its decision hook goes out as the
   * dialog is drawn), `never` when its calls come only as command hooks, `unknown` before any.
   */
  hookCall?: ((agentId: string) => HookCall) | undefined;
  clock: Clock;
  log: Logger;
  settings?: Partial<AnswerSettings>;
}

/**
 * Approves, denies or answers what an agent waits on — verified, never blind: the
 * agent must still be in the state the user was shown, and the dialog on its screen the one
 * announced (`planDialogAnswer`); the keys its profile declares are pressed one at a time; the
 * answer is audited (`agent.approved`, `agent.denied`, `agent.answered`) and then confirmed: the
 * agent must leave the dialog within a bound, else ANSWER_NOT_TAKEN says what is on screen.
 */
export class DialogAnswerer {
  private readonly s: AnswerSettings;
  /** Agent id → the answer being sent to its dialog (one at a time: a second is refused). */
  private readonly sending = new Map<string, { since: number; via: string }>();
  /** Agent id → the last answer given to its dialogs (to tell a later one it came second). */
  private readonly given = new Map<string, GivenAnswer>();

  private readonly screen: DialogScreen;

  constructor(private readonly d: AnswererDeps) {
    this.s = { ...ANSWER_DEFAULTS, ...d.settings };
    this.screen = new DialogScreen(d, this.s);
    d.registry.onChange((id) => {
      if (d.registry.get(id) === undefined) this.given.delete(id);
    });
  }

  async answer(ref: string, order: AnswerOrder, source: EventSource): Promise<AnswerResult> {
    const startedAt = this.d.clock.now();
    const agent = this.d.registry.resolve(ref);
    const dialogs = this.d.profileCatalog.get(agent.profile).dialogs;
    // The question a turn ended with is answered at its prompt, not in a dialog.
    const turnQuestion = order.action === 'answer' && waitsOnTurnQuestion(agent);
    if (dialogs === undefined && !turnQuestion) {
      throw appError('ANSWER_NOT_SUPPORTED', { agent: agent.name, profile: agent.profile });
    }
    const wanted: AgentState = order.action === 'answer' ? 'needs_input' : 'needs_permission';
    const shown = order.expect?.state ?? wanted;
    const state = agent.state;
    const since = agent.stateSince;
    const shownSince = order.expect?.since;
    // The first answer wins: the one shown a dialog answered meanwhile is told by whom.
    const before = answeredAlready(
      agent,
      this.given.get(agent.id),
      {
        since: shownSince === undefined ? undefined : Date.parse(shownSince),
        waiting: state === wanted && agent.stateDetail.reason !== 'usage_limit',
      },
      startedAt,
    );
    const waiting = state === shown && state === wanted && agent.stateDetail.reason !== 'usage_limit';
    // Another dialog now: that is the news (DIALOG_CHANGED, below), with what became of the first.
    if (!waiting && before !== null && before.by !== null) {
      throw appError('DIALOG_ALREADY_ANSWERED', {
        ...(await this.seen(agent)),
        by: before.by,
        how: before.how,
      });
    }
    const otherwise = before?.clause ?? '';
    if (!waiting) {
      throw await this.refuse(
        agent,
        'AGENT_NOT_WAITING',
        notWaiting(agent, order.action, order.expect?.state) + otherwise,
      );
    }
    if (shownSince !== undefined && Date.parse(shownSince) !== since) {
      throw appError('DIALOG_CHANGED', {
        ...(await this.seen(agent, true)),
        since: new Date(since).toISOString(),
        shown: shownSince,
        outcome: before?.outcome ?? null,
      });
    }
    const busy = this.sending.get(agent.id);
    if (busy !== undefined) {
      throw appError('DIALOG_ALREADY_ANSWERED', { agent: agent.name, state, by: busy.via });
    }
    this.sending.set(agent.id, { since, via: order.via });
    try {
      const result = await this.answerNow(agent, order, source, startedAt, turnQuestion);
      this.given.set(agent.id, { since, via: order.via, action: order.action, at: this.d.clock.now() });
      return result;
    } finally {
      this.sending.delete(agent.id);
    }
  }

  private async answerNow(
    agent: AgentRecord,
    order: AnswerOrder,
    source: EventSource,
    startedAt: number,
    turnQuestion: boolean,
  ): Promise<AnswerResult> {
    if (turnQuestion) return answerTurnQuestion(this.turnDeps(), agent, order, source, startedAt);
    // "Always" is the option its dialog draws, with what it holds for in its own words: the screen's.
    const got = await answerThroughHook(this.hookDeps(), agent, order, source, startedAt);
    return got ?? this.answerDialog(agent, order, source, startedAt);
  }

  /** What answering through a held decision hook (hook-answer.ts) needs of this answerer. */
  private hookDeps(): HookAnswerDeps {
    return {
      held: this.d.held,
      profileCatalog: this.d.profileCatalog,
      service: this.d.service,
      clock: this.d.clock,
      // A tool's dialog: the hook goes out with it (a trust or mode screen at the start has none).
      hookMs: (agent) => {
        const call = this.d.hookCall?.(agent.id) ?? 'unknown';
        if (call === 'never') return 0;
        return agent.stateDetail.reason === 'permission' && call === 'coming'
          ? this.s.hookComingMs
          : this.s.hookMs;
      },
      leaveTimeoutMs: this.s.leaveTimeoutMs,
      audit: (agent, order, s, source, waitedMs) => this.audit(agent, order, s, source, waitedMs, 'hook'),
      leaves: (agentId, state, since, ms) => this.leaves(agentId, state, since, ms),
      refuse: (agent, code, message, extra) => this.refuse(agent, code, message, extra),
      seen: (agent) => this.seen(agent),
    };
  }

  /** What answering a turn's question (turn-answer.ts) needs of this answerer. */
  private turnDeps() {
    return {
      service: this.d.service,
      clock: this.d.clock,
      leaveTimeoutMs: this.s.leaveTimeoutMs,
      pressAgainMs: this.s.pressAgainMs,
      pressEnter: (agent: AgentRecord) => {
        this.d.log.warn({ agentId: agent.id }, 'reply not taken: Enter pressed again');
        void this.screen.press(agent, ['enter']);
      },
      look: async (agent: AgentRecord) => (await this.screen.look(agent)).verdict,
      audit: (agent: AgentRecord, order: AnswerOrder, s: Sending, source: EventSource, waitedMs: number) =>
        this.audit(agent, order, s, source, waitedMs),
      leaves: (agentId: string, state: AgentState, since: number, ms: number) =>
        this.leaves(agentId, state, since, ms),
      refuse: (agent: AgentRecord, code: ErrorCode, message: string) => this.refuse(agent, code, message),
      seen: (agent: AgentRecord) => this.seen(agent),
    };
  }

  /** The checks against the announcement and the screen, the keys, the audit and the confirmation. */
  private async answerDialog(
    agent: AgentRecord,
    order: AnswerOrder,
    source: EventSource,
    startedAt: number,
  ): Promise<AnswerResult> {
    const { state, stateSince: since } = agent;
    const dialogs = this.d.profileCatalog.get(agent.profile).dialogs as DialogAnswers;
    const detail = agent.stateDetail;
    const current = announcedAbout(detail);
    const shownAbout = order.expect?.about;
    if (shownAbout !== undefined && current !== undefined && !sameAbout(shownAbout, current, agent.cwd)) {
      throw appError('DIALOG_CHANGED', {
        ...(await this.seen(agent)),
        about: current,
        shownAbout,
        done: 'pressed',
      });
    }
    const { screen, verdict } = await this.screen.lookForDialog(
      agent,
      order.action === 'answer' ? undefined : (shownAbout ?? current),
    );
    let sending =
      order.action === 'answer'
        ? planQuestion(agent, order.text, screen, verdict)
        : planPermission(agent, order, dialogs, shownAbout ?? current, verdict, screen.lines);

    if (order.action === 'answer' && sending.option !== null)
      await this.screen.pressChoice(agent, sending.keys, sending.option - 1);
    else await this.screen.press(agent, sending.keys);
    if (sending.stage !== undefined)
      sending = await this.stage(agent, order, dialogs, sending, sending.stage);
    if (order.action === 'deny' && dialogs.denyStage !== undefined)
      sending = await this.screen.denyStage(agent, state, since, sending, dialogs.denyStage);
    const seq = await this.audit(agent, order, sending, source, startedAt - since);
    let left = await this.leaves(agent.id, state, since, this.s.pressAgainMs);
    if (!left && (await this.screen.stillThere(agent, state, since, sending))) {
      // A TUI can drop a key that arrives as its dialog mounts (Claude Code under load): the same
      // dialog, about the same thing, still there and the agent still waiting since then — pressed
      // once more, as a user would.
      this.d.log.warn(
        { agentId: agent.id, keys: sending.keys.map(keyName) },
        'answer not taken: pressed again',
      );
      await this.screen.press(agent, sending.keys);
    }
    left ||= await this.leaves(agent.id, state, since, this.s.leaveTimeoutMs - this.s.pressAgainMs);
    if (!left) {
      throw await this.refuse(
        agent,
        'ANSWER_NOT_TAKEN',
        `The keys were sent to agent "${agent.name}" (${sending.keys.map(keyName).join(', ')}), but it was still in the dialog ${Math.round(this.s.leaveTimeoutMs / 1000)} s later; look at it (\`wtp attach ${agent.name}\`).`,
        { seq },
      );
    }
    if (order.action === 'deny' && order.message !== undefined) {
      // Denying returns the agent to its prompt: the reason goes there, once it is idle.
      this.d.service.deliverPrompt(agent.id, order.message, source);
    }
    return {
      agent: this.d.service.view(agent),
      action: order.action,
      about: sending.about,
      scope: sending.scope,
      modeChange: sending.modeChange ?? false,
      keys: sending.keys.map(keyName),
      channel: 'screen',
      left,
      ms: this.d.clock.now() - startedAt,
      seq,
    };
  }

  /**
   * The second stage an "always" option opened (its keys pressed): confirmed, its text the scope —
   * or cancelled (a mode change the user did not accept: ANSWER_CHANGES_MODE, nothing granted), or
   * never drawn (ANSWER_NOT_TAKEN).
   */
  private async stage(
    agent: AgentRecord,
    order: AnswerOrder,
    dialogs: DialogAnswers,
    sending: Sending,
    stage: NonNullable<Sending['stage']>,
  ): Promise<Sending> {
    const out = await throughStage(dialogs, stage, order.acceptModeChange === true, this.s.stageMs, {
      screen: () => this.d.service.screen(agent.id),
      press: (keys) => this.screen.press(agent, keys),
      settle: () => this.screen.quiet(agent.id),
      pause: (ms) => this.screen.pause(ms),
      now: () => this.d.clock.now(),
    });
    const keys = [...sending.keys, ...(out.kind === 'not-drawn' ? [] : out.keys)].map(keyName);
    if (out.kind === 'confirmed') {
      const { stage: _done, ...rest } = sending;
      return { ...rest, keys: [...sending.keys, ...out.keys], scope: out.scope, modeChange: out.modeChange };
    }
    if (out.kind === 'cancelled') {
      const text = refusalText(agent, 'CHANGES_MODE', 'always', out.scope);
      throw await this.refuse(agent, 'ANSWER_CHANGES_MODE', text, { option: out.scope, pressed: keys });
    }
    const rows = (await this.d.service.screen(agent.id).catch(() => null))?.lines ?? [];
    throw await this.refuse(
      agent,
      'ANSWER_NOT_TAKEN',
      `The keys of agent "${agent.name}"'s "always" option were sent (${keys.join(', ')}), but the stage that says what it holds for was not drawn; look at it (\`wtp attach ${agent.name}\`).`,
      {
        pressed: keys,
        rows: rows
          .map((l) => l.trimEnd())
          .filter((l) => l !== '')
          .slice(-12),
      },
    );
  }

  private async audit(
    agent: AgentRecord,
    order: AnswerOrder,
    s: Sending,
    source: EventSource,
    waitedMs: number,
    channel?: 'hook',
  ): Promise<number> {
    const [recorded] = await this.d.registry.record([
      answerEvent(agent, order, s, source, waitedMs, channel),
    ]);
    return recorded?.seq ?? 0;
  }

  private leaves(agentId: string, state: AgentState, since: number, ms: number): Promise<boolean> {
    return leavesState(this.d, agentId, state, since, ms);
  }

  /**
   * A refusal that says what the screen shows now (when the agent's screen can be read). With
   * `nextDialog`, the agent has announced another dialog, maybe before drawing it (a status record
   * or hook comes first): what it shows is that dialog once drawn (up to `drawMs`).
   */
  private async refuse(
    agent: AgentRecord,
    code: ErrorCode,
    message: string,
    extra: Record<string, unknown> = {},
    nextDialog = false,
  ): Promise<AppError> {
    return new AppError(code, message, { ...(await this.seen(agent, nextDialog)), ...extra });
  }

  /** What a refusal's details start with: the agent, its state now and what its screen shows (see `refuse`). */
  private async seen(agent: AgentRecord, nextDialog = false): Promise<Refused> {
    const current = this.d.registry.get(agent.id) ?? agent;
    const now = await (nextDialog ? this.screen.untilDrawn(agent) : this.screen.look(agent)).then(
      ({ verdict }) => dialogNow(verdict),
      () => null,
    );
    return { agent: agent.name, state: current.state, now };
  }
}
