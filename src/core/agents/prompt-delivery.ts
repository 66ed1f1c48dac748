import type { EventSource } from '../../protocol/events.js';
import type { OutputHub } from '../hosts/output-hub.js';
import type { Clock, Logger, TimerHandle } from '../ports/daemon.js';
import type { AgentRegistry } from '../model/registry.js';

/** What prompt delivery types through: the agent service's safe-input path. */
export interface PromptSender {
  sendInput(
    ref: string,
    text: string,
    enter: boolean,
    source: EventSource,
    force?: boolean,
    raw?: boolean,
  ): Promise<unknown>;
}

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
  d: {
    service: PromptSender;
    output: OutputHub;
    clock: Clock;
    log: Logger;
    promptQuietMs: number;
    /** Called once: the prompt was typed (or failed), or delivery gave up. */
    settled?: () => void;
  },
  agentId: string,
  prompt: string,
  source: EventSource,
): void {
  let done = false;
  let quiet = d.clock.setTimer(d.promptQuietMs, () => void fire());
  const giveUp = d.clock.setTimer(GIVE_UP_MS, () => {
    finish();
    d.settled?.();
  });
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
    d.settled?.();
  };
}

/**
 * After the prompt is typed, an agent-aware agent says it is working (Claude Code's
 * UserPromptSubmit hook) well within this; one still idle then is sent Enter again: Ink TUIs
 * can drop an Enter that arrives while they digest a paste (research §1.6, field notes).
 */
export const CONFIRM_MS = 5_000;
/** Enters sent again at most, CONFIRM_MS apart. */
export const MAX_EXTRA_ENTERS = 2;

/**
 * Types an initial prompt once an agent-aware agent is at its prompt (`idle`, as its signals
 * say), never while it is working or waiting on a dialog, then makes sure it was taken up: while
 * the agent stays idle, Enter is sent again (at most MAX_EXTRA_ENTERS times, each audited as
 * input and logged). Gives up if the agent ends first, or two minutes after its process started
 * (logged): a spawn that waits its turn does not count.
 */
export function deliverWhenIdle(
  d: {
    service: PromptSender;
    registry: AgentRegistry;
    clock: Clock;
    log: Logger;
    /** Called once: the prompt was typed (or failed), or delivery gave up. */
    settled?: () => void;
  },
  agentId: string,
  prompt: string,
  source: EventSource,
): void {
  let done = false;
  let settling: TimerHandle | null = null;
  let giveUp: TimerHandle | null = null;
  const finish = (): void => {
    done = true;
    off();
    if (giveUp) d.clock.clearTimer(giveUp);
    if (settling) d.clock.clearTimer(settling);
  };
  const check = (): void => {
    if (done) return;
    const a = d.registry.get(agentId);
    if (!a || a.state === 'exited' || a.state === 'crashed') {
      finish();
      d.settled?.();
      return;
    }
    if (a.state !== 'starting' && giveUp === null) {
      giveUp = d.clock.setTimer(GIVE_UP_MS, () => {
        if (done) return;
        finish();
        d.settled?.();
        d.log.warn({ agentId }, 'initial prompt not delivered: the agent never reached its prompt');
      });
    }
    if (a.state !== 'idle' || settling) return;
    // Idle must hold a moment: the first prompt box can be drawn before input is read.
    settling = d.clock.setTimer(SETTLE_MS, () => {
      settling = null;
      const idle = d.registry.get(agentId);
      if (done || idle?.state !== 'idle') return;
      finish();
      const since = idle.stateSince;
      d.service
        .sendInput(agentId, prompt, true, source)
        .then(() => confirmTaken(d, agentId, since, source))
        .catch((err: unknown) => {
          d.log.warn({ err, agentId }, 'initial prompt not delivered');
        })
        .finally(() => d.settled?.());
    });
  };
  const off = d.registry.onChange((id) => {
    if (id === agentId) check();
  });
  check();
}

/**
 * Sends Enter again while the agent stays in the idle state it was in when its prompt was typed
 * (idle since `since`); stops at any change of state.
 */
function confirmTaken(
  d: { service: PromptSender; registry: AgentRegistry; clock: Clock; log: Logger },
  agentId: string,
  since: number,
  source: EventSource,
): void {
  let enters = 0;
  let stopped = false;
  let timer: TimerHandle | null = null;
  const stillIdle = (): boolean => {
    const a = d.registry.get(agentId);
    return a?.state === 'idle' && a.stateSince === since;
  };
  const stop = (): void => {
    stopped = true;
    off();
    if (timer) d.clock.clearTimer(timer);
  };
  const off = d.registry.onChange((id) => {
    if (id === agentId && !stillIdle()) stop();
  });
  const wait = (): void => {
    if (stopped) return; // the agent moved on while an Enter was on its way
    timer = d.clock.setTimer(CONFIRM_MS, () => {
      if (!stillIdle() || enters >= MAX_EXTRA_ENTERS) {
        if (enters >= MAX_EXTRA_ENTERS) {
          d.log.warn({ agentId, enters }, 'initial prompt typed but the agent stayed at its prompt');
        }
        stop();
        return;
      }
      enters++;
      d.log.warn({ agentId, enters }, 'initial prompt not taken up: Enter again');
      d.service.sendInput(agentId, '\r', false, source, false, true).then(wait, (err: unknown) => {
        d.log.warn({ err, agentId }, 'Enter not sent');
        stop();
      });
    });
  };
  if (stillIdle()) wait();
  else stop();
}
