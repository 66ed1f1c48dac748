import type { EventSource } from '../protocol/events.js';
import type { AgentService } from './agent-service.js';
import type { OutputHub } from './output-hub.js';
import type { Clock, Logger, TimerHandle } from './ports.js';
import type { AgentRegistry } from './registry.js';

/** Give up typing an initial prompt after this long. */
const GIVE_UP_MS = 120_000;
/** An agent must have been idle this long before its initial prompt is typed. */
const SETTLE_MS = 300;

/**
 * Types an initial prompt once the agent has started and its output has been quiet for
 * `promptQuietMs` (a TUI drawing its first screen is not ready for input). Agent-aware
 * readiness ("at its prompt") replaces this heuristic where a profile can tell.
 */
export function deliverWhenQuiet(
  d: { service: AgentService; output: OutputHub; clock: Clock; log: Logger; promptQuietMs: number },
  agentId: string,
  prompt: string,
  source: EventSource,
): void {
  let done = false;
  let quiet = d.clock.setTimer(d.promptQuietMs, () => void fire());
  const giveUp = d.clock.setTimer(GIVE_UP_MS, () => finish());
  const unsubscribe = d.output.subscribe(agentId, () => {
    d.clock.clearTimer(quiet);
    quiet = d.clock.setTimer(d.promptQuietMs, () => void fire());
  });
  const finish = (): void => {
    done = true;
    unsubscribe();
    d.clock.clearTimer(quiet);
    d.clock.clearTimer(giveUp);
  };
  const fire = async (): Promise<void> => {
    if (done) return;
    finish();
    try {
      await d.service.sendInput(agentId, prompt, true, source);
    } catch (err) {
      d.log.warn({ err, agentId }, 'initial prompt not delivered');
    }
  };
}

/**
 * Types an initial prompt once an agent-aware agent is at its prompt (`idle`, as its signals
 * say), never while it is working or waiting on a dialog. Gives up if the agent ends first, or
 * after two minutes (logged).
 */
export function deliverWhenIdle(
  d: { service: AgentService; registry: AgentRegistry; clock: Clock; log: Logger },
  agentId: string,
  prompt: string,
  source: EventSource,
): void {
  let done = false;
  let settling: TimerHandle | null = null;
  const finish = (): void => {
    done = true;
    off();
    d.clock.clearTimer(giveUp);
    if (settling) d.clock.clearTimer(settling);
  };
  const check = (): void => {
    if (done) return;
    const a = d.registry.get(agentId);
    if (!a || a.state === 'exited' || a.state === 'crashed') {
      finish();
      return;
    }
    if (a.state !== 'idle' || settling) return;
    // Idle must hold a moment: the first prompt box can be drawn before input is read.
    settling = d.clock.setTimer(SETTLE_MS, () => {
      settling = null;
      if (done || d.registry.get(agentId)?.state !== 'idle') return;
      finish();
      d.service.sendInput(agentId, prompt, true, source).catch((err: unknown) => {
        d.log.warn({ err, agentId }, 'initial prompt not delivered');
      });
    });
  };
  const off = d.registry.onChange((id) => {
    if (id === agentId) check();
  });
  const giveUp = d.clock.setTimer(GIVE_UP_MS, () => {
    if (done) return;
    finish();
    d.log.warn({ agentId }, 'initial prompt not delivered: the agent never reached its prompt');
  });
  check();
}
