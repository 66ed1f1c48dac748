import type { AgentRecord } from '../model/agent-record.js';

/** What a model answered about one turn's last message. */
export interface TurnModelAnswer {
  /** Its word, or null when its reply said neither (unreadable). */
  says: 'question' | 'done' | null;
  inputTokens?: number;
  outputTokens?: number;
}

/**
 * A model that decides how a turn ended when the rules are unsure (config `states.turnModel`; an
 * OpenAI- or Anthropic-compatible endpoint): the adapter in src/adapters/turn-model/.
 */
export interface TurnModel {
  /** The model's name, as its verdicts record it. */
  readonly model: string;
  /** Asks about one message; gives up (rejects) after `timeoutMs`. */
  classify(message: string, timeoutMs: number): Promise<TurnModelAnswer>;
}

/**
 * The turn's last message from the CLI's own session file, for a CLI whose hook brings
 * none (ProfileSpec.turnEnd.transcript): the daemon's file reader (src/adapters/profiles/).
 */
export interface TurnTranscripts {
  /**
   * `ends`: the turn ends its hooks told in this session, this one included (0: not known). The
   * file is waited for until it records them, while `wanted()` (null: it never did, or cannot be
   * read).
   */
  lastMessage(
    agent: AgentRecord,
    sessionId: string,
    ends: number,
    wanted?: () => boolean,
  ): Promise<{ message: string; from: string } | null>;
}
