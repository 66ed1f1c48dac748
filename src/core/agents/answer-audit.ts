import type { AgentState } from '../../protocol/agent.js';
import type { EventSource } from '../../protocol/events.js';
import { agentEvent } from '../model/agent-event.js';
import type { AgentRecord } from '../model/agent-record.js';
import type { AgentRegistry } from '../model/registry.js';
import type { NewEvent } from '../../protocol/events.js';
import type { Clock } from '../ports/daemon.js';
import type { AnswerOrder } from './dialog-answerer.js';
import { keyName } from './dialog-screen.js';
import type { Sending } from './question-answer.js';

/** The audit event of an answer: who gave it, through what, the keys, and what it was about. */
export function answerEvent(
  agent: AgentRecord,
  order: AnswerOrder,
  s: Sending,
  source: EventSource,
  waitedMs: number,
  channel?: 'hook',
): NewEvent {
  const base = {
    via: order.via,
    ...(channel === undefined ? {} : { channel }),
    ...(order.rule === undefined ? {} : { rule: order.rule }),
    ...(order.from === undefined ? {} : { from: order.from }),
    ...(order.device === undefined ? {} : { device: order.device }),
    tool: agent.stateDetail.tool ?? agent.stateDetail.request?.tool ?? null,
    about: s.about,
    keys: s.keys.map(keyName),
    waitedMs: Math.max(0, Math.round(waitedMs)),
  };
  return order.action === 'deny'
    ? agentEvent(agent, source, 'agent.denied', { ...base, message: order.message ?? null })
    : order.action === 'answer'
      ? agentEvent(agent, source, 'agent.answered', { ...base, text: order.text ?? '', option: s.option })
      : agentEvent(agent, source, 'agent.approved', {
          ...base,
          always: order.action === 'always',
          scope: s.scope,
          ...(s.modeChange === true ? { modeChange: true } : {}),
        });
}

/** Resolves true once the agent is out of the state it had (`state` since `since`), false after `ms`. */
export function leavesState(
  d: { registry: Pick<AgentRegistry, 'get' | 'onChange'>; clock: Clock },
  agentId: string,
  state: AgentState,
  since: number,
  ms: number,
): Promise<boolean> {
  const left = (): boolean => {
    const a = d.registry.get(agentId);
    return !a || a.state !== state || a.stateSince !== since;
  };
  if (left()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean): void => {
      off();
      d.clock.clearTimer(timer);
      resolve(v);
    };
    const off = d.registry.onChange((id) => {
      if (id === agentId && left()) done(true);
    });
    const timer = d.clock.setTimer(ms, () => done(left()));
  });
}
