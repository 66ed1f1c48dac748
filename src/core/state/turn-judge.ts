import type { PendingRequest } from '../../protocol/signals.js';
import type { TurnModelCall, TurnVerdict } from '../../protocol/turn-verdict.js';
import type { TurnEndMessage } from '../agents/profiles.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { TurnModel, TurnModelAnswer, TurnTranscripts } from '../ports/turn-model.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { StateEngine } from './state-engine.js';
import type { TurnRecord } from './turn-end.js';
import { askedText, classifyTurnEnd, RULES_MAX_CHARS, type RulesVerdict } from './turn-rules.js';
import { tailOf } from './turn-text.js';

export interface TurnJudgeSettings {
  /** After this long without the model's answer, the rules' verdict stands. */
  timeoutMs: number;
  /** A longer message is never sent to the model (the rules read all of it). */
  maxChars: number;
  /**
   * How long an idle is held for a session file to record its turn (its CLI flushes the file on a
   * timer of its own); a verdict that comes later still turns the idle into a question.
   */
  transcriptHoldMs: number;
}

export const DEFAULT_TURN_JUDGE: TurnJudgeSettings = {
  timeoutMs: 5_000,
  maxChars: 20_000,
  transcriptHoldMs: 3_000,
};

/** What TurnJudge.stats counts. */
export interface TurnJudgeStats {
  verdicts: Record<`${TurnVerdict['by']}/${TurnVerdict['says']}`, number>;
  modelCalls: Record<TurnModelCall['outcome'], number>;
  modelTokens: { input: number; output: number };
}

/** The engine holds the idle this much past the model's timeout, for its verdict to arrive. */
const HOLD_MARGIN_MS = 250;

export interface TurnJudgeDeps {
  engine: Pick<StateEngine, 'turnEnded' | 'lastTurn'>;
  clock: Clock;
  log: Logger;
  /** The configured model for the rules' unsure cases; absent: the rules decide alone. */
  model?: TurnModel | undefined;
  settings?: Partial<TurnJudgeSettings>;
  /** Every model call, when it is over (its time and tokens: the daemon counts them). */
  onModelCall?: (call: TurnModelCall) => void;
  /** The CLIs' session files, for a turn end whose hook brings no message (Copilot CLI). */
  transcripts?: TurnTranscripts | undefined;
}

/**
 * Decides how an agent's turn ended from its last message: the rules first
 * (turn-rules.ts), and when they are unsure and a model is configured, the model — within a
 * timeout after which the rules' verdict stands. The engine holds the turn's idle meanwhile.
 */
export class TurnJudge {
  private readonly s: TurnJudgeSettings;
  /** Agent id → its session's turn ends told so far (one session per agent: the latest). */
  private readonly ends = new Map<string, { sessionId: string; n: number }>();
  private readonly counts: TurnJudgeStats = {
    verdicts: { 'rules/question': 0, 'rules/done': 0, 'model/question': 0, 'model/done': 0 },
    modelCalls: { answered: 0, timeout: 0, error: 0, unreadable: 0 },
    modelTokens: { input: 0, output: 0 },
  };

  constructor(private readonly d: TurnJudgeDeps) {
    this.s = { ...DEFAULT_TURN_JUDGE, ...d.settings };
  }

  /** How many turn ends this session of the agent has told, this one included (since the daemon started). */
  private endOf(agentId: string, sessionId: string): number {
    const last = this.ends.get(agentId);
    const n = last?.sessionId === sessionId ? last.n + 1 : 1;
    this.ends.set(agentId, { sessionId, n });
    return n;
  }

  /** Verdicts by classifier and word, model calls by outcome, tokens spent (metrics). */
  stats(): TurnJudgeStats {
    const c = this.counts;
    return {
      verdicts: { ...c.verdicts },
      modelCalls: { ...c.modelCalls },
      modelTokens: { ...c.modelTokens },
    };
  }

  /**
   * A hook told a turn's end at `at`: its verdict goes to the engine (a model's, later). Without
   * a message, the CLI's session file is read when its profile names one (`of`: the agent and the
   * session the hook named): the idle is held meanwhile and the hook answered at once, and the
   * verdict follows whenever the file records the turn, while no later turn replaced it.
   */
  async ended(
    agentId: string,
    end: TurnEndMessage,
    at: number,
    of?: { agent: AgentRecord; sessionId: string | null },
  ): Promise<void> {
    const transcripts = this.d.transcripts;
    if (end.message !== null) return this.judge(agentId, end.message, end.from, at);
    if (of?.sessionId == null || transcripts === undefined)
      return this.d.engine.turnEnded(agentId, { at, verdict: null });
    const ends = this.endOf(agentId, of.sessionId);
    await this.d.engine.turnEnded(agentId, {
      at,
      verdict: null,
      pendingUntil: this.d.clock.now() + this.s.transcriptHoldMs,
    });
    const wanted = () => (this.d.engine.lastTurn(agentId)?.at ?? at) <= at;
    const sessionId = of.sessionId;
    const asked = this.d.clock.now();
    void transcripts
      .lastMessage(of.agent, sessionId, ends, wanted)
      .catch((err: unknown) => {
        this.d.log.warn({ agentId, err }, 'turn end: its session file could not be read');
        return null;
      })
      .then((found) => {
        if (found !== null) {
          const ms = Math.round(this.d.clock.now() - asked);
          this.d.log.debug({ agentId, ms }, 'turn end: its session file recorded it');
          return this.judge(agentId, found.message, found.from, at);
        }
        if (!wanted()) return;
        this.d.log.warn({ agentId, sessionId, ends }, 'turn end: its session file never recorded it');
        return this.d.engine.turnEnded(agentId, { at, verdict: null });
      })
      .catch((err: unknown) => this.d.log.warn({ agentId, err }, 'turn end: no verdict'));
  }

