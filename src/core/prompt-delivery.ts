import type { EventSource } from '../protocol/events.js';
import type { AgentService } from './agent-service.js';
import type { OutputHub } from './output-hub.js';
import type { Clock, Logger } from './ports.js';

/** Give up typing an initial prompt after this long. */
const GIVE_UP_MS = 120_000;

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