  /** The verdict on a turn's last message: the rules', or a model's when they are unsure. */
  private async judge(agentId: string, whole: string, from: string, at: number): Promise<void> {
    // Its end only: a message an agent made as long as it likes costs no more than this.
    const message = tailOf(whole, RULES_MAX_CHARS);
    if (message !== whole)
      this.d.log.warn(
        { agentId, chars: whole.length, read: message.length },
        'turn end: a long last message, only its end read',
      );
    const rules = classifyTurnEnd(message);
    const verdict: TurnVerdict = {
      says: rules.says,
      by: 'rules',
      rule: rules.rule,
      sure: rules.sure,
      from,
      chars: whole.length,
      ...(message === whole ? {} : { read: message.length }),
    };
    const model = this.d.model;
    if (rules.sure || model === undefined || message.length > this.s.maxChars) {
      this.counts.verdicts[`rules/${verdict.says}`]++;
      return this.d.engine.turnEnded(agentId, record(at, verdict, rules, message));
    }
    await this.d.engine.turnEnded(agentId, {
      at,
      verdict: null,
      pendingUntil: this.d.clock.now() + this.s.timeoutMs + HOLD_MARGIN_MS,
    });
    // The hook's call is answered now; the model's verdict follows.
    void this.ask(model, message).then((call) => {
      this.d.onModelCall?.(call);
      this.counts.modelCalls[call.outcome]++;
      this.counts.modelTokens.input += call.inputTokens ?? 0;
      this.counts.modelTokens.output += call.outputTokens ?? 0;
      const decided: TurnVerdict =
        call.outcome === 'answered' && call.says !== undefined
          ? { ...verdict, says: call.says, by: 'model', model: call }
          : { ...verdict, model: call };
      this.counts.verdicts[`${decided.by}/${decided.says}`]++;
      if (call.outcome !== 'answered') {
        this.d.log.warn(
          { agentId, outcome: call.outcome, error: call.error },
          'turn model: the rules decide',
        );
      }
      return this.d.engine.turnEnded(agentId, record(at, decided, rules, message));
    });
  }

  /** The model's call, bounded by the timeout whatever the adapter does. */
  private async ask(model: TurnModel, message: string): Promise<TurnModelCall> {
    const started = this.d.clock.now();
    let timer: TimerHandle | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.d.clock.setTimer(this.s.timeoutMs, () => resolve('timeout'));
    });
    const base = { model: model.model };
    try {
      const got: TurnModelAnswer | 'timeout' = await Promise.race([
        model.classify(message, this.s.timeoutMs),
        timeout,
      ]);
      const ms = Math.max(0, Math.round(this.d.clock.now() - started));
      if (got === 'timeout') return { ...base, outcome: 'timeout', ms };
      const tokens = {
        ...(got.inputTokens === undefined ? {} : { inputTokens: got.inputTokens }),
        ...(got.outputTokens === undefined ? {} : { outputTokens: got.outputTokens }),
      };
      if (got.says === null) return { ...base, outcome: 'unreadable', ms, ...tokens };
      return { ...base, outcome: 'answered', says: got.says, ms, ...tokens };
    } catch (err) {
      const ms = Math.max(0, Math.round(this.d.clock.now() - started));
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      return { ...base, outcome: /timed? ?out|abort/i.test(error) ? 'timeout' : 'error', ms, error };
    } finally {
      if (timer !== undefined) this.d.clock.clearTimer(timer);
    }
  }
}

/** The engine's record of a decided turn end: the verdict, and what a question asks. */
function record(at: number, verdict: TurnVerdict, rules: RulesVerdict, message: string): TurnRecord {
  if (verdict.says !== 'question') return { at, verdict };
  const request: PendingRequest = {
    kind: 'question',
    question: rules.says === 'question' && rules.question !== undefined ? rules.question : askedText(message),
    ...(rules.options !== undefined && rules.options.length > 0 ? { options: rules.options } : {}),
  };
  return { at, verdict, request };
}
